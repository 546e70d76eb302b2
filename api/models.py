"""The API's own records: the organizations' keys (stored hashed, never the key) and the applications sent with an
``Idempotency-Key`` (so that the same application sent twice makes one case)."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from cases.models import Case
from core.models import Party


class Scope(models.TextChoices):
    CASES_READ = "cases:read", "Read the organization's cases"
    DOCUMENTS_WRITE = "documents:write", "Send documents to the organization's cases"
    APPLICATIONS_WRITE = "applications:write", "Send IMR applications"
    LETTERS_READ = "letters:read", "Download the signed letters of the organization's cases"


class ApiKey(models.Model):
    """An organization's key to the API, or the state's feed (no organization: it sends applications only).

    The key itself is shown once, when it is made; the portal keeps its first characters (``prefix``, to find it and
    to show it in lists) and the SHA-256 of the whole key. A key is a 256-bit random secret, so a fast hash is enough:
    nothing can be guessed from it.
    """

    organization = models.ForeignKey(Party, null=True, blank=True, on_delete=models.PROTECT, related_name="api_keys")
    # The state's feed (the Division of Workers' Compensation assigning applications): a key with no organization.
    state_feed = models.BooleanField(default=False)
    name = models.CharField(max_length=100, help_text="What the key is for (the system that uses it).")
    prefix = models.CharField(max_length=16, unique=True)
    key_hash = models.CharField(max_length=64)
    scopes = models.JSONField(default=list)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_used_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(state_feed=True, organization__isnull=True)
                | models.Q(state_feed=False, organization__isnull=False),
                name="api_key_organization_or_state_feed",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def sender(self) -> str:
        """Who sends through this key, for idempotency: the organization (all its keys alike) or the state."""
        return "state" if self.state_feed else f"party:{self.organization_id}"

    @property
    def is_active(self) -> bool:
        return self.status() == "active"

    def status(self, now=None) -> str:
        now = now or timezone.now()
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at is not None and self.expires_at <= now:
            return "expired"
        return "active"


class IdempotentApplication(models.Model):
    """An application received with an ``Idempotency-Key``: the same key from the same sender answers the same case;
    the same key with another body is refused."""

    sender = models.CharField(max_length=32)
    idempotency_key = models.CharField(max_length=255)
    request_hash = models.CharField(max_length=64)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    api_key = models.ForeignKey(ApiKey, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["sender", "idempotency_key"], name="idempotency_key_once_a_sender")
        ]

    def __str__(self) -> str:
        return f"{self.sender} {self.idempotency_key} → {self.case_id}"
