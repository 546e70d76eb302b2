"""The records chase (8 CCR 9792.10.5): which documents the claims administrator owes a case, which arrived, from whom
and when; the moment the records are complete, which starts the review clock; how late they were.

How the portal reads the rules:
- Every document of ``RecordsDocument.Kind`` is required. The records are complete on the day the last of them
  arrives (the clock starts that day), or on the day an administrator decides, after the records' due date, to
  proceed on what is in hand (with the reason on the timeline).
- Never on the UR decision alone (9792.10.6(b)(2)): proceeding is refused while nothing but the UR decision is in.
- Days late: from the records' due date to the day they were complete, or to today while they are not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case as When_
from django.db.models import (
    Count,
    DateField,
    F,
    Func,
    IntegerField,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
    prefetch_related_objects,
)
from django.db.models.functions import Cast, Coalesce, Least
from django.utils import timezone

from cases import clock
from cases.lifecycle import FINAL_STATES, Status, can_move
from cases.models import Case, RecordsDocument
from cases.services import tracks
from cases.services.intake import receive_records, record_transition
from core.dates import Month
from core.services import record_event

Kind = RecordsDocument.Kind


def checklist(case: Case) -> list[RecordsDocument]:
    """The case's checklist, one line per required document in the order of ``Kind``: the lines recorded, and
    unsaved empty lines for the documents nothing was recorded for yet (reading it writes nothing)."""
    existing = {line.kind: line for line in case.records_checklist.all()}
    return [existing.get(kind) or RecordsDocument(case=case, kind=kind) for kind in Kind.values]


def _check_open(case: Case) -> None:
    if case.status in FINAL_STATES or case.is_decided:
        raise ValidationError(
            f"Case {case.case_number} is {case.get_status_display().lower()}: its records are closed."
        )


@transaction.atomic
def record_document(case: Case, kind: str, *, received_on: date, received_from: str, by, note: str = "") -> Case:
    """Tick one line of the checklist; the last line ticked completes the records (the clock starts that day)."""
    if kind not in Kind.values:
        raise ValidationError(f"{kind!r} is not a document of the records checklist.")
    case = Case.objects.select_for_update(of=("self",)).get(pk=case.pk)
    _check_open(case)
    if received_on > timezone.localdate():
        raise ValidationError(f"The date received ({received_on:%m/%d/%Y}) is in the future.")
    if case.records_requested and received_on < case.records_requested:
        raise ValidationError(
            f"The date received ({received_on:%m/%d/%Y}) is before the records were requested "
            f"({case.records_requested:%m/%d/%Y})."
        )
    line, _ = RecordsDocument.objects.get_or_create(case=case, kind=kind)
    line.received_on, line.received_from, line.note = received_on, received_from.strip(), note.strip()
    line.recorded_by, line.recorded_at = (by if by is not None and by.is_authenticated else None), timezone.now()
    line.save()
    from_text = f" from {line.received_from}" if line.received_from else ""
    record_transition(
        case,
        case.status,
        by=by,
        from_status=case.status,
        note=f"Received {received_on:%m/%d/%Y}{from_text}: {line.get_kind_display()}.",
    )
    record_event(by, "case.records_document", case, kind=kind, received_on=received_on.isoformat())
    lines = checklist(case)
    if case.records_received is None and all(item.received_on for item in lines):
        complete = max(item.received_on for item in lines if item.received_on)
        return _complete(case, on=complete, by=by, note=f"Records complete on {complete:%m/%d/%Y}: every document in.")
    return case


@transaction.atomic
def proceed_on_records_in_hand(case: Case, *, by, reason: str, today: date | None = None) -> Case:
    """The administrator's decision, after the due date, to review on what is in hand."""
    today = today or timezone.localdate()
    case = Case.objects.select_for_update(of=("self",)).get(pk=case.pk)
    _check_open(case)
    reason = reason.strip()
    if not reason:
        raise ValidationError("Say why the review proceeds without every document.")
    if case.records_received is not None:
        raise ValidationError(f"The records of {case.case_number} are already complete.")
    due = case.records_due_date
    if due is None:
        raise ValidationError("The records were never requested: record the request first.")
    if today <= due:
        raise ValidationError(
            f"The records are due {due:%m/%d/%Y}: the review may proceed without them only after that day."
        )
    received = [line for line in checklist(case) if line.received_on]
    if all(line.kind == Kind.UR_DECISION for line in received):
        raise ValidationError(
            "The review may not proceed on the UR decision alone (8 CCR 9792.10.6(b)(2)): "
            "at least one other document must be in."
        )
    missing = ", ".join(line.get_kind_display().lower() for line in checklist(case) if not line.received_on)
    return _complete(case, on=today, by=by, note=f"Proceeding on the records in hand ({reason}); missing: {missing}.")


