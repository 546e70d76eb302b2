"""What is billed and paid: the cases that ended in a month, the fee each owes, a reviewer's month, the aging.

Each case is read once per question, with what it needs annotated in the same query (when and how it ended, whether
it had gone to a reviewer), never a query per case.
"""

from __future__ import annotations

import bisect
import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import DateTimeField, Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from billing.fees import (
    AGING_BUCKETS,
    DECIDED_BILLABLE_STATES,
    ENDED_EARLY_STATES,
    OUTCOME_OF_STATUS,
    FeeKind,
    Outcome,
    fee_kind,
)
from billing.models import Fee, FeeSchedule, Invoice, ReviewerRate
from cases.lifecycle import Status
from cases.models import Case, CaseTransition, Determination
from core.dates import Month


class NoFeeError(LookupError):
    """No fee of a kind in the schedule in force on a day: the message says which, and what to do."""


@dataclass(frozen=True)
class EndedCase:
    """A case that ended in a month, and what it is billed (or paid) as."""

    case: Case
    outcome: str
    ended_on: datetime.date
    kind: FeeKind

    @property
    def outcome_label(self) -> str:
        return Outcome(self.outcome).label


def _ended_cases(queryset: QuerySet, month: Month) -> list[EndedCase]:
    """The cases of ``queryset`` whose determination was issued, or which ended without one, in ``month``."""
    ended_at = (
        CaseTransition.objects.filter(case=OuterRef("pk"), to_status=OuterRef("status")).order_by("-at").values("at")
    )
    went_to_reviewer = CaseTransition.objects.filter(case=OuterRef("pk"), to_status=Status.ASSIGNED)
    start = timezone.make_aware(datetime.datetime.combine(month.first, datetime.time.min))
    end = timezone.make_aware(datetime.datetime.combine(month.last + datetime.timedelta(days=1), datetime.time.min))
    decided = Q(status__in=DECIDED_BILLABLE_STATES, decision_date__range=(month.first, month.last))
    early = Q(status__in=ENDED_EARLY_STATES, ended_at__gte=start, ended_at__lt=end)
    rows = (
        queryset.annotate(
            ended_at=Subquery(ended_at[:1], output_field=DateTimeField()), went_to_reviewer=Exists(went_to_reviewer)
        )
        .filter(decided | early)
        .select_related("claims_administrator", "reviewer")
        .order_by("case_number")
    )
    found = []
    for case in rows:
        outcome = OUTCOME_OF_STATUS[Status(case.status)]
        ended_on = case.decision_date if case.status in DECIDED_BILLABLE_STATES else timezone.localdate(case.ended_at)
        kind = fee_kind(case.track, outcome, went_to_reviewer=case.went_to_reviewer)
        found.append(EndedCase(case=case, outcome=outcome, ended_on=ended_on, kind=kind))
    return sorted(found, key=lambda ended: (ended.ended_on, ended.case.case_number))


def billable_cases(month: Month, *, claims_administrator_id: int | None = None) -> list[EndedCase]:
    """The cases that ended in ``month`` and are on no invoice yet (a draft's own lines are dropped before)."""
    queryset = Case.objects.filter(claims_administrator__isnull=False, invoice_line__isnull=True)
    if claims_administrator_id is not None:
        queryset = queryset.filter(claims_administrator_id=claims_administrator_id)
    return _ended_cases(queryset, month)


class FeeTable:
    """The fee schedules, loaded once: the fee of a kind in force on a day."""

    def __init__(self) -> None:
        schedules = list(FeeSchedule.objects.order_by("effective_from").prefetch_related("fees"))
        self._starts = [schedule.effective_from for schedule in schedules]
        self._schedules = schedules

    def schedule_on(self, day: datetime.date) -> FeeSchedule | None:
        index = bisect.bisect_right(self._starts, day) - 1
        return self._schedules[index] if index >= 0 else None

    def fee(self, kind: str, day: datetime.date) -> Fee:
        schedule = self.schedule_on(day)
        if schedule is None:
            raise NoFeeError(f"No fee schedule is in force on {day:%m/%d/%Y}: add one in the fee schedule.")
        for fee in schedule.fees.all():
            if fee.kind == kind:
                return fee
        raise NoFeeError(
            f"The fee schedule in force on {day:%m/%d/%Y} ({schedule.title}) has no fee for "
            f"“{FeeKind(kind).label}”: add it in the fee schedule."
        )


