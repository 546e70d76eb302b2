"""The managers' changes to their organization's webhooks, each recorded in the audit trail (``core.services``)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from core.events import after_commit
from core.models import Party
from core.services import record_event
from webhooks.models import Delivery, Endpoint, new_secret
from webhooks.outbox import send_test_event
from webhooks.tasks import send_delivery


@transaction.atomic
def add_endpoint(organization: Party, *, url: str, events: list[str], description: str, by) -> Endpoint:
    endpoint = Endpoint.objects.create(
        organization=organization, url=url, events=events, description=description, created_by=by
    )
    record_event(by, "webhook.endpoint_added", endpoint, url=url, events=events)
    return endpoint


@transaction.atomic
def change_endpoint(endpoint: Endpoint, *, url: str, events: list[str], description: str, by) -> Endpoint:
    before = {"url": endpoint.url, "events": endpoint.events}
    endpoint.url, endpoint.events, endpoint.description = url, events, description
    endpoint.save(update_fields=["url", "events", "description", "updated_at"])
    record_event(by, "webhook.endpoint_changed", endpoint, before=before, url=url, events=events)
    return endpoint


@transaction.atomic
def set_active(endpoint: Endpoint, active: bool, *, by) -> Endpoint:
    """Disable (nothing more is sent; deliveries waiting are not sent) or enable again (new events only)."""
    endpoint.active = active
    endpoint.save(update_fields=["active", "updated_at"])
    record_event(by, "webhook.endpoint_enabled" if active else "webhook.endpoint_disabled", endpoint)
    return endpoint


@transaction.atomic
def replace_secret(endpoint: Endpoint, *, by) -> Endpoint:
    """A new signing secret, in force at once (the old one signs nothing more)."""
    endpoint.secret = new_secret()
    endpoint.save(update_fields=["sealed_secret", "updated_at"])
    record_event(by, "webhook.secret_replaced", endpoint)
    return endpoint


@transaction.atomic
def test_event(endpoint: Endpoint, *, by) -> Delivery:
    delivery = send_test_event(endpoint)
    record_event(by, "webhook.test_sent", endpoint, delivery_id=delivery.pk)
    return delivery


@transaction.atomic
def try_again(delivery: Delivery, *, by) -> bool:
    """One more try, at once, of a delivery that failed (if it fails again, it stays failed). False when the delivery
    has not failed."""
    updated = Delivery.objects.filter(pk=delivery.pk, status=Delivery.Status.FAILED).update(
        status=Delivery.Status.PENDING, next_attempt_at=timezone.now()
    )
    if updated:
        record_event(by, "webhook.delivery_retried", delivery, case=delivery.case_number, event=delivery.event)
        after_commit(send_delivery.delay, delivery.pk)
    return bool(updated)
