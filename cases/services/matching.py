"""Which reviewers can take a case, ranked (the balanced proposal for the whole queue is ``bulk_assignment``).

Everything a decision needs is loaded once into a ``RosterSnapshot`` (profiles with licences and certifications, ties
to parties as sets of party ids, the specialty-to-category table, open-case loads, recent turnaround), so that ranking
one case costs a handful of queries and proposing 2,000 cases for 200 reviewers runs in memory
(benchmarks/RESULTS-bulk-assignment.md).

The same ``blocking_reasons`` decides for the assignment page and ``assignment.offer_case``, and the bulk proposal
applies the same hard rules (tests/cases/test_matching_balance.py and the benchmark check every proposed pair against
``blocking_reasons``): a reviewer shown as eligible can be offered the case, and one shown as blocked cannot by any
path. One score ranks the reviewers of a case (``rank_reviewers``) and picks them in the bulk proposal
(``plan_bulk_assignment``), so the page's first choice for a case alone is the proposal's.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Case as When_
from django.db.models import Count, F, IntegerField, OuterRef, QuerySet, Subquery, Value, When
from django.utils import timezone

from cases import clock
from cases.lifecycle import ASSIGNABLE_STATES, Status
from cases.models import Assignment, Case, Determination
from core.models import Party
from reviewers.models import ReviewerProfile
from reviewers.qualification import (
    category_weights,
    conflict_party_ids,
    matches_specialty,
    qualification_problems,
    qualified_roster,
    roster_profiles,
    roster_queryset,
    unqualified_counts,
)

# The states in which a case counts against a reviewer's capacity: offered and not answered, or being reviewed.
LOAD_STATES = (Status.ASSIGNED, Status.IN_REVIEW)
TURNAROUND_WINDOW_DAYS = 90

# Specialty fit is the mean, over the case's categories, of the reviewer's best weight (0-100) in each. It falls in
# one of three tiers. A strong or good fit with room always beats a weak one; a strong fit beats a good one unless
# the strong reviewer would be about half their capacity fuller (see the points below).
STRONG_FIT = 80
GOOD_FIT = 60
TIERS = ("strong", "good", "weak")
NEUTRAL_FIT = 50  # disputed items not categorized: every reviewer fits alike (counted as a good fit)

# Points of the score (about 80 at most). The same score ranks the reviewers of one case and picks them in the bulk
# proposal. The tier dominates; then the free capacity left *after* taking this case, so that loads even out as
# shares of capacity; fit within the tier, the requesting provider's specialty and speed (weighted by due pressure)
# break near-ties: 20 load points span a whole capacity, so 5 fit points are worth a quarter of it, 2 provider points
# a tenth. Benchmark and the choice of these numbers: benchmarks/RESULTS-bulk-assignment.md.
TIER_POINTS = {"strong": 50.0, "good": 40.0, "weak": 0.0}
LOAD_POINTS = 20.0
FIT_POINTS = 5.0
PROVIDER_SPECIALTY_POINTS = 2.0
SPEED_POINTS = 3.0
# Passes of the bulk proposal's rebalancing (it usually settles in two or three).
REBALANCE_PASSES = 8


def case_queryset() -> QuerySet:
    """Cases with what matching reads (parties and items) loaded."""
    return Case.objects.select_related(
        "employer",
        "claims_administrator",
        "employee_attorney",
        "requesting_provider__organization__organization",
    ).prefetch_related("items")


def case_parties(case: Case) -> dict[int, Party]:
    """Every party of the case a reviewer could be tied to: employer, claims administrator, the employee's attorney's
    firm, the requesting provider, and the provider's group (and its parent)."""
    parties: list[Party | None] = [case.employer, case.claims_administrator, case.employee_attorney]
    provider = case.requesting_provider
    if provider is not None:
        parties.append(provider)
        group = provider.organization
        if group is not None:
            parties.append(group)
            parties.append(group.organization)
    return {party.pk: party for party in parties if party is not None}


def case_categories(case: Case) -> tuple[str, ...]:
    return tuple(sorted({item.category for item in case.items.all() if item.category}))


