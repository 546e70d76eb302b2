"""A real Celery worker sends a queued e-mail from the outbox."""

import pytest
from django.db import transaction

from core.models import OutboxEmail
from core.notifications import queue_email
from tests.conftest import wait_for


@pytest.fixture
def locmem_mail_in_the_worker(monkeypatch):
    # The worker process reads its settings from the environment the fixture passes on (os.environ).
    monkeypatch.setenv("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_sends_a_queued_email_after_commit(locmem_mail_in_the_worker, celery_worker_process):
    with transaction.atomic():
        email = queue_email(
            "case_offered",
            ["reviewer1@example.org"],
            {"case_number": "CM26-0000007", "priority": "Standard", "item_count": 1, "reviewer_name": "Riley"},
        )

    sent = wait_for(lambda: OutboxEmail.objects.filter(pk=email.pk, status=OutboxEmail.Status.SENT).first())

    assert (sent.status, sent.attempts, sent.last_error) == (OutboxEmail.Status.SENT, 1, "")
    assert sent.sent_at is not None