def fee_day(ended: EndedCase) -> datetime.date:
    """The day whose schedule prices a case: the application's receipt (the DWC's notices apply to "requests
    submitted on or after" a date), or the day it ended when the receipt is not recorded."""
    return ended.case.application_received or ended.ended_on


# -- reviewer pay --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StatementLine:
    ended: EndedCase
    rate: Decimal | None  # None: no rate of this kind in force that day (shown, and counted apart)


@dataclass(frozen=True)
class Statement:
    reviewer_id: int
    month: Month
    lines: list[StatementLine]

    @property
    def total(self) -> Decimal:
        return sum((line.rate for line in self.lines if line.rate is not None), Decimal("0.00"))

    @property
    def unpriced(self) -> int:
        return sum(1 for line in self.lines if line.rate is None)


def _rate_on(rates: dict[str, list[ReviewerRate]], kind: str, day: datetime.date) -> Decimal | None:
    in_force = [rate for rate in rates.get(kind, []) if rate.effective_from <= day]
    return max(in_force, key=lambda rate: rate.effective_from).amount if in_force else None


def reviewer_statements(reviewer_ids: list[int], month: Month) -> dict[int, Statement]:
    """Each reviewer's cases that ended in ``month``, in one query: each determination they wrote that was approved
    (by its decision date), and each case of theirs withdrawn or terminated after it reached them; at the rate in
    force on the day it ended."""
    approved_author = (
        Determination.objects.filter(case=OuterRef("pk"), state=Determination.State.APPROVED)
        .order_by("-version")
        .values("author")[:1]
    )
    cases = Case.objects.annotate(approved_author=Subquery(approved_author)).filter(
        Q(status__in=DECIDED_BILLABLE_STATES, approved_author__in=reviewer_ids)
        | Q(status__in=(Status.WITHDRAWN, Status.TERMINATED), reviewer_id__in=reviewer_ids)
    )
    rates: dict[str, list[ReviewerRate]] = defaultdict(list)
    for rate in ReviewerRate.objects.all():
        rates[rate.kind].append(rate)
    lines: dict[int, list[StatementLine]] = {reviewer_id: [] for reviewer_id in reviewer_ids}
    for ended in _ended_cases(cases, month):
        if ended.outcome == Outcome.DETERMINED:
            author = ended.case.approved_author  # type: ignore[attr-defined]  # annotated above
            lines[author].append(StatementLine(ended, _rate_on(rates, ended.kind, ended.ended_on)))
        elif ended.kind == FeeKind.ENDED_AFTER_REVIEWER:
            assert ended.case.reviewer_id is not None  # filtered on it
            lines[ended.case.reviewer_id].append(StatementLine(ended, _rate_on(rates, ended.kind, ended.ended_on)))
    return {reviewer_id: Statement(reviewer_id, month, found) for reviewer_id, found in lines.items()}


def reviewer_statement(reviewer_id: int, month: Month) -> Statement:
    return reviewer_statements([reviewer_id], month)[reviewer_id]


# -- aging -----------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AgingRow:
    claims_administrator: str
    buckets: dict[str, Decimal]

    @property
    def total(self) -> Decimal:
        return sum(self.buckets.values(), Decimal("0.00"))


def aging(today: datetime.date) -> list[AgingRow]:
    """What each claims administrator still owes on sent invoices, by days since the invoice was sent."""
    by_administrator: dict[str, dict[str, Decimal]] = {}
    invoices = (
        Invoice.objects.filter(status=Invoice.Status.SENT)
        .select_related("claims_administrator")
        .prefetch_related("payments")
        .order_by("claims_administrator__name", "period")
    )
    for invoice in invoices:
        paid = sum((payment.amount for payment in invoice.payments.all()), Decimal("0.00"))
        buckets = by_administrator.setdefault(
            invoice.claims_administrator.name, {label: Decimal("0.00") for label, _, _ in AGING_BUCKETS}
        )
        bucket = invoice.aging_bucket(today)
        assert bucket is not None  # a sent invoice has its date
        buckets[bucket] += invoice.total - paid
    return [AgingRow(claims_administrator=name, buckets=buckets) for name, buckets in by_administrator.items()]
