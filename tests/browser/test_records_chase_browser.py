"""The records chase in real Chromium: the records asked for through the case page, the checklist filled over days,
a reminder before the due date, the records late (the late notice, the days late), the late-records report
downloaded (CSV and signed PDF), and the review clock starting the day the last document is in."""

import csv
import datetime
import io
from pathlib import Path

import pytest
from django.utils import timezone

from cases.models import Case
from cases.services import intake, reminders
from core.models import OutboxEmail, Party
from letters import services
from letters.signing import verify_pdf
from tests.conftest import log_in
from tests.factories import CaseFactory, PartyFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _record(page, kind: str, day: datetime.date, sender: str) -> None:
    row = page.locator(f"#records-{kind}")
    row.locator("input[name=received_on]").fill(day.isoformat())
    row.locator("input[name=received_from]").fill(sender)
    row.get_by_role("button", name="Record").click()
    page.wait_for_load_state("networkidle")
    assert page.locator(f"#records-{kind} [data-received]").inner_text() == f"{day:%m/%d/%Y} from {sender}"


def test_the_records_are_chased_reported_late_and_start_the_clock_when_complete(page, admin_user):
    reminders.ensure_templates()
    today = timezone.localdate()
    asked = today - datetime.timedelta(days=14)  # electronic notice: due 12 days later, two days ago
    administrator = PartyFactory(kind=Party.Kind.CLAIMS_ADMINISTRATOR, name="Slow Claims", email="slow@example.org")
    case = CaseFactory(claims_administrator=administrator, application_received=asked)
    intake.transition(case, "eligible", by=admin_user)
    log_in(page, admin_user.username)
    page.goto(case.get_absolute_url())
    page.get_by_label("Action").select_option("request_records")
    page.get_by_label("Date", exact=True).fill(asked.isoformat())
    page.get_by_label("Records request by").select_option("electronic")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_load_state("networkidle")
    due = asked + datetime.timedelta(days=12)
    assert page.locator("#records-due").inner_text().startswith(f"{due:%m/%d/%Y}")
    assert page.locator("#clock-starts").inner_text() == "when the records are complete"

    # Day 1: the UR decision arrives; three days before the due date the beat job reminds the claims administrator.
    _record(page, "ur_decision", asked + datetime.timedelta(days=1), "Slow Claims")
    assert reminders.records_reminders(today=due - datetime.timedelta(days=3)) == 1
    # Day 5: the treating physician's reports. The due date passes: the late notice goes out.
    _record(page, "treating_reports", asked + datetime.timedelta(days=5), "Dr. Lee")
    assert reminders.records_chases(today=today) == 1
    reminder, notice = OutboxEmail.objects.order_by("pk")
    assert (reminder.template_key, notice.template_key, notice.to) == (
        "clock_records_reminder",
        "clock_records_chase",
        ["slow@example.org"],
    )
    assert "- The request for authorization (RFA) and its attachments\n" in notice.body
    page.reload()
    assert page.locator("#records-due .badge").inner_text() == "2 days late"

    page.goto(f"/cases/records/late/?month={due:%Y-%m}")  # the month the records fell due
    assert page.locator("#late-per-administrator tbody tr").inner_text().split("\t") == ["Slow Claims", "1", "2"]
    with page.expect_download() as download_info:
        page.locator("#late-records-csv").click()
    rows = list(csv.DictReader(io.StringIO(Path(download_info.value.path()).read_text(encoding="utf-8"))))
    assert [(row["case_number"], row["days_late"], row["treating_reports_from"]) for row in rows] == [
        (case.case_number, "2", "Dr. Lee")
    ]

    with page.expect_download() as signed_info:
        page.locator("#late-records-pdf").click()
    signed = Path(signed_info.value.path()).read_bytes()
    assert verify_pdf(signed, services.signing_setup().trust_roots).authentic is True

    # Today the last three documents arrive: the records are complete and the 30-day clock starts today.
    page.goto(case.get_absolute_url())
    for kind in ("ur_records", "rfa", "correspondence"):
        _record(page, kind, today, "Slow Claims")
    assert page.locator("#clock-starts").inner_text() == f"{today:%m/%d/%Y}"
    assert page.locator("#clock-due").inner_text() == f"{today + datetime.timedelta(days=30):%m/%d/%Y}"
    assert page.locator("#age-records").inner_text() == "0"
    stored = Case.objects.get(pk=case.pk)
    assert (stored.status, stored.records_received) == ("records_received", today)
