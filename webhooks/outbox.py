"""Writing webhooks to the outbox: the receiver of ``cases.signals.case_event`` and the managers' test event.

An event of a case goes to the active endpoints, wanting that event, of the organizations the case is shown to by the
one visibility rule (``parties.visibility``): never to another organization. The delivery rows are written in the
caller's transaction (the change that caused the event) and handed to a worker once it commits; if the broker is
down, the beat sweep sends them (``webhooks.tasks``).

The payload is the minimum a system needs to come and ask: what happened, to which case, its state now and where
the API shows it. No medical content, no name of the worker, never the reviewer.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import cast

from django.conf import settings
from django.db.models import Exists, OuterRef
from django.utils import timezone

from cases.models import Case
from cases.signals import RECORDS_OVERDUE, RECORDS_REQUESTED
from core.events import after_commit
from core.models import Party
from parties.visibility import case_filter
from webhooks.models import TEST_EVENT, Delivery, Endpoint
from webhooks.tasks import send_delivery

# The API's page of a case (the api app's URL, which this app may not import: api imports webhooks).
API_CASE_PATH = "/api/v1/cases/{case_number}"


def new_event_id() -> str:
    return f"evt_{uuid.uuid4().hex}"


def _timestamp(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def payload(event: str, event_id: str, case: Case | None, occurred_at: datetime) -> dict:
    """What is sent: the event, its id and time, the case's number and state, the link to the case in the API; for the
    records events, the day the records are due."""
    body: dict = {"event": event, "id": event_id, "occurred_at": _timestamp(occurred_at)}
    if case is None:
        return {**body, "case_number": None, "status": None, "links": {}}
    base = settings.IMR_PUBLIC_BASE_URL.rstrip("/")
    body |= {
        "case_number": case.case_number,
        "status": case.status,
        "links": {"case": base + API_CASE_PATH.format(case_number=case.case_number)},
    }
    if event in (RECORDS_REQUESTED, RECORDS_OVERDUE):
        due = case.records_due_date
        body["records_due"] = due.isoformat() if due else None
    return body


def endpoints_for(case: Case, event: str) -> list[Endpoint]:
    """The active endpoints wanting ``event`` of the organizations that see ``case``: one query, the visibility rule's
    own filter (``parties.visibility.case_filter``) applied to each endpoint's organization."""
    organization = cast(Party, OuterRef("organization"))  # the rule's filter, with the organization of each row
    sees_case = Case.objects.filter(pk=case.pk).filter(case_filter(organization))
    candidates = Endpoint.objects.filter(active=True).filter(Exists(sees_case)).order_by("pk")
    # ``events`` is a JSON list: filtered here, the same on PostgreSQL and SQLite (few endpoints see one case).
    return [endpoint for endpoint in candidates if event in endpoint.events]


def _queue(deliveries: list[Delivery]) -> list[Delivery]:
    for delivery in deliveries:
        after_commit(send_delivery.delay, delivery.pk)
    return deliveries


def record_case_event(case: Case, event: str, *, occurred_at: datetime | None = None) -> list[Delivery]:
    """One delivery per endpoint that is to hear of ``event`` on ``case``, in the caller's transaction."""
    endpoints = endpoints_for(case, event)
    if not endpoints:
        return []
    occurred_at = occurred_at or timezone.now()
    event_id = new_event_id()
    body = payload(event, event_id, case, occurred_at)
    deliveries = Delivery.objects.bulk_create(
        Delivery(
            endpoint=endpoint,
            case=case,
            case_number=case.case_number,
            event=event,
            event_id=event_id,
            payload=body,
            next_attempt_at=occurred_at,
        )
        for endpoint in endpoints
    )
    return _queue(deliveries)


def on_case_event(sender, *, case: Case, event: str, **kwargs) -> None:
    """The receiver of ``cases.signals.case_event`` (connected in ``WebhooksConfig.ready``)."""
    record_case_event(case, event)


def send_test_event(endpoint: Endpoint) -> Delivery:
    """A test event for one endpoint, whatever events it wants: no case, the same signature as every other."""
    now = timezone.now()
    event_id = new_event_id()
    delivery = Delivery.objects.create(
        endpoint=endpoint,
        event=TEST_EVENT,
        event_id=event_id,
        payload=payload(TEST_EVENT, event_id, None, now),
        next_attempt_at=now,
    )
    return _queue([delivery])[0]
