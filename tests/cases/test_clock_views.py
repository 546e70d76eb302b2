"""The clock's actions on the case page: only administrators may take them; the track changed through the page."""

import datetime

import pytest
from django.urls import reverse

from cases.models import Case
from core.models import OutboxEmail
from tests.factories import case_in_review

pytestmark = pytest.mark.django_db
D = datetime.date

POSTS = [
    ("cases:records_document", {"kind": "rfa", "received_on": "2026-11-02"}),
    ("cases:records_proceed", {"reason": "waited long enough"}),
    ("cases:track", {"action": "expedite", "reason": "imminent threat"}),
    ("cases:appeal", {"filed_by": "employee", "filed_on": "2026-11-20", "ground": "bias"}),
    ("cases:appeal_rescind", {"appeal": "1", "on": "2026-11-25"}),
    ("cases:item_authorization", {"item": "1", "on": "2026-11-25"}),
]


@pytest.mark.parametrize(("name", "data"), POSTS, ids=[name for name, _ in POSTS])
def test_no_one_but_an_administrator_may_take_a_clock_action(client, reviewer, qa_user, staff_user, name, data):
    case = case_in_review(reviewer, items=1)
    before = (case.track, case.due_date, case.transitions.count())
    for user in (reviewer, qa_user, staff_user):
        client.force_login(user)
        assert client.post(reverse(name, args=[case.case_number]), data).status_code in (403, 404)
    stored = Case.objects.get(pk=case.pk)
    assert (stored.track, stored.due_date, stored.transitions.count()) == before


def test_the_administrator_converts_a_case_to_expedited_from_its_page(admin_client, reviewer):
    case = case_in_review(reviewer, items=1, application_received=D(2026, 11, 2))  # standard: due 12/2
    response = admin_client.post(
        reverse("cases:track", args=[case.case_number]),
        {"action": "expedite", "on": "2026-11-20", "reason": "Dr. Lee certified a risk of losing the hand"},
    )
    assert response.status_code == 302
    stored = Case.objects.get(pk=case.pk)
    assert (stored.track, stored.expedited_on, stored.due_date) == ("expedited", D(2026, 11, 20), D(2026, 11, 23))
    assert OutboxEmail.objects.get(template_key="clock_converted_expedited").to == [reviewer.email]


def test_setting_the_track_without_a_reason_is_refused_with_a_message(admin_client, reviewer):
    case = case_in_review(reviewer, items=1)
    response = admin_client.post(
        reverse("cases:track", args=[case.case_number]), {"action": "set", "track": "formulary"}, follow=True
    )
    assert [str(message) for message in response.context["messages"]] == [
        "The track was not changed. Reason: This field is required."
    ]
    assert Case.objects.get(pk=case.pk).track == "standard"