def current_loads(user_ids: Iterable[int]) -> dict[int, int]:
    """Open cases per reviewer (offered or in review)."""
    ids = list(user_ids)
    loads = dict.fromkeys(ids, 0)
    rows = (
        Case.objects.filter(reviewer_id__in=ids, status__in=LOAD_STATES)
        .order_by()
        .values_list("reviewer_id")
        .annotate(n=Count("pk"))
    )
    loads.update(dict(rows))
    return loads


def recent_turnaround(user_ids: Iterable[int], on: date) -> dict[int, float]:
    """Median days from accepting a case to first submitting its determination, over the last 90 days.

    One query: each acceptance of the window with its reviewer's first submission on that case (a subquery per row,
    from the determinations' case index), instead of a second query naming every accepted case: at 1,000,000 cases
    that list held tens of thousands of ids and took seconds to send and to answer. The window's acceptances are read
    from ``assignment_reviewer_responded`` (migration cases 0018), not from all of each reviewer's years."""
    since = timezone.now() - timedelta(days=TURNAROUND_WINDOW_DAYS)
    first_submitted = (
        Determination.objects.filter(
            case_id=OuterRef("case_id"), author_id=OuterRef("reviewer_id"), submitted_at__isnull=False
        )
        .order_by("submitted_at")
        .values("submitted_at")[:1]
    )
    accepted = (
        Assignment.objects.filter(
            reviewer_id__in=list(user_ids),
            state__in=[Assignment.State.ACCEPTED, Assignment.State.COMPLETED],
            responded_at__gte=since,
        )
        .annotate(first=Subquery(first_submitted))
        .order_by()
        .values_list("reviewer_id", "responded_at", "first")
    )
    days: dict[int, list[float]] = {}
    for reviewer_id, responded_at, first in accepted:
        if first is not None and first >= responded_at:
            days.setdefault(reviewer_id, []).append((first - responded_at).total_seconds() / 86400)
    return {reviewer_id: statistics.median(values) for reviewer_id, values in days.items()}


@dataclass
class RosterSnapshot:
    """The roster as matching reads it, loaded in a fixed number of queries."""

    on: date
    profiles: list[ReviewerProfile]
    problems: dict[int, list[str]]  # profile id → qualification problems
    conflicts: dict[int, set[int]]  # profile id → party ids
    weights: dict[int, dict[str, int]]  # profile id → category → best weight of its specialties
    ruled_categories: set[str]
    loads: dict[int, int]  # user id → open cases
    turnaround: dict[int, float]  # user id → median days, of the qualified reviewers (the ones scored)
    # Reviewers of the roster not loaded because they are not qualified today (``load_qualified``): the bulk
    # proposal counts them in its reasons ("3 are not qualified now") as if they were loaded.
    left_out: int = 0
    _provider_match: dict[tuple[int, str], bool] = field(default_factory=dict)

    @classmethod
    def load(cls, profiles: Sequence[ReviewerProfile] | None = None, on: date | None = None) -> RosterSnapshot:
        on = on or timezone.localdate()
        profiles = list(roster_profiles() if profiles is None else profiles)
        table = category_weights()
        weights: dict[int, dict[str, int]] = {}
        for profile in profiles:
            best: dict[str, int] = {}
            for specialty in [*profile.certification_list, *profile.subspecialty_list]:
                for category, weight in table.get(specialty.pk, {}).items():
                    best[category] = max(best.get(category, 0), weight)
            weights[profile.pk] = best
        user_ids = [profile.user_id for profile in profiles]
        problems = {profile.pk: qualification_problems(profile, on) for profile in profiles}
        # Only a reviewer who may take a case is scored, so only theirs: the turnaround of a roster of thousands,
        # most of them not qualified, cost seconds at 1,000,000 cases (a case's assignment page).
        scored = [profile.user_id for profile in profiles if not problems[profile.pk]]
        return cls(
            on=on,
            profiles=profiles,
            problems=problems,
            conflicts=conflict_party_ids([profile.pk for profile in profiles], on),
            weights=weights,
            # The categories the table says something about; any other category accepts any specialty.
            ruled_categories={category for fits in table.values() for category in fits},
            loads=current_loads(user_ids),
            turnaround=recent_turnaround(scored, on),
        )

    @classmethod
    def load_qualified(cls, on: date | None = None) -> RosterSnapshot:
        """The snapshot of the reviewers who are qualified today, the others only counted (``left_out``): what the
        bulk proposal reads, since no case goes to a reviewer who is not qualified. A roster of thousands, most of
        them away, inactive or with lapsed credentials, costs their count, not their profiles, loads and
        turnaround."""
        on = on or timezone.localdate()
        snapshot = cls.load(qualified_roster(on), on)
        snapshot.left_out = roster_queryset().count() - len(snapshot.profiles)
        return snapshot

    def provider_match(self, profile: ReviewerProfile, specialty: str) -> bool:
        key = (profile.pk, specialty)
        if key not in self._provider_match:
            self._provider_match[key] = matches_specialty(profile, specialty)
        return self._provider_match[key]


