"""Sending the webhook outbox (as ``core.tasks`` sends the e-mail outbox). Each task takes ids, reloads the rows, and is
safe to run twice: a delivery is claimed by a conditional UPDATE before it is sent, so two workers given the same id
send it once.

Retries: after the n-th failed try the next waits ``RETRY_FIRST * 2**(n-1)``, at most ``RETRY_CAP`` (1, 2, 4 ... 256
minutes: about eight and a half hours in all); after ``MAX_ATTEMPTS`` failed tries the delivery has failed, and the
organization's manager may try it again from its page. Any answer but 2xx is a failure (a redirect too); so is no
answer within ``webhooks.sending.TIMEOUT_SECONDS``.
"""

from __future__ import annotations

import logging
import time
from datetime import timedelta

from celery import shared_task
from django.db.models import F, Q
from django.utils import timezone

from parties.visibility import organization_cases
from webhooks import sealing, sending, signing
from webhooks.models import Attempt, Delivery
from webhooks.targets import url_problem

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 10
RETRY_FIRST = timedelta(minutes=1)
RETRY_CAP = timedelta(hours=6)
# A delivery stays "sending" at most this long (a try takes at most the timeout): after it, the sweep assumes the
# worker died and sends it again. While it is being sent, ``next_attempt_at`` holds the end of this lease.
SENDING_LEASE = timedelta(minutes=2)
SWEEP_BATCH = 500

Status = Delivery.Status


def retry_wait(attempts: int) -> timedelta:
    """How long after the ``attempts``-th failed try the next one is made."""
    return min(RETRY_FIRST * 2 ** max(attempts - 1, 0), RETRY_CAP)


def _why_not_sent(delivery: Delivery) -> str:
    """Why the delivery is not to be sent at all any more ("" when it is): the endpoint was disabled, or the case is no
    longer one the organization sees (another claims administrator was put on it)."""
    endpoint = delivery.endpoint
    if not endpoint.active:
        return "The endpoint was disabled before this was sent."
    if delivery.case_number and not (
        delivery.case_id and organization_cases(endpoint.organization).filter(pk=delivery.case_id).exists()
    ):
        return "The case is no longer one of your organization's cases."
    return ""


def _try(delivery: Delivery) -> sending.Answer:
    endpoint = delivery.endpoint
    problem = url_problem(endpoint.url)
    if problem:
        return sending.Answer(None, problem, 0)
    try:
        secret = endpoint.secret
    except sealing.UnreadableSecret as unreadable:
        return sending.Answer(None, str(unreadable), 0)
    data = signing.body(delivery.payload)
    headers = {
        signing.SIGNATURE_HEADER: signing.signature(secret, int(time.time()), data),
        "IMR-Event": delivery.event,
        "IMR-Event-Id": delivery.event_id,
        "IMR-Delivery": str(delivery.pk),
        "IMR-Attempt": str(delivery.attempts),
    }
    return sending.post(endpoint.url, data, headers)


@shared_task(name="webhooks.tasks.send_delivery")
def send_delivery(delivery_id: int) -> str:
    """Make one try of a delivery that is waiting and due; a delivery already sent, given up, not yet due, or gone is
    left alone."""
    now = timezone.now()
    claimed = (
        Delivery.objects.filter(pk=delivery_id, status=Status.PENDING)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .update(status=Status.SENDING, attempts=F("attempts") + 1, next_attempt_at=now + SENDING_LEASE)
    )
    if not claimed:
        return "skipped"
    delivery = Delivery.objects.select_related("endpoint", "endpoint__organization").get(pk=delivery_id)
    mine = Delivery.objects.filter(pk=delivery.pk, status=Status.SENDING)
    reason = _why_not_sent(delivery)
    if reason:
        mine.update(status=Status.CANCELLED, attempts=F("attempts") - 1, next_attempt_at=None, last_error=reason)
        return "cancelled"
    answer = _try(delivery)
    Attempt.objects.create(
        delivery=delivery,
        number=delivery.attempts,
        at=now,
        status_code=answer.status_code,
        error=answer.error[:2000],
        duration_ms=answer.duration_ms,
    )
    if answer.delivered:
        mine.update(
            status=Status.DELIVERED,
            delivered_at=timezone.now(),
            next_attempt_at=None,
            last_status_code=answer.status_code,
            last_error="",
        )
        return "delivered"
    final = delivery.attempts >= MAX_ATTEMPTS
    mine.update(
        status=Status.FAILED if final else Status.PENDING,
        next_attempt_at=None if final else timezone.now() + retry_wait(delivery.attempts),
        last_status_code=answer.status_code,
        last_error=answer.error[:2000],
    )
    logger.warning(
        "Webhook delivery %s to %s not delivered (try %s): %s",
        delivery.pk,
        delivery.endpoint.url,
        delivery.attempts,
        answer.error,
    )
    return "failed" if final else "retry"


@shared_task(name="webhooks.tasks.send_pending_deliveries")
def send_pending_deliveries() -> dict:
    """Beat sweep: put back the deliveries whose sending lease ran out (a worker died mid-try), then queue every
    waiting delivery that is due (its retry's time has come, or its first task was lost with the broker)."""
    now = timezone.now()
    requeued = Delivery.objects.filter(status=Status.SENDING, next_attempt_at__lt=now).update(
        status=Status.PENDING, next_attempt_at=now
    )
    due = list(
        Delivery.objects.filter(status=Status.PENDING)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    for delivery_id in due:
        send_delivery.delay(delivery_id)
    return {"requeued": requeued, "queued": len(due)}
