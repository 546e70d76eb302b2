"""Webhooks: an organization's endpoints, and the outbox of what is sent to them.

An ``Endpoint`` is an address of the organization's own system, the events it wants and the secret that signs what is
sent to it (stored sealed: ``webhooks.sealing``). A ``Delivery`` is one event for one endpoint: written in the
transaction of the change that caused it (``webhooks.outbox``), sent after the commit by a worker and, while it is not
delivered, retried by the beat sweep (``webhooks.tasks``) with a growing wait, until it is delivered or has failed
``MAX_ATTEMPTS`` times. Each try is an ``Attempt``, with the answer's status code, so the organization sees what its
server answered and when.
"""

import secrets

from django.conf import settings
from django.db import models

from cases.models import Case
from cases.signals import EVENTS
from core.models import Party
from webhooks import sealing

TEST_EVENT = "webhook.test"

# What each event of ``cases.signals`` is called on the organization's pages (a new event there needs its words here).
EVENT_LABELS = {
    "case.assigned": "A reviewer has taken the case",
    "records.requested": "The medical records were requested",
    "records.overdue": "The medical records are past their due date",
    "determination.issued": "The determination letter is signed and ready",
}
EVENT_CHOICES = [(event, f"{EVENT_LABELS[event]} ({event})") for event in EVENTS]


def new_secret() -> str:
    """A signing secret: 32 random bytes, URL-safe, with a prefix that says what it is when it turns up in a file."""
    return "whsec_" + secrets.token_urlsafe(32)


def new_sealed_secret() -> str:
    return sealing.seal(new_secret())


class Endpoint(models.Model):
    organization = models.ForeignKey(Party, on_delete=models.PROTECT, related_name="webhook_endpoints")
    url = models.URLField("address", max_length=500)
    description = models.CharField(max_length=200, blank=True)
    events = models.JSONField(default=list)  # the values of EVENT_CHOICES it wants
    # The signing secret, encrypted (``webhooks.sealing``): needed in clear to sign (an HMAC key cannot be hashed) and
    # shown to the organization's managers, so it is sealed rather than hashed. Read and set it as ``secret``.
    sealed_secret = models.TextField(default=new_sealed_secret)
    active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["organization", "-active", "pk"]

    def __str__(self) -> str:
        return self.url

    @property
    def secret(self) -> str:
        """The signing secret in clear; ``sealing.UnreadableSecret`` when the site's keys no longer open it."""
        return sealing.unseal(self.sealed_secret)

    @secret.setter
    def secret(self, value: str) -> None:
        self.sealed_secret = sealing.seal(value)

    @property
    def wanted(self) -> list[tuple[str, str]]:
        """(event, what it means) of each event the endpoint wants, in the order of ``cases.signals.EVENTS``."""
        return [(event, EVENT_LABELS[event]) for event in EVENTS if event in self.events]


class Delivery(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to be sent"
        SENDING = "sending", "Being sent"
        DELIVERED = "delivered", "Delivered"
        FAILED = "failed", "Failed: gave up"
        CANCELLED = "cancelled", "Not sent"

    endpoint = models.ForeignKey(Endpoint, on_delete=models.PROTECT, related_name="deliveries")
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    case_number = models.CharField(max_length=20, blank=True)
    event = models.CharField(max_length=40)
    event_id = models.CharField(max_length=40)  # the same for every endpoint the event went to
    payload = models.JSONField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    # The time of the next try; while a worker is sending, the end of its lease (``webhooks.tasks``).
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField("last answer code", null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = "deliveries"
        constraints = [
            models.UniqueConstraint(fields=["endpoint", "event_id"], name="webhook_delivery_once_per_endpoint"),
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="webhook_delivery_due")]

    def __str__(self) -> str:
        return f"{self.event} {self.event_id} → {self.endpoint}"

    @property
    def can_try_again(self) -> bool:
        return self.status == self.Status.FAILED

    @property
    def next_try(self):
        """When the next try is due, while the delivery waits for one; None otherwise."""
        return self.next_attempt_at if self.status == self.Status.PENDING else None


class Attempt(models.Model):
    """One try of a delivery: when, what the organization's server answered (or why there was no answer)."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="tries")
    number = models.PositiveSmallIntegerField()
    at = models.DateTimeField()
    status_code = models.PositiveSmallIntegerField("answer code", null=True, blank=True)
    error = models.TextField(blank=True)
    duration_ms = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["delivery", "number"]
