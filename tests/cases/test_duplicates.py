"""Likely duplicates warned about before a new case is saved, and applications joined into one determination
(8 CCR 9792.10.4(a)), through the intake form and the case page."""

import datetime

import pytest
from django.urls import reverse

from cases.lifecycle import Status
from cases.models import Case, CaseTransition
from core.models import Party
from tests.cases.test_intake import intake_data
from tests.factories import CaseFactory, DisputedItemFactory, PartyFactory

pytestmark = pytest.mark.django_db

WARNING = "This application may already be a case"


def test_saving_the_same_application_again_warns_and_offers_the_existing_case(admin_client):
    admin_client.post(reverse("cases:create"), intake_data())
    (first,) = Case.objects.all()
    response = admin_client.post(reverse("cases:create"), intake_data())
    assert response.status_code == 200
    body = response.content.decode()
    assert WARNING in body
    assert f'<a href="{first.get_absolute_url()}">Open {first.case_number}</a>' in body
    assert 'name="save_anyway" value="1"' in body
    assert Case.objects.count() == 1


def test_save_anyway_makes_the_second_case(admin_client):
    admin_client.post(reverse("cases:create"), intake_data())
    response = admin_client.post(reverse("cases:create"), intake_data(save_anyway="1"))
    assert response.status_code == 302
    assert Case.objects.count() == 2


def test_same_worker_injury_physician_and_ur_date_under_another_claim_number_is_a_likely_duplicate(admin_client):
    admin_client.post(reverse("cases:create"), intake_data())
    body = admin_client.post(reverse("cases:create"), intake_data(claim_number="99Z0000001")).content.decode()
    assert WARNING in body
    assert Case.objects.count() == 1


@pytest.mark.parametrize(
    "change",
    [
        {"employee_name": "John Roe"},
        {"claim_number": "99Z0000001", "ur_determination_date": "2014-06-17"},
        {"claim_number": "99Z0000001", "requesting_provider_name": "Ann Park, MD"},
    ],
)
def test_another_application_is_saved_without_a_warning(admin_client, change):
    admin_client.post(reverse("cases:create"), intake_data())
    response = admin_client.post(reverse("cases:create"), intake_data(**change))
    assert response.status_code == 302
    assert Case.objects.count() == 2


def _joinable_pair():
    physician = PartyFactory(kind=Party.Kind.PHYSICIAN, name="Sam Lee, MD")
    fields = {
        "employee_name": "Jane Roe",
        "requesting_provider": physician,
        "date_of_injury": datetime.date(2026, 1, 5),
    }
    lead, other = CaseFactory(**fields), CaseFactory(**fields)
    DisputedItemFactory(case=lead, description="Physical therapy 8 visits")
    DisputedItemFactory(case=other, description="Lumbar MRI")
    return lead, other


def test_the_case_page_offers_the_applications_it_may_be_joined_into(admin_client):
    lead, other = _joinable_pair()
    unrelated = CaseFactory(
        employee_name="Jane Roe", requesting_provider=lead.requesting_provider, date_of_injury=datetime.date(2025, 3, 1)
    )
    body = admin_client.get(other.get_absolute_url()).content.decode()
    assert f'<option value="{lead.case_number}">{lead.case_number} (Received)</option>' in body
    assert f'<option value="{unrelated.case_number}">' not in body
    assert '<option value="join">' in body


def test_joining_moves_the_items_into_the_lead_case_and_closes_the_joined_one(admin_client, admin_user):
    lead, other = _joinable_pair()
    url = reverse("cases:transition", args=[other.case_number])
    response = admin_client.post(url, {"action": "join", "into": lead.case_number}, follow=True)
    assert f"Case {other.case_number} is now closed (historical)." in response.content.decode()
    other.refresh_from_db()
    assert (other.status, other.joined_into) == (Status.CLOSED, lead)
    assert list(lead.items.order_by("position").values_list("description", flat=True)) == [
        "Physical therapy 8 visits",
        "Lumbar MRI",
    ]
    assert other.items.count() == 0
    assert CaseTransition.objects.filter(case=lead).latest("pk").note == (
        f"Case {other.case_number} joined into this case (9792.10.4(a)): its 1 disputed item is decided here."
    )
    assert CaseTransition.objects.filter(case=other).latest("pk").note == (
        f"Joined into case {lead.case_number} (9792.10.4(a)): its 1 disputed item is decided in that case's "
        "determination."
    )


def test_joining_applications_of_another_date_of_injury_is_refused(admin_client):
    lead, other = _joinable_pair()
    Case.objects.filter(pk=lead.pk).update(date_of_injury=datetime.date(2025, 3, 1))
    url = reverse("cases:transition", args=[other.case_number])
    body = admin_client.post(url, {"action": "join", "into": lead.case_number}, follow=True).content.decode()
    assert (
        f"Case {other.case_number} cannot be joined into {lead.case_number}: joined applications have the same "
        "employee, requesting physician and date of injury" in body.replace("&#x27;", "'")
    )
    other.refresh_from_db()
    assert other.status == Status.RECEIVED


def test_joining_into_a_missing_case_names_the_field(admin_client):
    _lead, other = _joinable_pair()
    url = reverse("cases:transition", args=[other.case_number])
    body = admin_client.post(url, {"action": "join", "into": "CM26-9999999"}, follow=True).content.decode()
    assert "Join into case: There is no case CM26-9999999." in body
