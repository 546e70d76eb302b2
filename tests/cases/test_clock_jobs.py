"""The statutory clock's beat job: reminders before the due date, escalation when overdue, the chase of late
records. Each message is sent once however many times the job runs (the outbox's dedupe keys)."""

import datetime

import pytest
from django.utils import timezone

from cases.services import intake, lifecycle, reminders
from cases.tasks import run_statutory_clock
from core.models import OutboxEmail, Party
from tests.factories import CaseFactory, PartyFactory, case_in_review

pytestmark = pytest.mark.django_db


def _emails(template_key):
    return list(OutboxEmail.objects.filter(template_key=template_key).order_by("pk").values_list("to", "subject"))


@pytest.fixture(autouse=True)
def _templates(db):
    reminders.ensure_templates()


def test_the_reviewer_is_reminded_once_at_each_configured_day_before_the_due_date(reviewer, settings):
    settings.CLOCK_REMINDER_DAYS = [5, 2, 1]
    case = case_in_review(reviewer, items=1)
    due = case.due_date
    for days_before in (6, 5, 5, 4, 3, 2, 2, 1, 1, 0):
        reminders.reviewer_reminders(today=due - datetime.timedelta(days=days_before))
    sent = _emails("clock_reviewer_reminder")
    assert [subject for _, subject in sent] == [
        f"IMR case {case.case_number}: determination due {due:%m/%d/%Y} (in 5 days)",
        f"IMR case {case.case_number}: determination due {due:%m/%d/%Y} (in 2 days)",
        f"IMR case {case.case_number}: determination due {due:%m/%d/%Y} (tomorrow)",
    ]
    assert {tuple(to) for to, _ in sent} == {(reviewer.email,)}


def test_a_missed_day_sends_the_reminder_of_the_threshold_just_passed_only(reviewer, settings):
    settings.CLOCK_REMINDER_DAYS = [5, 2, 1]
    case = case_in_review(reviewer, items=1)
    today = case.due_date - datetime.timedelta(days=4)
    assert reminders.reviewer_reminders(today=today) == 1
    assert reminders.reviewer_reminders(today=today) == 0
    assert OutboxEmail.objects.get().dedupe_key == (
        f"clock:reviewer-reminder:case-{case.pk}:due-{case.due_date.isoformat()}:5d"
    )


def test_an_overdue_case_goes_to_its_administrator_once_then_to_the_medical_director_once(
    reviewer, admin_user, qa_user
):
    case = case_in_review(reviewer, items=1)
    case.created_by = admin_user
    case.save(update_fields=["created_by"])
    due = case.due_date
    for days_after in (1, 1, 2, 2, 3):
        reminders.overdue_escalations(today=due + datetime.timedelta(days=days_after))
    assert _emails("clock_overdue_administrator") == [
        ([admin_user.email], f"OVERDUE: IMR case {case.case_number} was due {due:%m/%d/%Y}")
    ]
    assert _emails("clock_overdue_medical_director") == [
        ([qa_user.email], f"OVERDUE 2 days: IMR case {case.case_number} (escalation)")
    ]


def test_an_overdue_case_without_its_administrator_goes_to_every_administrator(reviewer, admin_user):
    from django.contrib.auth.models import Group

    from core import roles
    from tests.factories import UserFactory

    second = UserFactory(username="intake2")
    second.groups.add(Group.objects.get(name=roles.ADMINISTRATOR))
    case = case_in_review(reviewer, items=1)
    reminders.overdue_escalations(today=case.due_date + datetime.timedelta(days=1))
    assert _emails("clock_overdue_administrator")[0][0] == sorted([admin_user.email, second.email])


def test_a_decided_case_is_not_escalated(reviewer, admin_user):
    case = case_in_review(reviewer, items=1)
    case.status = "determined"
    case.save(update_fields=["status"])
    assert reminders.overdue_escalations(today=case.due_date + datetime.timedelta(days=5)) == 0


def _records_requested(*, priority="standard", method="electronic", on, email="claims@example.org"):
    administrator = PartyFactory(kind=Party.Kind.CLAIMS_ADMINISTRATOR, email=email)
    case = CaseFactory(priority=priority, claims_administrator=administrator)
    lifecycle.transition(case, "eligible", by=None)
    intake.request_records(case, by=None, on=on, method=method)
    return case


def test_late_records_are_chased_once_after_12_days_electronic_15_by_mail_and_24_hours_expedited(admin_user):
    today = datetime.date(2026, 11, 20)
    electronic_late = _records_requested(method="electronic", on=today - datetime.timedelta(days=13))
    _records_requested(method="electronic", on=today - datetime.timedelta(days=12))
    _records_requested(method="mail", on=today - datetime.timedelta(days=13))
    mail_late = _records_requested(method="mail", on=today - datetime.timedelta(days=16))
    expedited_late = _records_requested(priority="expedited", on=today - datetime.timedelta(days=2))
    assert reminders.records_chases(today=today) == 3
    assert reminders.records_chases(today=today) == 0
    subjects = sorted(subject for _, subject in _emails("clock_records_chase"))
    assert subjects == sorted(
        f"Records overdue for IMR case {case.case_number} (claim {case.claim_number})"
        for case in (electronic_late, mail_late, expedited_late)
    )


def test_a_chase_without_the_claims_administrators_address_goes_to_the_administrators(admin_user):
    today = datetime.date(2026, 11, 20)
    _records_requested(on=today - datetime.timedelta(days=20), email="")
    reminders.records_chases(today=today)
    assert _emails("clock_records_chase")[0][0] == [admin_user.email]


def test_the_beat_job_run_twice_sends_each_message_exactly_once(reviewer, admin_user, qa_user, settings):
    settings.CLOCK_REMINDER_DAYS = [5, 2, 1]
    today = timezone.localdate()
    due_soon = case_in_review(reviewer, items=1, application_received=today - datetime.timedelta(days=28))
    overdue = case_in_review(reviewer, items=1, application_received=today - datetime.timedelta(days=33))
    late_records = _records_requested(on=today - datetime.timedelta(days=14))
    first = run_statutory_clock()
    second = run_statutory_clock()
    assert (first["reviewer_reminders"], first["overdue_escalations"], first["records_chases"]) == (1, 2, 1)
    assert (second["reviewer_reminders"], second["overdue_escalations"], second["records_chases"]) == (0, 0, 0)
    related = sorted(OutboxEmail.objects.values_list("template_key", "related_object_id"))
    assert related == sorted(
        [
            ("clock_reviewer_reminder", str(due_soon.pk)),
            ("clock_overdue_administrator", str(overdue.pk)),
            ("clock_overdue_medical_director", str(overdue.pk)),
            ("clock_records_chase", str(late_records.pk)),
        ]
    )
