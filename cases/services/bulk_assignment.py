"""A balanced proposal of reviewers for the whole assignment queue ("Assign the queue"), under the hard rules of
``matching`` and with its score, so that the proposal's first choice for a case alone is the assignment page's."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from cases.clock import Priority
from cases.models import Case
from cases.services.matching import (
    LOAD_POINTS,
    REBALANCE_PASSES,
    TIERS,
    RosterSnapshot,
    _case_points,
    _pressure,
    _speed,
    _tie_break,
    case_categories,
    case_parties,
    specialty_fit,
)
from reviewers.models import ReviewerProfile


@dataclass(frozen=True)
class ProposedPair:
    case: Case
    profile: ReviewerProfile
    fit: int  # percent, rounded
    tier: str
    best_tier: str  # the best tier among the reviewers who could take the case, with room, before the proposal


@dataclass
class BulkProposal:
    """What ``plan_bulk_assignment`` proposes: pairs in the order they were decided, and the cases left out, each with
    the reason in words."""

    rows: list[ProposedPair]
    unplaced: list[tuple[Case, str]]

    @property
    def pairs(self) -> list[tuple[Case, ReviewerProfile]]:
        return [(row.case, row.profile) for row in self.rows]


def _is_urgent(case: Case, urgency: float) -> bool:
    return case.priority == Priority.EXPEDITED or urgency >= 1.0


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


@dataclass
class _Prepared:
    """A case as the planner sees it: its order key, who may take it (points before load, reviewer index), its fit
    with each reviewer, its categories, and the best tier among the reviewers with room before the proposal."""

    key: tuple
    case: Case
    eligible: list[tuple[float, int]]
    fits: list[tuple[float, str] | None]
    categories: tuple[str, ...]
    best_tier: str


class _Planner:
    """The state of one proposal: the qualified reviewers as parallel lists (index ``i``), their loads as the
    proposal fills them, and tables of what does not depend on load."""

    def __init__(self, snapshot: RosterSnapshot):
        self.snapshot = snapshot
        self.qualified = [p for p in snapshot.profiles if not snapshot.problems.get(p.pk)]
        self.unqualified_count = len(snapshot.profiles) - len(self.qualified) + snapshot.left_out
        self.capacity = [p.capacity for p in self.qualified]
        self.start_load = [snapshot.loads.get(p.user_id, 0) for p in self.qualified]
        self.load = list(self.start_load)
        self.user_ids = [p.user_id for p in self.qualified]
        self.conflicts = [snapshot.conflicts.get(p.pk, set()) for p in self.qualified]
        self.speeds = [_speed(snapshot, p)[0] for p in self.qualified]
        self.fit_table: dict[tuple[str, ...], list[tuple[float, str] | None]] = {}
        self.provider_table: dict[str, list[bool]] = {}
        self.tier_rank = {tier: n for n, tier in enumerate(TIERS)}

    def _fits(self, categories: tuple[str, ...]) -> list[tuple[float, str] | None]:
        fits = self.fit_table.get(categories)
        if fits is None:
            fits = []
            for profile in self.qualified:
                weights = self.snapshot.weights.get(profile.pk, {})
                if any(c in self.snapshot.ruled_categories and weights.get(c, 0) == 0 for c in categories):
                    fits.append(None)  # no certified specialty for a ruled category: a hard block
                else:
                    fits.append(specialty_fit(weights, categories))
            self.fit_table[categories] = fits
        return fits

    def _provider_matches(self, specialty: str) -> list[bool]:
        matches = self.provider_table.get(specialty)
        if matches is None:
            matches = [bool(specialty) and self.snapshot.provider_match(p, specialty) for p in self.qualified]
            self.provider_table[specialty] = matches
        return matches

    def prepare(self, case: Case) -> _Prepared:
        categories = case_categories(case)
        fits = self._fits(categories)
        matches = self._provider_matches(case.provider_specialty or "")
        party_ids = case_parties(case).keys()
        urgency = _pressure(case, self.snapshot.on)[0]
        eligible: list[tuple[float, int]] = []
        for i in range(len(self.qualified)):
            fit = fits[i]
            if fit is None or self.user_ids[i] == case.reviewer_id or not self.conflicts[i].isdisjoint(party_ids):
                continue
            eligible.append((_case_points(fit[0], fit[1], matches[i], urgency, self.speeds[i]), i))
        with_room = [i for _, i in eligible if self.start_load[i] < self.capacity[i]]
        best_tier = min((fits[i][1] for i in with_room), key=self.tier_rank.__getitem__, default="")
        key = (0 if _is_urgent(case, urgency) else 1, len(with_room), case.due_date or date.max, case.case_number)
        return _Prepared(key, case, eligible, fits, categories, best_tier)

    def pick(self, eligible: list[tuple[float, int]], leaving: int = -1) -> tuple[int, float]:
        """The best reviewer with room for a case (other than ``leaving``, who holds it), and the score there."""
        load, capacity = self.load, self.capacity
        best_i, best_score, best_tie = -1, 0.0, ()
        for points, i in eligible:
            current, cap = load[i], capacity[i]
            if current >= cap or i == leaving:
                continue
            # The same expression as _load_points, so that the score equals score_candidate's to the last bit.
            score = points + LOAD_POINTS * (cap - current - 1) / cap
            if best_i < 0 or score > best_score:
                best_i, best_score, best_tie = i, score, ()
            elif score == best_score:
                if not best_tie:
                    best_tie = _tie_break(self.qualified[best_i], load[best_i])
                tie = _tie_break(self.qualified[i], current)
                if tie < best_tie:
                    best_i, best_tie = i, tie
        return best_i, best_score

    def greedy(self, prepared: list[_Prepared]) -> list[int]:
        """Per prepared case, in order: the reviewer index it is proposed to, or -1."""
        holder: list[int] = []
        for row in prepared:
            chosen, _ = self.pick(row.eligible)
            holder.append(chosen)
            if chosen >= 0:
                self.load[chosen] += 1
        return holder

    def rebalance(self, prepared: list[_Prepared], holder: list[int]) -> None:
        """The greedy pass decided early cases against loads that later cases changed. Move a case to another
        reviewer whenever that scores higher given everyone's loads now, and place any case left out once a move
        frees room it can use. Each move raises the total of the scores (the load points are a convex cost of each
        load), so this ends; at the end no case would rank another reviewer with room above its own (what
        ``rank_reviewers`` shows)."""
        load, capacity = self.load, self.capacity
        for _ in range(REBALANCE_PASSES):
            moved = False
            for n, row in enumerate(prepared):
                own = holder[n]
                if own < 0:
                    chosen, _ = self.pick(row.eligible)
                    if chosen >= 0:
                        holder[n], moved = chosen, True
                        load[chosen] += 1
                    continue
                points = next(p for p, i in row.eligible if i == own)
                staying = points + LOAD_POINTS * (capacity[own] - load[own]) / capacity[own]
                chosen, score = self.pick(row.eligible, leaving=own)
                if chosen >= 0 and score > staying + 1e-9:
                    holder[n], moved = chosen, True
                    load[own] -= 1
                    load[chosen] += 1
            if not moved:
                break

    def proposal(self, prepared: list[_Prepared], holder: list[int]) -> BulkProposal:
        rows: list[ProposedPair] = []
        unplaced: list[tuple[Case, str]] = []
        for row, chosen in zip(prepared, holder, strict=True):
            if chosen < 0:
                reason = _unplaced_reason(
                    row.case,
                    row.eligible,
                    self.start_load,
                    self.capacity,
                    row.categories,
                    self.snapshot,
                    self.qualified,
                    self.unqualified_count,
                )
                unplaced.append((row.case, reason))
                continue
            fit, tier = row.fits[chosen]
            rows.append(ProposedPair(row.case, self.qualified[chosen], round(fit), tier, row.best_tier or tier))
        return BulkProposal(rows=rows, unplaced=unplaced)


def plan_bulk_assignment(
    cases: Iterable[Case], profiles: Sequence[ReviewerProfile] | None = None, *, snapshot: RosterSnapshot | None = None
) -> BulkProposal:
    """A balanced proposal for many waiting cases, under the hard rules.

    Hard rules (never broken): the reviewer is qualified, tied to no party of the case, has a certified specialty for
    every category the table rules on, and stays within capacity counting the cases proposed so far. Within them:

    - Order: urgent cases first (expedited, at risk or overdue), then the most constrained (fewest reviewers who
      could take them with room), then the earliest due date, then the case number. Scarce specialists thus go to
      the cases only they can take, and deadlines come before comfort.
    - Pick: the eligible reviewer with room and the highest score, the same score ``rank_reviewers`` shows: fit tier
      first (a strong or good fit with room always beats a weak one), then the free capacity left after this case
      (so loads even out, as capacity shares, like HotCRP's and OpenReview's load balancing), then fit within the
      tier, the requesting provider's specialty, and speed weighted by due pressure. Ties go to the emptier reviewer,
      then by name and id: the same input gives the same proposal.
    - Rebalance: a greedy pass, then moves of single cases to a reviewer they score higher with now (and placing any
      case left out when a move frees room it can use), until no move helps. Moves only go up in score, so never to
      a worse tier unless the better one is full or, strong against good, far busier.

    In memory: O(cases × reviewers) per pass with every load-independent part precomputed (fit per distinct set of
    categories, provider match per distinct specialty); 2,000 cases × 179 reviewers in under a second on the
    shared development VM (benchmarks/RESULTS-bulk-assignment.md).
    """
    planner = _Planner(snapshot or RosterSnapshot.load(profiles))
    prepared = sorted((planner.prepare(case) for case in cases), key=lambda row: row.key)
    holder = planner.greedy(prepared)
    planner.rebalance(prepared, holder)
    return planner.proposal(prepared, holder)


def _unplaced_reason(
    case: Case,
    eligible: list[tuple[float, int]],
    start_load: list[int],
    capacity: list[int],
    categories: tuple[str, ...],
    snapshot: RosterSnapshot,
    qualified: list[ReviewerProfile],
    unqualified_count: int,
) -> str:
    if eligible:
        full_before = sum(1 for _, i in eligible if start_load[i] >= capacity[i])
        filled = len(eligible) - full_before
        subject = (
            "The only reviewer who could take it is"
            if len(eligible) == 1
            else f"All {len(eligible)} reviewers who could take it are"
        )
        if not filled:
            return f"{subject} at capacity."
        if not full_before:
            return f"{subject} at capacity with cases of this proposal."
        return f"{subject} at capacity ({full_before} already, {filled} with cases of this proposal)."
    party_ids = case_parties(case).keys()
    conflicted = sum(1 for p in qualified if not snapshot.conflicts.get(p.pk, set()).isdisjoint(party_ids))
    unfit_categories = sorted(
        {
            c
            for p in qualified
            for c in categories
            if c in snapshot.ruled_categories and snapshot.weights.get(p.pk, {}).get(c, 0) == 0
        }
    )
    unfit = sum(
        1
        for p in qualified
        if any(c in snapshot.ruled_categories and snapshot.weights.get(p.pk, {}).get(c, 0) == 0 for c in categories)
    )
    parts = []
    if unfit:
        parts.append(f"{_count(unfit, 'has', 'have')} no certified specialty that fits {', '.join(unfit_categories)}")
    if conflicted:
        parts.append(f"{_count(conflicted, 'has a conflict', 'have a conflict')} of interest with a party")
    if unqualified_count:
        parts.append(f"{_count(unqualified_count, 'is', 'are')} not qualified now")
    if case.reviewer_id is not None:
        parts.append("the case's own reviewer is left out")
    if not parts:
        return "No reviewer on the roster."
    return "No reviewer can take it: " + "; ".join(parts) + "."
