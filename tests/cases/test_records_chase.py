"""The records chase (8 CCR 9792.10.5): the checklist, records complete (the clock's start), proceeding on what is
in hand, reminders and late notices, days late and the late-records report."""

import csv
import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from cases.models import Case
from cases.services import intake, records, reminders
from core.models import OutboxEmail, Party
from tests.factories import CaseFactory, PartyFactory

pytestmark = pytest.mark.django_db
D = datetime.date
KINDS = ["ur_decision", "ur_records", "treating_reports", "rfa", "correspondence"]


@pytest.fixture(autouse=True)
def _templates(db):
    reminders.ensure_templates()


def _requested(on, *, method="electronic", name="Golden State Claims", email="claims@example.org", **fields):
    administrator = PartyFactory(kind=Party.Kind.CLAIMS_ADMINISTRATOR, name=name, email=email)
    case = CaseFactory(claims_administrator=administrator, application_received=on, **fields)
    intake.transition(case, "eligible", by=None)
    return intake.request_records(case, by=None, on=on, method=method)


def test_the_last_document_in_completes_the_records_and_starts_the_clock_that_day(admin_user):
    case = _requested(D(2026, 11, 2))  # electronic: records due 11/14
    days = (D(2026, 11, 3), D(2026, 11, 5), D(2026, 11, 5), D(2026, 11, 9), D(2026, 11, 12))
    for kind, day in zip(KINDS, days, strict=True):
        assert Case.objects.get(pk=case.pk).records_received is None
        records.record_document(case, kind, received_on=day, received_from="Golden State Claims", by=admin_user)
    stored = Case.objects.get(pk=case.pk)
    assert (stored.status, stored.records_received, stored.due_date) == (
        "records_received",
        D(2026, 11, 12),
        D(2026, 12, 12),
    )
    assert records.days_late(stored) == 0


def test_the_review_may_not_proceed_before_the_due_date_nor_on_the_ur_decision_alone(admin_user):
    case = _requested(D(2026, 11, 2))
    records.record_document(case, "ur_decision", received_on=D(2026, 11, 3), received_from="GSC", by=admin_user)
    with pytest.raises(ValidationError, match="only after that day"):
        records.proceed_on_records_in_hand(case, by=admin_user, reason="waited", today=D(2026, 11, 14))
    with pytest.raises(ValidationError, match=r"UR decision alone \(8 CCR 9792.10.6\(b\)\(2\)\)"):
        records.proceed_on_records_in_hand(case, by=admin_user, reason="waited", today=D(2026, 11, 16))
    records.record_document(
        case, "treating_reports", received_on=D(2026, 11, 16), received_from="Dr. Lee", by=admin_user
    )
    records.proceed_on_records_in_hand(case, by=admin_user, reason="Adjuster unreachable", today=D(2026, 11, 17))
    stored = Case.objects.get(pk=case.pk)
    assert (stored.records_received, stored.due_date, records.days_late(stored)) == (
        D(2026, 11, 17),
        D(2026, 12, 17),
        3,
    )
    assert stored.transitions.last().note == (
        "Proceeding on the records in hand (Adjuster unreachable); missing: the medical records and information the "
        "ur reviewer relied on, the request for authorization (rfa) and its attachments, correspondence about the "
        "disputed treatment."
    )


def test_the_claims_administrator_is_reminded_before_the_due_date_and_told_once_when_late(admin_user):
    case = _requested(D(2026, 11, 2), method="mail")  # due 11/17
    records.record_document(case, "ur_decision", received_on=D(2026, 11, 4), received_from="GSC", by=admin_user)
    assert reminders.records_reminders(today=D(2026, 11, 13)) == 0
    assert reminders.records_reminders(today=D(2026, 11, 14)) == 1
    assert reminders.records_reminders(today=D(2026, 11, 15)) == 0
    assert reminders.records_chases(today=D(2026, 11, 17)) == 0
    assert reminders.records_chases(today=D(2026, 11, 18)) == 1
    assert reminders.records_chases(today=D(2026, 11, 19)) == 0
    reminder, chase = OutboxEmail.objects.order_by("pk")
    assert (reminder.to, reminder.subject) == (
        ["claims@example.org"],
        f"Records due 11/17/2026 for IMR case {case.case_number} (claim {case.claim_number})",
    )
    assert "- The treating physician's reports on the current condition\n" in reminder.body
    assert "The UR decision" not in chase.body
    assert chase.subject == f"Records overdue for IMR case {case.case_number} (claim {case.claim_number})"


def test_the_late_records_report_lists_each_late_case_and_totals_per_claims_administrator(admin_client, admin_user):
    today = timezone.localdate()
    late = _requested(today - datetime.timedelta(days=20), name="Slow Claims")  # due 8 days ago, awaited
    records.record_document(
        late, "ur_decision", received_on=today - datetime.timedelta(days=19), received_from="Slow", by=admin_user
    )
    _requested(today - datetime.timedelta(days=5), name="Quick Claims")  # not due yet
    month = f"{today - datetime.timedelta(days=8):%Y-%m}"  # the report of the month the records fell due in
    response = admin_client.get(reverse("cases:late_records"), {"month": month, "format": "csv"})
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [(row["case_number"], row["claims_administrator"], row["days_late"]) for row in rows] == [
        (late.case_number, "Slow Claims", "8")
    ]
    assert rows[0]["ur_decision_received"] == (today - datetime.timedelta(days=19)).isoformat()
    assert rows[0]["treating_reports_received"] == ""
    page = admin_client.get(reverse("cases:late_records"), {"month": month})
    assert page.context["per_administrator"] == [("Slow Claims", 1, 8)]


def test_the_checklist_is_filled_through_the_case_page(admin_client):
    today = timezone.localdate()
    case = _requested(today - datetime.timedelta(days=2))
    url = reverse("cases:records_document", args=[case.case_number])
    response = admin_client.post(url, {"kind": "rfa", "received_on": today.isoformat(), "received_from": "Dr. Lee"})
    assert response.status_code == 302
    line = case.records_checklist.get(kind="rfa")
    assert (line.received_on, line.received_from) == (today, "Dr. Lee")
    page = admin_client.get(case.get_absolute_url())
    assert page.context["clock_panel"]["checklist"][3].received_from == "Dr. Lee"


def test_a_future_date_received_is_refused_with_a_message(admin_client):
    today = timezone.localdate()
    case = _requested(today - datetime.timedelta(days=2))
    url = reverse("cases:records_document", args=[case.case_number])
    tomorrow = today + datetime.timedelta(days=1)
    response = admin_client.post(url, {"kind": "rfa", "received_on": tomorrow.isoformat()}, follow=True)
    assert [str(message) for message in response.context["messages"]] == [
        f"Not recorded. Received on: {tomorrow:%m/%d/%Y} is in the future: this date cannot be after today "
        f"({today:%m/%d/%Y})."
    ]
    assert case.records_checklist.filter(received_on__isnull=False).count() == 0


def test_only_an_administrator_may_fill_the_checklist_or_read_the_report(client, reviewer, qa_user, staff_user):
    case = _requested(timezone.localdate() - datetime.timedelta(days=2))
    url = reverse("cases:records_document", args=[case.case_number])
    for user in (reviewer, qa_user, staff_user):
        client.force_login(user)
        assert client.post(url, {"kind": "rfa", "received_on": "2026-11-02"}).status_code in (403, 404)
        assert client.get(reverse("cases:late_records")).status_code == 403
    assert case.records_checklist.filter(received_on__isnull=False).count() == 0
