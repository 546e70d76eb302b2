"""A mail server that refuses mail: a real SMTP server on 127.0.0.1 (aiosmtpd) answers 421 (try later) or 550 (refused
for good). The outbox retries a 421 with backoff until the server takes the message, fails a 550 at once, never sends
a message twice or loses one, and the administrator finds the failures in the admin's outbox list."""

from __future__ import annotations

from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from django.db import transaction
from django.utils import timezone

from core.models import OutboxEmail
from core.notifications import queue_email
from core.tasks import MAX_ATTEMPTS, send_pending_outbox
from tests.factories import UserFactory
from tests.faults.servers import free_port

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]

CONTEXT = {"case_number": "CM26-0000042", "priority": "Standard", "item_count": 1, "reviewer_name": "Riley"}


class MailServer:
    """What the server answers: "accept", "421" (at DATA: try again later) or "550" (at RCPT: no such mailbox)."""

    def __init__(self) -> None:
        self.mode = "accept"
        self.received: list[tuple[list[str], bytes]] = []
        self.attempts = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        self.attempts += 1
        if self.mode == "550":
            return f"550 5.1.1 <{address}>: mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.mode == "421":
            return "421 4.3.2 Too busy, try again later"
        self.received.append((list(envelope.rcpt_tos), envelope.content))
        return "250 Message accepted"


@pytest.fixture
def mail_server(settings):
    handler = MailServer()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", port, False
    settings.EMAIL_TIMEOUT = 10
    yield handler
    controller.stop()


def _queue(to: str) -> OutboxEmail:
    with transaction.atomic():  # sent after commit (tasks in-process here), as in a request
        email = queue_email("case_offered", [to], CONTEXT)
    email.refresh_from_db()
    return email


def _time_passes(email: OutboxEmail) -> None:
    """The backoff runs out (instead of waiting minutes): the e-mail is due now."""
    OutboxEmail.objects.filter(pk=email.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))


def test_a_busy_server_421_is_retried_with_backoff_until_it_takes_the_message_once(mail_server):
    mail_server.mode = "421"
    email = _queue("reviewer1@example.org")
    assert (email.status, email.attempts, email.smtp_code) == ("queued", 1, 421)
    assert "Too busy" in email.last_error
    wait = email.next_attempt_at - timezone.now()
    assert timedelta(seconds=50) < wait <= timedelta(minutes=1)

    # Not due yet: the sweep leaves it alone.
    assert send_pending_outbox() == {"requeued": 0, "queued": 0}
    assert mail_server.attempts == 1

    _time_passes(email)
    assert send_pending_outbox() == {"requeued": 0, "queued": 1}
    email.refresh_from_db()
    assert (email.status, email.attempts, email.smtp_code) == ("queued", 2, 421)
    assert timedelta(minutes=4, seconds=50) < email.next_attempt_at - timezone.now() <= timedelta(minutes=5)

    mail_server.mode = "accept"
    _time_passes(email)
    assert send_pending_outbox() == {"requeued": 0, "queued": 1}
    email.refresh_from_db()
    assert (email.status, email.attempts, email.smtp_code, email.last_error) == ("sent", 3, None, "")
    assert [to for to, _content in mail_server.received] == [["reviewer1@example.org"]]
    assert email.subject.encode() in mail_server.received[0][1]

    # Swept again: nothing is sent twice.
    assert send_pending_outbox() == {"requeued": 0, "queued": 0}
    assert len(mail_server.received) == 1


def test_a_server_that_stays_busy_fails_the_email_after_the_last_attempt(mail_server):
    mail_server.mode = "421"
    email = _queue("reviewer1@example.org")
    for _ in range(MAX_ATTEMPTS - 1):
        _time_passes(email)
        send_pending_outbox()
    email.refresh_from_db()
    assert (email.status, email.attempts, email.smtp_code, email.next_attempt_at) == ("failed", MAX_ATTEMPTS, 421, None)
    assert (mail_server.attempts, mail_server.received) == (MAX_ATTEMPTS, [])


def test_a_refusal_550_fails_at_once_and_the_administrator_sees_it_and_sends_it_again(mail_server, client):
    mail_server.mode = "550"
    refused = _queue("nobody@example.org")
    assert (refused.status, refused.attempts, refused.smtp_code, refused.next_attempt_at) == ("failed", 1, 550, None)
    assert "mailbox unavailable" in refused.last_error
    mail_server.mode = "accept"
    delivered = _queue("reviewer1@example.org")
    assert delivered.status == "sent"
    assert send_pending_outbox() == {"requeued": 0, "queued": 0}  # a permanent failure is not retried by the sweep

    client.force_login(UserFactory(username="root", is_superuser=True, is_staff=True))
    failed_list = client.get("/admin/core/outboxemail/", {"status__exact": "failed"})
    assert failed_list.status_code == 200
    page = failed_list.content.decode()
    assert "nobody@example.org" in page
    assert "reviewer1@example.org" not in page
    assert "Failed (not retried)" in page
    assert '<td class="field-smtp_code">550</td>' in page

    # The address is fixed (here: the server accepts it now); the administrator sends it again.
    response = client.post(
        "/admin/core/outboxemail/", {"action": "send_again", "_selected_action": [refused.pk]}, follow=True
    )
    assert "1 e-mail(s) queued again." in response.content.decode()
    refused.refresh_from_db()
    assert (refused.status, refused.attempts, refused.smtp_code) == ("sent", 1, None)
    assert sorted(to[0] for to, _content in mail_server.received) == ["nobody@example.org", "reviewer1@example.org"]