@dataclass(frozen=True)
class Candidate:
    profile: ReviewerProfile
    score: float
    reasons: list[str]
    load: int
    capacity: int
    fit: int = 0  # percent, rounded
    tier: str = ""


def fit_tier(fit: float) -> str:
    if fit >= STRONG_FIT:
        return "strong"
    if fit >= GOOD_FIT:
        return "good"
    return "weak"


def specialty_fit(weights: dict[str, int], categories: tuple[str, ...]) -> tuple[float, str]:
    """The reviewer's fit to the case's categories (0-100, the mean of their best weight in each) and its tier."""
    if not categories:
        return float(NEUTRAL_FIT), "good"
    fit = sum(weights.get(c, 0) for c in categories) / len(categories)
    return fit, fit_tier(fit)


def _pressure(case: Case, on: date) -> tuple[float, str]:
    """How short time is (0-1), and the words for it."""
    if case.due_date is None:
        return (0.6 if case.priority == "expedited" else 0.3), "Clock not started"
    left = (case.due_date - on).days
    if left < 0:
        return 1.0, f"Overdue by {-left} day{'s' if -left != 1 else ''}: speed weighted up"
    if case.priority == "expedited" or left <= clock.AT_RISK_DAYS.get(case.priority, 5):
        return 1.0, f"Due in {left} day{'s' if left != 1 else ''}: speed weighted up"
    if left <= 10:
        return 0.5, f"Due in {left} days"
    return 0.2, f"Due in {left} days"


def _speed(snapshot: RosterSnapshot, profile: ReviewerProfile) -> tuple[float, float | None]:
    """(0-1, 0.5 without history; the median turnaround in days or None)."""
    median = snapshot.turnaround.get(profile.user_id)
    return (0.5 if median is None else 1 / (1 + median / 7)), median


def _case_points(fit: float, tier: str, provider_match: bool, urgency: float, speed: float) -> float:
    """The part of the score that does not depend on the reviewer's load."""
    return (
        TIER_POINTS[tier]
        + FIT_POINTS * fit / 100
        + (PROVIDER_SPECIALTY_POINTS if provider_match else 0.0)
        + SPEED_POINTS * urgency * speed
    )


def _load_points(load: int, capacity: int) -> float:
    """Free capacity left once the reviewer takes this case (the bulk proposal inlines the same expression)."""
    if capacity <= 0 or load >= capacity:
        return 0.0
    return LOAD_POINTS * (capacity - load - 1) / capacity


def blocking_reasons(
    case: Case,
    profile: ReviewerProfile,
    snapshot: RosterSnapshot,
    *,
    parties: dict[int, Party] | None = None,
    categories: tuple[str, ...] | None = None,
    load: int | None = None,
) -> list[str]:
    """Why this reviewer cannot take this case; empty when they can. Conflicts and qualification are hard blocks."""
    parties = case_parties(case) if parties is None else parties
    categories = case_categories(case) if categories is None else categories
    reasons = list(snapshot.problems.get(profile.pk, []))
    tied = snapshot.conflicts.get(profile.pk, set()) & parties.keys()
    for party_id in sorted(tied):
        party = parties[party_id]
        reasons.append(f"Conflict of interest: affiliated with {party.get_kind_display().lower()} {party.name}.")
    if profile.user_id in case.excluded_reviewer_ids:
        reasons.append("Reviewed the rescinded determination: a different reviewer must decide it (LC 4610.6(i)).")
    weights = snapshot.weights.get(profile.pk, {})
    unfit = [c for c in categories if c in snapshot.ruled_categories and weights.get(c, 0) == 0]
    if unfit:
        reasons.append(f"No certified specialty fits {', '.join(unfit)}.")
    load = snapshot.loads.get(profile.user_id, 0) if load is None else load
    if load >= profile.capacity:
        reasons.append(f"At capacity: {load} open case{'s' if load != 1 else ''} of {profile.capacity}.")
    return reasons