def _complete(case: Case, *, on: date, by, note: str) -> Case:
    """Records complete: the clock starts ``on``; the track is taken from the items and the drug list in force."""
    if can_move(case.status, Status.RECORDS_RECEIVED):
        receive_records(case, by=by, on=on)
        record_transition(case, case.status, by=by, from_status=case.status, note=note)
    else:
        # Already offered or in review (assigned before the records came): the state stays, the clock starts.
        case.records_received = on
        case.save(update_fields=["records_received", "updated_at"])
        record_transition(case, case.status, by=by, from_status=case.status, note=f"{note} The statutory clock starts.")
    record_event(by, "case.records_complete", case, on=on.isoformat())
    return tracks.refresh_track(case)


def days_late(case: Case, today: date | None = None) -> int:
    due = case.records_due_date
    if due is None:
        return 0
    end = case.records_received or today or timezone.localdate()
    return max(0, (end - due).days)


def _plus(days: int):
    return F("records_requested") + timedelta(days=days)


_REGULAR = When_(
    When(
        records_request_method=clock.RecordsMethod.ELECTRONIC,
        then=_plus(clock.RECORDS_DAYS[clock.RecordsMethod.ELECTRONIC]),
    ),
    default=_plus(clock.RECORDS_DAYS[clock.RecordsMethod.MAIL]),
)
# The records' due date in the database, the rule of ``cases.clock.records_due_date`` (calendar days: nothing to look
# up in a calendar of working days or holidays, so nothing to store on the row): the late-records report filters,
# orders and totals on it there. It is the key of the index ``case_late_records`` (migration 0017); PostgreSQL uses
# the index only for the same expression (a test explains the report's query to hold the two together).
RECORDS_DUE = Cast(
    When_(
        When(
            track=clock.Track.EXPEDITED,
            expedited_on__gt=F("records_requested"),
            then=Least(_REGULAR, F("expedited_on") + timedelta(days=clock.RECORDS_DAYS_EXPEDITED)),
        ),
        When(track=clock.Track.EXPEDITED, then=_plus(clock.RECORDS_DAYS_EXPEDITED)),
        default=_REGULAR,
    ),
    DateField(),
)
# Possibly late, whatever the day: the index's predicate, restated by the report's query so that the index serves it.
LATE_OR_AWAITED = Q(records_requested__isnull=False) & (
    Q(records_received__isnull=True) | Q(records_received__gt=RECORDS_DUE)
)


class _DaysBetween(Func):
    """Days from the second date to the first. PostgreSQL subtracts dates as a number of days: summed as integers,
    not as the intervals and numerics of Django's portable ``ExtractDay(end - start)`` (ten times slower over a
    month's tens of thousands of late cases); SQLite (``make run``) counts them by Julian day."""

    arg_joiner = " - "
    template = "(%(expressions)s)"
    output_field = IntegerField()

    def as_sqlite(self, compiler, connection, **extra_context):
        julian = self.copy()
        julian.set_source_expressions([Func(date, function="julianday") for date in self.get_source_expressions()])
        return Func.as_sql(julian, compiler, connection, template="CAST(%(expressions)s AS INTEGER)", **extra_context)


