"""The late-records report as a signed PDF: each late case, what was asked, when, what arrived and when; signed by
the organization and verifiable; administrators only."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.services import intake, records
from core.models import Party
from letters import services
from letters.signing import verify_pdf
from tests.factories import CaseFactory, PartyFactory
from tests.pdftext import pdftotext

pytestmark = pytest.mark.django_db


def test_the_signed_late_records_report_lists_the_late_case_and_verifies(admin_client, admin_user):
    today = timezone.localdate()
    asked = today - datetime.timedelta(days=20)  # electronic: due 8 days ago
    administrator = PartyFactory(kind=Party.Kind.CLAIMS_ADMINISTRATOR, name="Slow Claims")
    case = CaseFactory(claims_administrator=administrator, application_received=asked)
    intake.transition(case, "eligible", by=None)
    intake.request_records(case, by=None, on=asked, method="electronic")
    records.record_document(
        case, "ur_decision", received_on=asked + datetime.timedelta(days=2), received_from="Slow Claims", by=admin_user
    )

    response = admin_client.get(reverse("letters:late_records_pdf"))

    assert (response.status_code, response["Content-Type"]) == (200, "application/pdf")
    assert verify_pdf(response.content, services.signing_setup().trust_roots).authentic is True
    text = " ".join(pdftotext(response.content).split())
    assert text.startswith("Late records report (8 CCR 9792.10.5)")
    assert "Days late in all Slow Claims 1 8 " in text
    due, arrived = asked + datetime.timedelta(days=12), asked + datetime.timedelta(days=2)
    row = f"{case.case_number} Slow Claims {asked:%m/%d/%Y} {due:%m/%d/%Y} awaited 8 {arrived:%m/%d/%Y} not received"
    assert row in text
    assert text.endswith("Page 1 of 1")


def test_only_an_administrator_gets_the_signed_report(client, reviewer, qa_user, staff_user):
    for user in (reviewer, qa_user, staff_user):
        client.force_login(user)
        assert client.get(reverse("letters:late_records_pdf")).status_code == 403