def _score(
    case: Case,
    profile: ReviewerProfile,
    snapshot: RosterSnapshot,
    *,
    categories: tuple[str, ...],
    load: int,
    pressure: tuple[float, str] | None = None,
    explain: bool = True,
) -> tuple[float, float, str, list[str]]:
    """(unrounded score, fit, tier, reasons)."""
    weights = snapshot.weights.get(profile.pk, {})
    fit, tier = specialty_fit(weights, categories)
    provider_match = bool(case.provider_specialty) and snapshot.provider_match(profile, case.provider_specialty)
    urgency, urgency_words = pressure or _pressure(case, snapshot.on)
    speed, median = _speed(snapshot, profile)
    score = _case_points(fit, tier, provider_match, urgency, speed) + _load_points(load, profile.capacity)
    reasons: list[str] = []
    if explain:
        if categories:
            best = ", ".join(f"{c} {weights.get(c, 0)}%" for c in categories)
            reasons.append(f"Specialty fit {round(fit)}% ({best}): {tier}")
        else:
            reasons.append("Disputed items not categorized: specialty fit neutral")
        if provider_match:
            reasons.append(f"Same specialty as the requesting provider ({case.provider_specialty})")
        after = round(100 * (load + 1) / profile.capacity) if profile.capacity else 100
        reasons.append(f"Load {load} of {profile.capacity}: {after}% of capacity with this case")
        reasons.append(
            "No recent turnaround"
            if median is None
            else f"Median turnaround {median:.1f} days (last {TURNAROUND_WINDOW_DAYS} days)"
        )
        reasons.append(urgency_words)
    return score, fit, tier, reasons


def score_candidate(
    case: Case,
    profile: ReviewerProfile,
    snapshot: RosterSnapshot,
    *,
    categories: tuple[str, ...],
    load: int,
    pressure: tuple[float, str] | None = None,
    explain: bool = True,
) -> tuple[float, list[str]]:
    """A score (higher is better, rounded to a tenth) and, with ``explain``, the reasons for it in words an
    administrator reads. The bulk proposal computes the very same score (``_case_points`` + ``_load_points``)."""
    score, _, _, reasons = _score(
        case, profile, snapshot, categories=categories, load=load, pressure=pressure, explain=explain
    )
    return round(score, 1), reasons


def _tie_break(profile: ReviewerProfile, load: int) -> tuple:
    """Among equal scores: the emptier reviewer after this case, then by name, then by id (deterministic)."""
    return ((load + 1) / profile.capacity if profile.capacity else 1.0, profile.display_name, profile.pk)


def rank_reviewers(
    case: Case, snapshot: RosterSnapshot | None = None
) -> tuple[list[Candidate], list[tuple[ReviewerProfile, list[str]]]]:
    """(eligible reviewers, best first, with score and reasons; blocked reviewers with the reasons).

    The first eligible reviewer is the one the bulk proposal would pick for this case alone.
    """
    snapshot = snapshot or RosterSnapshot.load()
    parties, categories = case_parties(case), case_categories(case)
    pressure = _pressure(case, snapshot.on)
    ranked: list[tuple[float, tuple, Candidate]] = []
    blocked: list[tuple[ReviewerProfile, list[str]]] = []
    for profile in snapshot.profiles:
        load = snapshot.loads.get(profile.user_id, 0)
        # The reviewer the case is with already is neither a candidate nor blocked: they have it.
        if case.reviewer_id == profile.user_id:
            continue
        reasons = blocking_reasons(case, profile, snapshot, parties=parties, categories=categories, load=load)
        if reasons:
            blocked.append((profile, reasons))
            continue
        score, fit, tier, why = _score(case, profile, snapshot, categories=categories, load=load, pressure=pressure)
        candidate = Candidate(
            profile=profile,
            score=round(score, 1),
            reasons=why,
            load=load,
            capacity=profile.capacity,
            fit=round(fit),
            tier=tier,
        )
        ranked.append((-score, _tie_break(profile, load), candidate))
    ranked.sort(key=lambda row: row[:2])
    blocked.sort(key=lambda pair: pair[0].display_name)
    return [candidate for _, _, candidate in ranked], blocked


