"""The four events come from the real services (cases and letters send ``cases.signals.case_event``; the webhooks app
listens), each to the organizations that see the case and to no other."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import transaction

from cases.services import assignment, intake, reminders
from core.models import Party
from tests.factories import (
    CaseFactory,
    DisputedItemFactory,
    determined_case,
    reviewer_profile,
    specialty_fit,
    waiting_case,
)
from tests.webhooks.conftest import endpoint_for, organization
from webhooks.models import Delivery

pytestmark = pytest.mark.django_db

URL = "http://127.0.0.1:9/hooks"  # never reached: these tests look at the outbox rows


def test_an_organization_never_receives_another_organizations_case_events(admin_user, reviewer):
    acme = organization("Acme Claims Services")
    other = organization("Bellweather Insurance")
    firm = organization("Lawton & Pryce", Party.Kind.LAW_FIRM)
    group = organization("Valley Orthopedic Group", Party.Kind.PROVIDER_GROUP)
    physician = Party.objects.create(kind=Party.Kind.PHYSICIAN, name="Dr. Ines Okafor", organization=group)
    mine = {party.pk: endpoint_for(party, URL) for party in (acme, other, firm, group)}
    case = waiting_case(claims_administrator=acme, employee_attorney=firm, requesting_provider=physician)
    bystander = waiting_case(claims_administrator=other)
    specialty_fit()
    reviewer_profile(reviewer)

    assignment.offer_case(case, reviewer, by=admin_user)
    assignment.accept_case(case, by=reviewer, attestation_text="I attest.")

    sent = Delivery.objects.filter(case=case)
    # The claims administrator, the worker's attorney's firm, and the requesting physician's provider group: one
    # event, one id, three deliveries; the other claims administrator hears nothing.
    assert sorted(sent.values_list("endpoint_id", flat=True)) == sorted(mine[p.pk].pk for p in (acme, firm, group))
    assert len(set(sent.values_list("event_id", flat=True))) == 1
    assert not Delivery.objects.filter(endpoint=mine[other.pk]).exists()
    assert not Delivery.objects.filter(case=bystander).exists()


def test_only_active_endpoints_wanting_the_event_receive_it(admin_user, reviewer):
    acme = organization("Acme Claims Services")
    wants = endpoint_for(acme, URL, events=["case.assigned"])
    endpoint_for(acme, URL, events=["records.requested", "determination.issued"])
    endpoint_for(acme, URL, active=False)
    case = waiting_case(claims_administrator=acme)
    specialty_fit()
    reviewer_profile(reviewer)

    assignment.offer_case(case, reviewer, by=admin_user)
    assert not Delivery.objects.exists()  # an offer is not an assignment for the parties: it may be declined
    assignment.accept_case(case, by=reviewer, attestation_text="I attest.")

    assert list(Delivery.objects.values_list("endpoint_id", "event")) == [(wants.pk, "case.assigned")]


def test_records_requested_from_the_intake_service_with_their_due_date(admin_user):
    acme = organization("Acme Claims Services")
    endpoint_for(acme, URL)
    case = CaseFactory(claims_administrator=acme)
    DisputedItemFactory(case=case)
    intake.mark_eligible(case, by=admin_user, override="test")

    intake.request_records(case, by=admin_user, on=date(2026, 11, 2), method="mail")

    delivery = Delivery.objects.get()
    case.refresh_from_db()
    assert delivery.event == "records.requested"
    assert delivery.payload["status"] == "records_requested"
    assert delivery.payload["records_due"] == case.records_due_date.isoformat()


def test_records_overdue_once_at_the_clocks_chase(admin_user):
    acme = organization("Acme Claims Services")
    endpoint_for(acme, URL)
    case = CaseFactory(claims_administrator=acme)
    DisputedItemFactory(case=case)
    intake.mark_eligible(case, by=admin_user, override="test")
    intake.request_records(case, by=admin_user, on=date(2026, 11, 2), method="mail")
    case.refresh_from_db()
    after_due = case.records_due_date + timedelta(days=1)
    reminders.ensure_templates()

    with transaction.atomic():
        reminders.records_chases(case.records_due_date)  # due today: not yet overdue
    with transaction.atomic():
        reminders.records_chases(after_due)
    with transaction.atomic():
        reminders.records_chases(after_due + timedelta(days=3))  # the clock runs again: the chase was sent already

    overdue = Delivery.objects.filter(event="records.overdue")
    assert overdue.count() == 1
    assert overdue.get().payload["records_due"] == case.records_due_date.isoformat()


def test_determination_issued_when_the_letter_is_signed(qa_user, reviewer):
    from letters.services import generate_letters

    acme = organization("Acme Claims Services")
    endpoint_for(acme, URL)
    case = determined_case(qa=qa_user, reviewer=reviewer, claims_administrator=acme)

    generate_letters(case, by=qa_user)

    delivery = Delivery.objects.get()
    assert (delivery.event, delivery.payload["status"], delivery.case_number) == (
        "determination.issued",
        "letter_signed",
        case.case_number,
    )


def test_a_change_that_rolls_back_sends_nothing(admin_user, reviewer):
    acme = organization("Acme Claims Services")
    endpoint_for(acme, URL)
    case = waiting_case(claims_administrator=acme)
    specialty_fit()
    reviewer_profile(reviewer)
    assignment.offer_case(case, reviewer, by=admin_user)

    with pytest.raises(RuntimeError), transaction.atomic():
        assignment.accept_case(case, by=reviewer, attestation_text="I attest.")
        assert Delivery.objects.count() == 1  # written in the change's own transaction...
        raise RuntimeError("the request failed after the acceptance")

    assert not Delivery.objects.exists()  # ...and gone with it
