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
"""

import hashlib
import random
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count, F, Q
from django.db.models.fields.json import KeyTextTransform, KeyTransform
from django.utils import timezone

from cases.models import Case, Determination, ItemDecision
from cases.services.matching import case_parties
from operations.quality_models import QualitySetting, SecondReview, SecondReviewItem
from reviewers.qualification import conflicting_parties

MIN_DECISIONS = 10
RATIO = 2.0


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


def _completed_items():
    return SecondReviewItem.objects.exclude(second_decision="").select_related(
        "review__first_reviewer", "review__case", "item"
    )


def agreement_tables() -> dict[str, list[tuple[str, Agreement]]]:
    by_reviewer: dict[str, list[tuple[str, str]]] = defaultdict(list)
    by_specialty: dict[str, list[tuple[str, str]]] = defaultdict(list)
    by_month: dict[str, list[tuple[str, str]]] = defaultdict(list)
    overall = []
    for row in _completed_items():
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


def disagreements() -> list[SecondReviewItem]:
    return [
        row for row in _completed_items().order_by("-review__completed_at") if row.first_decision != row.second_decision
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


def _flags_for(measure: str, rows: dict[tuple[str, str], list[int]]) -> list[Flag]:
    """``rows``: (specialty, reviewer) → [hits, count]."""
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for (specialty, _reviewer), (hits, count) in rows.items():
        totals[specialty][0] += hits
        totals[specialty][1] += count
    flags = []
    for (specialty, reviewer), (hits, count) in sorted(rows.items()):
        reference = totals[specialty][0] / totals[specialty][1]
        if count >= MIN_DECISIONS and _stands_out(hits / count, reference):
            flags.append(Flag(reviewer, specialty, measure, hits / count, reference, count))
    return flags


def _name(user) -> str:
    return (user.get_full_name() or user.username) if user else ""


def _counted(queryset, credentials: str, author: str, hit: Q) -> dict[tuple[str, int], list[int]]:
    """(specialty, author id) → [hits, count], counted by the database (the specialty from the letter's
    credentials: the first certification)."""
    rows = (
        queryset.annotate(specialty=KeyTextTransform("0", KeyTransform("certifications", F(credentials))))
        .values("specialty", author)
        .annotate(hits=Count("pk", filter=hit), count=Count("pk"))
    )
    return {(row["specialty"] or "", row[author]): [row["hits"], row["count"]] for row in rows}


def outliers() -> list[Flag]:
    """Reviewers whose overturn rate or QA return rate stands out from their specialty's (see the module's note)."""
    decisions = ItemDecision.objects.filter(determination__state=Determination.State.APPROVED).exclude(
        determination__author=None
    )
    overturns = _counted(
        decisions,
        "determination__case__reviewer_credentials",
        "determination__author",
        Q(decision=ItemDecision.Decision.OVERTURNED),
    )
    returns = _counted(
        Determination.objects.exclude(submitted_at=None).exclude(author=None),
        "case__reviewer_credentials",
        "author",
        Q(state=Determination.State.RETURNED),
    )
    ids = {author for _specialty, author in [*overturns, *returns]}
    names = {user.pk: _name(user) for user in get_user_model().objects.filter(pk__in=ids)}

    def named(rows: dict[tuple[str, int], list[int]]) -> dict[tuple[str, str], list[int]]:
        return {(specialty, names[author]): counts for (specialty, author), counts in rows.items()}

    return _flags_for("Overturn rate", named(overturns)) + _flags_for("QA return rate", named(returns))