@dataclass(frozen=True)
class CaseRoster:
    """Who can take one case and why the others cannot, at any size of the roster (``rank_case``)."""

    eligible: list[Candidate]  # best first, with score and reasons
    blocked: list[tuple[ReviewerProfile, list[str]]]  # qualified today, yet not for this case: with the reasons
    not_qualified: int  # reviewers of the roster who cannot take any case today, counted, not loaded
    not_qualified_by_rule: dict[str, int]  # qualification rule → reviewers it blocks (one may fail several)
    blocked_by_reason: list[tuple[str, int]]  # kind of reason → qualified reviewers blocked by it, most first

    @property
    def cannot_take(self) -> int:
        return self.not_qualified + len(self.blocked)


def reason_kind(reason: str) -> str:
    """The kind of a reason of ``blocking_reasons``, to count them: its words before the colon ("Conflict of
    interest", "At capacity"), or the whole reason when it has none ("No certified specialty fits Surgery.")."""
    return reason.partition(":")[0].rstrip(".")


def rank_case(case: Case, on: date | None = None) -> CaseRoster:
    """``rank_reviewers`` over the reviewers qualified today, and the others counted by qualification rule in the
    database: the same eligible reviewers, ranked the same (the unqualified ones are never eligible), and the same
    blocked ones with their reasons when they are qualified. A roster of thousands, most of them away, inactive or
    with lapsed credentials, costs two counts instead of a row each (5,875 of 5,882 at 1,000,000 cases). A fixed
    number of queries however large the roster."""
    on = on or timezone.localdate()
    roster = roster_queryset()
    # The reviewer the case is with already is neither a candidate nor blocked (``rank_reviewers``): not counted.
    others = roster.exclude(user_id=case.reviewer_id) if case.reviewer_id else roster
    snapshot = RosterSnapshot.load(qualified_roster(on), on)
    eligible, blocked = rank_reviewers(case, snapshot)
    not_qualified, by_rule = unqualified_counts(others, on)
    kinds: dict[str, int] = {}
    for _, reasons in blocked:
        for kind in dict.fromkeys(reason_kind(reason) for reason in reasons):
            kinds[kind] = kinds.get(kind, 0) + 1
    return CaseRoster(
        eligible=eligible,
        blocked=blocked,
        not_qualified=not_qualified,
        not_qualified_by_rule=by_rule,
        blocked_by_reason=sorted(kinds.items(), key=lambda pair: (-pair[1], pair[0])),
    )


def waiting_cases() -> QuerySet:
    """The assignment queue: cases waiting for a reviewer."""
    return case_queryset().filter(status__in=ASSIGNABLE_STATES, reviewer__isnull=True)


# The queue's order: expedited cases first, then by due date (overdue, then at risk), then the case number. So every
# case the bulk proposal counts as urgent (expedited, or due within the standard track's at-risk days or overdue:
# ``_pressure``) comes before every case it does not, and the first page of the queue holds the most urgent. The
# index ``case_assignment_queue`` (migration 0018) has the same expressions: a page is read from it in order.
EXPEDITED_FIRST = When_(
    When(priority=clock.Priority.EXPEDITED, then=Value(0)), default=Value(1), output_field=IntegerField()
)
QUEUE_ORDER = (EXPEDITED_FIRST, F("due_date").asc(nulls_last=True), "case_number")


def assignment_queue() -> QuerySet:
    """The waiting cases in the queue's order (``QUEUE_ORDER``), for the bulk proposal a page at a time."""
    return waiting_cases().order_by(*QUEUE_ORDER)
