"""The late-records report as a signed PDF: each late case, what was asked, when, what arrived and when; signed by
the organization and verifiable; administrators only."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.services import intake, records
from core.models import Party
from letters import late_records, services
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

    due = asked + datetime.timedelta(days=12)
    response = admin_client.get(reverse("letters:late_records_pdf"), {"month": f"{due:%Y-%m}"})

    assert (response.status_code, response["Content-Type"]) == (200, "application/pdf")
    assert verify_pdf(response.content, services.signing_setup().trust_roots).authentic is True
    text = " ".join(pdftotext(response.content).split())
    assert text.startswith(f"Late records report (8 CCR 9792.10.5): records due in {due:%B %Y}")
    assert "1 late case, 8 days late in all, 8.0 on average." in text
    assert "Days late in all Slow Claims 1 8 " in text
    arrived = asked + datetime.timedelta(days=2)
    row = f"{case.case_number} Slow Claims {asked:%m/%d/%Y} {due:%m/%d/%Y} awaited 8 {arrived:%m/%d/%Y} not received"
    assert row in text
    assert text.endswith("Page 1 of 1")


def test_only_an_administrator_gets_the_signed_report(client, reviewer, qa_user, staff_user):
    for user in (reviewer, qa_user, staff_user):
        client.force_login(user)
        assert client.get(reverse("letters:late_records_pdf")).status_code == 403


def test_a_signed_report_of_a_long_month_lists_its_first_cases_and_counts_them_all(admin_client, monkeypatch):
    monkeypatch.setattr(late_records, "PDF_ROWS", 2)
    administrator = PartyFactory(kind=Party.Kind.CLAIMS_ADMINISTRATOR, name="Slow Claims")
    cases = [
        CaseFactory(
            status="records_requested",
            claims_administrator=administrator,
            records_requested=datetime.date(2025, 6, 1) + datetime.timedelta(days=n),
            records_request_method="electronic",
            records_received=datetime.date(2025, 7, 1),
        )
        for n in range(3)
    ]  # due 6/13, 6/14, 6/15: 18, 17 and 16 days late

    response = admin_client.get(reverse("letters:late_records_pdf"), {"month": "2025-06"})

    assert response["Content-Disposition"] == 'attachment; filename="late-records-2025-06.pdf"'
    assert verify_pdf(response.content, services.signing_setup().trust_roots).authentic is True
    text = " ".join(pdftotext(response.content).split())
    assert "3 late cases, 51 days late in all, 17.0 on average." in text
    assert "The first 2 of the 3 late cases of the month, by due date" in text
    assert (cases[0].case_number in text, cases[1].case_number in text, cases[2].case_number in text) == (
        True,
        True,
        False,
    )
