"""The case lifecycle's one move: a case goes from one state to another only through ``transition``, which checks the
move against ``cases.lifecycle.TRANSITIONS`` under a row lock and records who made it. Every service that moves a case
(intake, assignment, determinations, letters, the importer's first step) calls it."""

from django.core.exceptions import ValidationError
from django.db import transaction

from cases.lifecycle import Status, can_move
from cases.models import Case, CaseTransition


class TransitionError(ValidationError):
    """A move the lifecycle does not allow from the case's current state."""


def record_transition(
    case: Case, to_status: str, *, by, note: str = "", from_status: str | None = None
) -> CaseTransition:
    """Write the timeline row of a move (also of a step that keeps the state, such as a joined case on its lead)."""
    return CaseTransition.objects.create(
        case=case,
        from_status=case.status if from_status is None else from_status,
        to_status=to_status,
        by=by if by is not None and by.is_authenticated else None,
        note=note,
    )


@transaction.atomic
def transition(case: Case, to_status: str, *, by, note: str = "", extra_fields: dict | None = None) -> Case:
    """Move a case to another state, if the lifecycle allows it, and record who did it and when.

    The row is locked and re-read first, so two people acting at once cannot both move it.
    """
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if not can_move(locked.status, to_status):
        raise TransitionError(
            f"Case {locked.case_number} is {locked.get_status_display().lower()}; "
            f"it cannot move to {Status(to_status).label.lower()}."
        )
    record_transition(locked, to_status, by=by, note=note)
    fields = {"status": to_status, **(extra_fields or {})}
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.save(update_fields=[*fields, "updated_at"])
    for name in (*fields, "due_date", "updated_at"):
        setattr(case, name, getattr(locked, name))
    return case
