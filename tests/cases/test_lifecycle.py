import pytest
from django.core.exceptions import ValidationError

from cases.lifecycle import TRANSITIONS, Status, can_move
from cases.models import CaseTransition
from cases.services import intake, lifecycle
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db

ALLOWED = [(source, target) for source, targets in TRANSITIONS.items() for target in targets]
REFUSED = [(source, target) for source in Status.values for target in Status.values if not can_move(source, target)]


@pytest.mark.parametrize(("source", "target"), ALLOWED)
def test_every_allowed_transition_moves_the_case_and_records_who_and_when(source, target, admin_user):
    case = CaseFactory(status=source)
    lifecycle.transition(case, target, by=admin_user, note="because")
    case.refresh_from_db()
    assert case.status == target
    step = CaseTransition.objects.get(case=case)
    assert (step.from_status, step.to_status, step.by, step.note) == (source, target, admin_user, "because")


@pytest.mark.parametrize(("source", "target"), REFUSED)
def test_every_refused_transition_leaves_the_case_as_it_was(source, target, admin_user):
    case = CaseFactory(status=source)
    with pytest.raises(lifecycle.TransitionError):
        lifecycle.transition(case, target, by=admin_user)
    case.refresh_from_db()
    assert case.status == source
    assert CaseTransition.objects.filter(case=case).count() == 0


def test_final_states_have_no_way_out():
    for state in (Status.INELIGIBLE, Status.WITHDRAWN, Status.TERMINATED, Status.CLOSED):
        assert TRANSITIONS[state] == ()


def test_ineligible_needs_a_reason(admin_user):
    case = CaseFactory(status=Status.RECEIVED)
    with pytest.raises(ValidationError) as error:
        intake.mark_ineligible(case, by=admin_user, reason="  ")
    assert error.value.message_dict == {"reason": ["Say why the application is ineligible (8 CCR 9792.10.3)."]}
    case.refresh_from_db()
    assert case.status == Status.RECEIVED


def test_receiving_records_starts_the_statutory_clock(admin_user):
    import datetime

    case = CaseFactory(status=Status.RECORDS_REQUESTED, application_received=datetime.date(2026, 10, 20))
    assert case.due_date is None
    intake.receive_records(case, by=admin_user, on=datetime.date(2026, 10, 25))
    case.refresh_from_db()
    assert case.records_received == datetime.date(2026, 10, 25)
    assert case.due_date == datetime.date(2026, 11, 24)
