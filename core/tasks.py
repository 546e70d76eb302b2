"""Sending the outbox. Each task takes ids, reloads the rows, and is safe to run twice."""

import logging
import smtplib
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMessage
from django.db.models import F, Q
from django.utils import timezone

from core.models import ERASED_BODY, OutboxEmail

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
# Wait before the next attempt after the n-th failure (the beat sweep sends it once the time has come).
BACKOFF_MINUTES = (1, 5, 15, 60)
# A row stays "sending" at most this long: after it, the sweep assumes the worker died and queues it again.
# While a row is being sent, ``next_attempt_at`` holds the end of this lease.
SENDING_LEASE = timedelta(minutes=10)
SWEEP_BATCH = 500


def _backoff(attempts: int) -> timedelta:
    return timedelta(minutes=BACKOFF_MINUTES[min(attempts, len(BACKOFF_MINUTES)) - 1])


def smtp_code(error: BaseException) -> int | None:
    """The mail server's reply code in an ``smtplib`` error (the lowest of the refused recipients'), if it gave one."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _message in error.recipients.values()]
        return min(codes) if codes else None
    if isinstance(error, smtplib.SMTPResponseException):
        return error.smtp_code
    return None


def is_permanent(error: BaseException, code: int | None) -> bool:
    """5xx is permanent (RFC 5321), except a refused log-in: that is the portal's configuration, fixed once for all
    mail, so those are kept and retried."""
    return code is not None and 500 <= code < 600 and not isinstance(error, smtplib.SMTPAuthenticationError)


@shared_task(name="core.tasks.send_outbox_email")
def send_outbox_email(email_id: int) -> str:
    """Send one queued e-mail. Claims the row with a conditional UPDATE (queued → sending), so two workers given the
    same id send it once; a row already sent, failed for good, not yet due or gone is left alone."""
    now = timezone.now()
    claimed = (
        OutboxEmail.objects.filter(pk=email_id, status=OutboxEmail.Status.QUEUED)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .update(status=OutboxEmail.Status.SENDING, attempts=F("attempts") + 1, next_attempt_at=now + SENDING_LEASE)
    )
    if not claimed:
        return "skipped"
    email = OutboxEmail.objects.get(pk=email_id)
    try:
        EmailMessage(subject=email.subject, body=email.body, from_email=settings.DEFAULT_FROM_EMAIL, to=email.to).send()
    except Exception as error:  # noqa: BLE001 - any failure of the mail server is recorded and retried
        code = smtp_code(error)
        # A permanent refusal (5xx: no such mailbox, rejected as spam...) fails at once; a temporary one (4xx, the
        # server down or unreachable) waits and is tried again, up to MAX_ATTEMPTS.
        final = email.attempts >= MAX_ATTEMPTS or is_permanent(error, code)
        OutboxEmail.objects.filter(pk=email.pk, status=OutboxEmail.Status.SENDING).update(
            status=OutboxEmail.Status.FAILED if final else OutboxEmail.Status.QUEUED,
            last_error=f"{type(error).__name__}: {error}"[:2000],
            smtp_code=code,
            next_attempt_at=None if final else timezone.now() + _backoff(email.attempts),
        )
        logger.warning("E-mail %s not sent (attempt %s, %s): %s", email.pk, email.attempts, code, error)
        return "failed" if final else "retry"
    erased = {"body": ERASED_BODY} if email.erase_body_when_sent else {}
    OutboxEmail.objects.filter(pk=email.pk, status=OutboxEmail.Status.SENDING).update(
        status=OutboxEmail.Status.SENT,
        sent_at=timezone.now(),
        next_attempt_at=None,
        last_error="",
        smtp_code=None,
        **erased,
    )
    return "sent"


@shared_task(name="core.tasks.send_pending_outbox")
def send_pending_outbox() -> dict:
    """Beat sweep: queue again the rows whose sending lease ran out (a worker died), then send every queued row
    that is due."""
    now = timezone.now()
    requeued = OutboxEmail.objects.filter(status=OutboxEmail.Status.SENDING, next_attempt_at__lt=now).update(
        status=OutboxEmail.Status.QUEUED, next_attempt_at=None
    )
    due = list(
        OutboxEmail.objects.filter(status=OutboxEmail.Status.QUEUED)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .order_by("pk")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    for email_id in due:
        send_outbox_email.delay(email_id)
    return {"requeued": requeued, "queued": len(due)}
