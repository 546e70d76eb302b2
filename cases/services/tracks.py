"""Writes of the clock's track (cases.clock): kept from the items, set by the administrator with a reason,
converted to expedited on the treating physician's certification (8 CCR 9792.10.4(c)). Each change is on the
timeline and recomputes the due date (``Case.save``)."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from cases import formulary
from cases.clock import Priority, Track
from cases.lifecycle import DECIDED_STATES, FINAL_STATES
from cases.models import Case
from cases.services.intake import record_transition
from cases.services.reminders import ensure_templates
from core.notifications import queue_email
from core.services import record_event


def formulary_items(case: Case) -> list:
    """The case's items recognized as formulary drugs (their kind, or the list in force on the clock's start)."""
    index = formulary.drug_index(formulary.list_in_force(case.clock_starts_on or case.application_received))
    return [item for item in case.items.all() if formulary.item_is_formulary(item, index)]


def refresh_track(case: Case) -> Case:
    """Recompute whether the case has formulary items, hence its track and due date; saves only on a change."""
    found = bool(formulary_items(case))
    if found != case.has_formulary_items:
        old_track = case.track
        case.has_formulary_items = found
        case.save(update_fields=["has_formulary_items", "updated_at"])
        if case.track != old_track:
            _timeline(case, None, f"Track: {Track(case.track).label} (from the disputed items).")
    return case


def refresh_many(items_by_case: list[tuple[Case, list]]) -> None:
    """The track of many cases at once (an import): one drug list read, one update of the cases whose track moves."""
    index = formulary.drug_index(formulary.list_in_force())
    changed = []
    for case, items in items_by_case:
        found = any(formulary.item_is_formulary(item, index) for item in items)
        if found != case.has_formulary_items:
            case.has_formulary_items = found
            case.update_clock(None)
            changed.append(case)
    if changed:
        Case.objects.bulk_update(changed, ["has_formulary_items", "track", "due_date"])


def _timeline(case: Case, by, note: str) -> None:
    record_transition(case, case.status, by=by, note=note, from_status=case.status)


@transaction.atomic
def set_track(case: Case, track: str, *, by, reason: str) -> Case:
    """The administrator's choice of track (empty: back to the rule), with the reason kept on the timeline."""
    reason = reason.strip()
    if track and track not in Track.values:
        raise ValidationError(f"{track!r} is not a track.")
    if not reason:
        raise ValidationError("Say why the track is set by hand.")
    locked = Case.objects.select_for_update().get(pk=case.pk)
    locked.track_override = track
    locked.track_reason = reason
    if track == Track.EXPEDITED and locked.priority != Priority.EXPEDITED:
        locked.priority = Priority.EXPEDITED
    locked.save(update_fields=["track_override", "track_reason", "priority", "updated_at"])
    label = Track(locked.track).label if track else f"by the rule ({Track(locked.track).label})"
    _timeline(locked, by, f"Track set to {label}: {reason}")
    record_event(by, "case.track_set", locked, track=track or "rule", reason=reason)
    return locked


@transaction.atomic
def convert_to_expedited(case: Case, *, by, reason: str, on: date | None = None) -> Case:
    """The treating physician certified an imminent and serious threat: 3 days from today (or from records
    complete), never later than the date already due; the reviewer is told."""
    on = on or timezone.localdate()
    reason = reason.strip()
    if not reason:
        raise ValidationError("Give the treating physician's certification (who, and what threat).")
    locked = Case.objects.select_for_update(of=("self",)).select_related("reviewer").get(pk=case.pk)
    if locked.track == Track.EXPEDITED:
        raise ValidationError(f"Case {locked.case_number} is already expedited.")
    if locked.status in FINAL_STATES | DECIDED_STATES:
        raise ValidationError(
            f"Case {locked.case_number} is {locked.get_status_display().lower()}: nothing to speed up."
        )
    before = locked.due_date
    locked.priority = Priority.EXPEDITED
    locked.expedited_on = on
    if locked.track_override and locked.track_override != Track.EXPEDITED:
        locked.track_override = ""
    locked.save(update_fields=["priority", "expedited_on", "track_override", "updated_at"])
    due = f"{locked.due_date:%m/%d/%Y}" if locked.due_date else "3 days after the records are complete"
    was = f" (was {before:%m/%d/%Y})" if before else ""
    _timeline(locked, by, f"Converted to expedited on {on:%m/%d/%Y} (8 CCR 9792.10.4(c)): {reason}. Due {due}{was}.")
    record_event(by, "case.converted_to_expedited", locked, on=on.isoformat(), reason=reason)
    if locked.reviewer is not None:
        ensure_templates()
        queue_email(
            "clock_converted_expedited",
            [locked.reviewer.email],
            {
                "case_number": locked.case_number,
                "reviewer_name": locked.reviewer.get_full_name() or locked.reviewer.get_username(),
                "due_date": due,
                "previous_due": f"{before:%m/%d/%Y}" if before else "not set",
                "reason": reason,
                "organization_name": settings.IMR_ORGANIZATION_NAME,
            },
            dedupe_key=f"clock:converted-expedited:case-{locked.pk}:{on.isoformat()}",
            related=locked,
        )
    return locked