MIN_YEAR = 2013  # IMR began on 1/1/2013 (SB 863): no records were due before.


def report_month(text: str | None, today: date | None = None) -> Month:
    """The month of the late-records report, ``YYYY-MM`` (empty: the current month): the late cases whose records
    fell due in it (each late case is in exactly one month, the one its due date falls in, and stays there as the
    days late grow). A ValidationError that says what is wrong otherwise."""
    today = today or timezone.localdate()
    if not text:
        return Month.of(today)
    match = re.fullmatch(r"(\d{4})-(\d{2})", text.strip())
    if match is None or not 1 <= int(match[2]) <= 12 or not MIN_YEAR <= int(match[1]) <= today.year + 1:
        raise ValidationError(
            f"{text[:20]!r} is not a month of the report: write it as year-month, e.g. {today:%Y-%m}, "
            f"between {MIN_YEAR} and {today.year + 1}."
        )
    return Month(date(int(match[1]), int(match[2]), 1))


@dataclass(frozen=True)
class LateRow:
    case: Case
    due: date
    days_late: int
    lines: list[RecordsDocument | None]  # in the order of ``Kind``; None: nothing recorded

    @property
    def claims_administrator(self) -> str:
        return str(self.case.claims_administrator) if self.case.claims_administrator_id else NOT_RECORDED


NOT_RECORDED = "(not recorded)"


def late_records(cases: QuerySet, period: Month, today: date | None = None) -> QuerySet:
    """The cases (of ``cases``, a queryset the caller may see) whose records fell due in ``period`` and came, or are
    still awaited, after that day; each with ``records_due`` and ``late_days`` (to the day the records were complete,
    or to ``today``); by due date, then case number. Served by the index ``case_late_records``."""
    today = today or timezone.localdate()
    end = Coalesce(F("records_received"), Value(today, output_field=DateField()))
    return (
        cases.filter(LATE_OR_AWAITED)
        .annotate(records_due=RECORDS_DUE, late_days=_DaysBetween(end, RECORDS_DUE))
        .filter(records_due__gte=period.first, records_due__lte=min(period.last, today - timedelta(days=1)))
        .order_by("records_due", "case_number")
    )


def late_rows(cases) -> list[LateRow]:
    """Rows of the report for cases of ``late_records`` (a page of them): the checklist of each in one query."""
    cases = list(cases)
    prefetch_related_objects(cases, "records_checklist")
    rows = []
    for case in cases:
        lines = {line.kind: line for line in case.records_checklist.all()}
        rows.append(LateRow(case, case.records_due, int(case.late_days), [lines.get(kind) for kind in Kind.values]))
    return rows


@dataclass(frozen=True)
class LateTotals:
    """A month's late cases and their days late in all, in all and per claims administrator."""

    cases: int
    days: int
    per_administrator: list[tuple[str, int, int]]  # (claims administrator, late cases, days late), most days first

    @property
    def average(self) -> float | None:
        return round(self.days / self.cases, 1) if self.cases else None


def late_totals(late: QuerySet) -> LateTotals:
    """The totals of ``late_records``, counted by the database in one pass over the month's entries of the index:
    per claims administrator (a GROUP BY), and in all the sum of those few subtotals."""
    groups = (
        late.order_by()
        .values("claims_administrator", "claims_administrator__name")
        .annotate(cases=Count("pk"), days=Sum("late_days"))
        .order_by("-days", "claims_administrator__name", "claims_administrator")
    )
    per_administrator = [
        (group["claims_administrator__name"] or NOT_RECORDED, group["cases"], int(group["days"])) for group in groups
    ]
    return LateTotals(
        sum(cases for _, cases, _ in per_administrator), sum(days for *_, days in per_administrator), per_administrator
    )
