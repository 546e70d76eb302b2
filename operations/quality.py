"""The quality program: which approved determinations go to a blinded second reviewer, and how well reviewers agree.

- The sample: a case is in it when a random number drawn from a generator seeded by its case number (SHA-256) falls
  under the rate the medical director set, so the same case gets the same answer on every draw.
- The second reviewer: an active reviewer certified in the specialty printed on the first letter
  (``Case.reviewer_credentials``), never the first reviewer nor the case's current reviewer, never one tied to a party
  of the case (the matching's conflict rule, ``reviewers.qualification``); picked by the same seeded generator.
- Agreement: percent agreement and Cohen's kappa (Cohen 1960) per first reviewer, per specialty, per month of the
  second review (over time) and overall.
- Outliers: a reviewer whose overturn rate or QA return rate is more than twice, or less than half, the rate of their
  specialty as a whole, over at least ``MIN_DECISIONS`` decisions (a simple ratio, not standard deviations: a
  specialty has too few reviewers for a standard deviation to mean much).

The page reads one calendar quarter at a time (the one chosen, the current one by default), as a quality program
reports: the second reviews recorded in it, and the outliers from the counts the database keeps by quarter
(``QualityFigure``, ``operations/quality_sql.py``): an approved determination's items count in the quarter of its
approval, a submission to QA in the quarter it was submitted. Its cost is one quarter's, whatever the years kept.
"""

import datetime
import hashlib
import random
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone

from cases.models import Case, Determination, ItemDecision
from cases.services.matching import case_parties
from operations.quality_models import QualityFigure, QualitySetting, SecondReview, SecondReviewItem
from reviewers.qualification import conflicting_parties

MIN_DECISIONS = 10
RATIO = 2.0
QUARTERS = 8  # the quarters one may choose, this one and the seven before


def current_rate() -> Decimal:
    setting = QualitySetting.objects.first()
    return setting.rate if setting else Decimal(0)


def _draw(case_number: str) -> random.Random:
    return random.Random(int.from_bytes(hashlib.sha256(case_number.encode()).digest()[:8], "big"))


def in_sample(case_number: str, rate: Decimal) -> bool:
    return _draw(case_number).random() * 100 < float(rate)


def specialty_of(case: Case) -> str:
    certifications = (case.reviewer_credentials or {}).get("certifications") or []
    return certifications[0] if certifications else ""


def _second_reviewer(case: Case, specialty: str, first_id: int):
    candidates = list(
        get_user_model()
        .objects.filter(
            is_active=True,
            reviewer_profile__active=True,
            reviewer_profile__certifications__name__iexact=specialty,
        )
        .exclude(pk__in=[first_id, case.reviewer_id or first_id])
        .select_related("reviewer_profile")
        .order_by("pk")
        .distinct()
    )
    # The matching's conflict rule: no tie (current, or ended within the look-back) to a party of the case.
    parties = case_parties(case).keys()
    candidates = [user for user in candidates if not conflicting_parties(user.reviewer_profile, parties)]
    if not candidates:
        return None
    generator = _draw(case.case_number)
    generator.random()  # the first number decided the sample
    return generator.choice(candidates)


@dataclass
class DrawResult:
    sampled: int = 0
    without_reviewer: int = 0


def draw_sample() -> DrawResult:
    """Send the approved determinations not drawn yet that fall in the sample to a second reviewer."""
    rate = current_rate()
    result = DrawResult()
    approved = Determination.objects.filter(
        state=Determination.State.APPROVED, case__second_review__isnull=True
    ).exclude(author=None)
    # The draw on the case numbers alone; only the cases in the sample are loaded.
    chosen = [pk for pk, number in approved.values_list("pk", "case__case_number") if in_sample(number, rate)]
    for determination in approved.filter(pk__in=chosen).select_related("case").order_by("pk"):
        case = determination.case
        specialty = specialty_of(case)
        first_id = determination.author_id
        if first_id is None or not specialty:
            continue
        second = _second_reviewer(case, specialty, first_id)
        if second is None:
            result.without_reviewer += 1
            continue
        with transaction.atomic():
            review = SecondReview.objects.create(
                case=case, specialty=specialty, first_reviewer_id=first_id, second_reviewer=second
            )
            decisions = ItemDecision.objects.filter(determination=determination).exclude(decision="")
            SecondReviewItem.objects.bulk_create(
                SecondReviewItem(review=review, item_id=decision.item_id, first_decision=decision.decision)
                for decision in decisions
            )
        result.sampled += 1
    return result


def record(review: SecondReview, verdicts: dict[int, str]) -> None:
    """The second reviewer's decisions, per item id; only the second review's own rows change."""
    with transaction.atomic():
        for row in review.items.select_for_update():
            row.second_decision = verdicts[row.item_id]
            row.save(update_fields=["second_decision"])
        review.completed_at = timezone.now()
        review.save(update_fields=["completed_at"])


@dataclass(frozen=True)
class Agreement:
    items: int
    percent: float  # p_o, 0-1
    expected: float  # p_e, 0-1
    kappa: float | None  # None when p_e is 1 (both raters gave one answer only)


def cohen_kappa(pairs: Iterable[tuple[str, str]]) -> Agreement:
    """Cohen's kappa of two raters over the same items: (p_o - p_e) / (1 - p_e)."""
    pairs = list(pairs)
    count = len(pairs)
    if not count:
        return Agreement(0, 0.0, 0.0, None)
    observed = sum(1 for first, second in pairs if first == second) / count
    firsts: dict[str, int] = defaultdict(int)
    seconds: dict[str, int] = defaultdict(int)
    for first, second in pairs:
        firsts[first] += 1
        seconds[second] += 1
    expected = sum(firsts[label] * seconds[label] for label in firsts) / (count * count)
    kappa = None if expected == 1 else (observed - expected) / (1 - expected)
    return Agreement(count, observed, expected, kappa)


