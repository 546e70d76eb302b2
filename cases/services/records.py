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

from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from cases.lifecycle import FINAL_STATES, Status, can_move
from cases.models import Case, RecordsDocument
from cases.services import tracks
from cases.services.intake import receive_records, record_transition
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


@dataclass(frozen=True)
class LateRow:
    case: Case
    due: date
    days_late: int
    lines: list[RecordsDocument | None]  # in the order of ``Kind``; None: nothing recorded

    @property
    def claims_administrator(self) -> str:
        return str(self.case.claims_administrator) if self.case.claims_administrator_id else "(not recorded)"


def late_records(cases, today: date | None = None) -> list[LateRow]:
    """The cases (of ``cases``, a queryset the caller may see) whose records came, or are still awaited, after their
    due date, with their checklists; oldest request first."""
    today = today or timezone.localdate()
    rows = []
    # At least a day late (the shortest period is 24 hours): the rest is checked per case, by its track and method.
    possibly_late = Q(records_received__isnull=True, records_requested__lt=today - timedelta(days=1)) | Q(
        records_received__gt=F("records_requested") + timedelta(days=1)
    )
    queryset = (
        cases.filter(possibly_late, records_requested__isnull=False)
        .select_related("claims_administrator")
        .prefetch_related("records_checklist")
        .order_by("records_requested", "case_number")
    )
    for case in queryset:
        late = days_late(case, today)
        if late > 0:
            lines = {line.kind: line for line in case.records_checklist.all()}
            rows.append(LateRow(case, case.records_due_date, late, [lines.get(kind) for kind in Kind.values]))
    return rows


def late_by_claims_administrator(rows: list[LateRow]) -> list[tuple[str, int, int]]:
    """(claims administrator, late cases, days late in all), most days first."""
    totals: dict[str, list[int]] = {}
    for row in rows:
        entry = totals.setdefault(row.claims_administrator, [0, 0])
        entry[0] += 1
        entry[1] += row.days_late
    return sorted(((name, n, days) for name, (n, days) in totals.items()), key=lambda row: (-row[2], row[0]))
