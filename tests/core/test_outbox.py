"""The stored outbox: rendering, idempotent queueing, sending, retries and the sweep."""

import datetime
import socket

import pytest
from django.core import mail
from django.utils import timezone

from core.models import EmailTemplate, OutboxEmail
from core.notifications import queue_email
from core.tasks import MAX_ATTEMPTS, send_outbox_email, send_pending_outbox

pytestmark = pytest.mark.django_db

CONTEXT = {
    "case_number": "CM26-0000042",
    "priority": "Expedited",
    "item_count": 2,
    "due_date": "12/01/2026",
    "reviewer_name": "Riley Reviewer",
    "my_cases_url": "http://portal/cases/mine/",
    "organization_name": "Example IMR",
}


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_the_default_templates_exist_after_migrating():
    assert sorted(EmailTemplate.objects.values_list("key", flat=True)) == [
        "case_offered",
        "case_reassigned",
        "offer_reminder",
    ]


def test_queue_email_renders_the_administrators_template_as_plain_text(django_capture_on_commit_callbacks):
    EmailTemplate.objects.filter(key="case_offered").update(
        subject="New case {{ case_number }} & more", body="Hello {{ reviewer_name }} <b>"
    )
    with django_capture_on_commit_callbacks(execute=True):
        email = queue_email("case_offered", ["r1@example.org"], CONTEXT)

    email.refresh_from_db()
    assert (email.subject, email.body) == ("New case CM26-0000042 & more", "Hello Riley Reviewer <b>")
    assert email.status == OutboxEmail.Status.SENT
    assert [(m.subject, m.to) for m in mail.outbox] == [("New case CM26-0000042 & more", ["r1@example.org"])]


def test_nothing_is_sent_before_the_transaction_commits(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        email = queue_email("case_offered", ["r1@example.org"], CONTEXT)

    assert len(callbacks) == 1
    assert OutboxEmail.objects.get(pk=email.pk).status == OutboxEmail.Status.QUEUED
    assert mail.outbox == []


def test_the_same_dedupe_key_queues_one_email():
    first = queue_email("offer_reminder", ["r1@example.org"], CONTEXT, dedupe_key="reminder:1:1")
    second = queue_email("offer_reminder", ["r1@example.org"], CONTEXT, dedupe_key="reminder:1:1")

    assert first.pk == second.pk
    assert OutboxEmail.objects.count() == 1


def test_an_email_with_no_address_is_stored_as_failed():
    email = queue_email("case_offered", ["", "  "], CONTEXT)

    assert (email.status, email.last_error) == (OutboxEmail.Status.FAILED, "No recipient address.")


def test_sending_twice_sends_once():
    email = queue_email("case_offered", ["r1@example.org"], CONTEXT)

    assert send_outbox_email(email.pk) == "sent"
    assert send_outbox_email(email.pk) == "skipped"
    assert len(mail.outbox) == 1
    email.refresh_from_db()
    assert (email.status, email.attempts) == (OutboxEmail.Status.SENT, 1)


def test_a_mail_server_failure_is_retried_later_then_marked_failed(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", _closed_port(), 2
    email = queue_email("case_offered", ["r1@example.org"], CONTEXT)

    assert send_outbox_email(email.pk) == "retry"
    email.refresh_from_db()
    assert email.status == OutboxEmail.Status.QUEUED
    assert email.last_error.startswith("ConnectionRefusedError")
    assert email.next_attempt_at > timezone.now()
    assert send_outbox_email(email.pk) == "skipped"  # not due yet

    for _ in range(MAX_ATTEMPTS - 1):
        OutboxEmail.objects.filter(pk=email.pk).update(next_attempt_at=None)
        send_outbox_email(email.pk)
    email.refresh_from_db()
    assert (email.status, email.attempts) == (OutboxEmail.Status.FAILED, MAX_ATTEMPTS)


def test_the_sweep_requeues_a_row_left_sending_by_a_dead_worker_and_sends_queued_rows():
    stuck = queue_email("case_offered", ["stuck@example.org"], CONTEXT)
    OutboxEmail.objects.filter(pk=stuck.pk).update(
        status=OutboxEmail.Status.SENDING, next_attempt_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    waiting = queue_email("case_offered", ["waiting@example.org"], CONTEXT)
    sending_now = queue_email("case_offered", ["busy@example.org"], CONTEXT)
    OutboxEmail.objects.filter(pk=sending_now.pk).update(
        status=OutboxEmail.Status.SENDING, next_attempt_at=timezone.now() + datetime.timedelta(minutes=5)
    )

    assert send_pending_outbox() == {"requeued": 1, "queued": 2}

    statuses = dict(OutboxEmail.objects.values_list("pk", "status"))
    assert statuses == {
        stuck.pk: OutboxEmail.Status.SENT,
        waiting.pk: OutboxEmail.Status.SENT,
        sending_now.pk: OutboxEmail.Status.SENDING,
    }