def quarter_of(day: datetime.date) -> datetime.date:
    """The first day of the quarter ``day`` is in."""
    return day.replace(month=(day.month - 1) // 3 * 3 + 1, day=1)


def next_quarter(quarter: datetime.date) -> datetime.date:
    return (quarter.replace(day=28) + datetime.timedelta(days=93)).replace(day=1)


def recent_quarters(today: datetime.date, count: int = QUARTERS) -> list[datetime.date]:
    """The quarter of ``today`` and the ``count - 1`` before it, newest first."""
    quarters = [quarter_of(today)]
    while len(quarters) < count:
        quarters.append(quarter_of(quarters[-1] - datetime.timedelta(days=1)))
    return quarters


def _completed_items(quarter: datetime.date):
    """The second decisions recorded in the quarter (the organization's time zone)."""
    start, end = (
        timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
        for day in (quarter, next_quarter(quarter))
    )
    return (
        SecondReviewItem.objects.exclude(second_decision="")
        .filter(review__completed_at__gte=start, review__completed_at__lt=end)
        .select_related("review__first_reviewer", "review__case", "item")
    )


def agreement_tables(quarter: datetime.date) -> dict[str, list[tuple[str, Agreement]]]:
    by_reviewer: dict[str, list[tuple[str, str]]] = defaultdict(list)
    by_specialty: dict[str, list[tuple[str, str]]] = defaultdict(list)
    by_month: dict[str, list[tuple[str, str]]] = defaultdict(list)
    overall = []
    for row in _completed_items(quarter):
        pair = (row.first_decision, row.second_decision)
        by_reviewer[_name(row.review.first_reviewer)].append(pair)
        by_specialty[row.review.specialty].append(pair)
        if row.review.completed_at:
            by_month[f"{timezone.localtime(row.review.completed_at):%Y-%m}"].append(pair)
        overall.append(pair)
    return {
        "reviewer": [(key, cohen_kappa(pairs)) for key, pairs in sorted(by_reviewer.items())],
        "specialty": [(key, cohen_kappa(pairs)) for key, pairs in sorted(by_specialty.items())],
        "month": [(key, cohen_kappa(pairs)) for key, pairs in sorted(by_month.items())],
        "overall": [("All", cohen_kappa(overall))] if overall else [],
    }


def disagreements(quarter: datetime.date) -> list[SecondReviewItem]:
    return [
        row
        for row in _completed_items(quarter).order_by("-review__completed_at")
        if row.first_decision != row.second_decision
    ]


@dataclass(frozen=True)
class Flag:
    reviewer: str
    specialty: str
    measure: str
    rate: float
    specialty_rate: float
    count: int


def _stands_out(rate: float, reference: float) -> bool:
    if reference == 0:
        return rate > 0
    return rate > RATIO * reference or rate < reference / RATIO


def _flags_for(measure: str, rows: dict[tuple[str, int], list[int]], totals: dict[str, list[int]]) -> list[Flag]:
    """``rows``: (specialty, reviewer id) → [hits, count], those over ``MIN_DECISIONS``; ``totals``: specialty →
    [hits, count] of every reviewer. The reviewer's name is filled in by the caller."""
    flags = []
    for (specialty, reviewer), (hits, count) in rows.items():
        reference = totals[specialty][0] / totals[specialty][1]
        if count >= MIN_DECISIONS and _stands_out(hits / count, reference):
            flags.append(Flag(str(reviewer), specialty, measure, hits / count, reference, count))
    return flags


def _name(user) -> str:
    return (user.get_full_name() or user.username) if user else ""


MEASURES = (("Overturn rate", "overturned", "decided"), ("QA return rate", "returned", "submitted"))


def outliers(quarter: datetime.date) -> list[Flag]:
    """Reviewers whose overturn rate or QA return rate in the quarter stands out from their specialty's (see the
    module's note), from the counts kept by quarter (``QualityFigure``): one quarter's rows, whatever the years."""
    figures = QualityFigure.objects.filter(quarter=quarter)
    counts = [name for _measure, hits, count in MEASURES for name in (hits, count)]
    summed = figures.values("specialty").annotate(**{f"all_{name}": Sum(name) for name in counts})
    totals: dict[str, dict[str, int]] = {
        specialty: dict(zip(counts, sums, strict=True))
        for specialty, *sums in summed.values_list("specialty", *[f"all_{name}" for name in counts])
    }
    # Only the reviewers with enough decisions can be flagged: the rest are read as their specialty's totals.
    enough = figures.filter(Q(decided__gte=MIN_DECISIONS) | Q(submitted__gte=MIN_DECISIONS))
    columns = ["specialty", "reviewer", *counts]
    candidates = [dict(zip(columns, row, strict=True)) for row in enough.values_list(*columns)]
    flags = []
    for measure, hits, count in MEASURES:
        rows = {(row["specialty"], row["reviewer"]): [row[hits], row[count]] for row in candidates if row[count]}
        specialty = {key: [sums[hits], sums[count]] for key, sums in totals.items()}
        flags += _flags_for(measure, rows, specialty)
    names = {user.pk: _name(user) for user in get_user_model().objects.filter(pk__in={int(f.reviewer) for f in flags})}
    named = [replace(flag, reviewer=names.get(int(flag.reviewer), f"#{flag.reviewer}")) for flag in flags]
    order = {measure: index for index, (measure, _hits, _count) in enumerate(MEASURES)}
    return sorted(named, key=lambda flag: (order[flag.measure], flag.specialty, flag.reviewer))
