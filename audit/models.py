"""The PHI access log: one row per read or change of protected data, append-only.

Rows are written by ``audit.log`` only. The portal's database role may only INSERT and SELECT this table and the older
registers (``core.AuditEvent``, ``cases.CaseTransition``, ``letters.LetterDownload``, ``letters.ServiceRecipient``):
it owns none of them, so it can neither alter them nor drop their triggers (``audit.roles``); and on PostgreSQL the
triggers of ``core.triggers.append_only()`` refuse every UPDATE and DELETE of a row and a TRUNCATE by anyone but a
superuser. Neither the application, the Django admin nor a stray ``manage.py shell`` can rewrite who read what.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Upper
from django.utils import timezone

from audit.labels import action_label
from core.triggers import append_only


class AccessEvent(models.Model):
    class Kind(models.TextChoices):
        READ = "read", "Read"
        WRITE = "write", "Change"

    class Outcome(models.TextChoices):
        ALLOWED = "allowed", "Allowed"
        DENIED = "denied", "Refused (403)"
        NOT_FOUND = "not_found", "Not found (404)"

    at = models.DateTimeField(default=timezone.now)
    # Users are deactivated, never deleted, while the log refers to them; the name is kept as it was at the time.
    # No index of its own: ``access_user_at`` leads with it (a user's deletion is refused by that index's answer).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    username = models.CharField(max_length=150, blank=True)
    kind = models.CharField(max_length=8, choices=Kind.choices)
    action = models.CharField(max_length=64, help_text="The page or download, e.g. cases:workspace, letters:download.")
    object_type = models.CharField(max_length=32)
    object_id = models.CharField(max_length=64, blank=True)
    case_number = models.CharField(max_length=64, blank=True)
    outcome = models.CharField(max_length=16, choices=Outcome.choices, default=Outcome.ALLOWED)
    method = models.CharField(max_length=8, blank=True)
    path = models.CharField(max_length=500, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["-at"], name="access_at"),
            # The search matches a case number or a user name whatever its case (``iexact``: UPPER(...) = UPPER(...));
            # the case's "who accessed" panel asks the same index.
            models.Index(Upper("case_number"), F("at").desc(), name="access_case_at"),
            models.Index(fields=["user", "-at"], name="access_user_at"),
            models.Index(Upper("username"), F("at").desc(), name="access_username_at"),
            models.Index(fields=["action", "-at"], name="access_action_at"),
            # Refusals (403, 404), newest first: a few in a thousand rows, found without reading the others.
            models.Index(fields=["outcome", "-at"], name="access_refused_at", condition=~Q(outcome="allowed")),
        ]
        triggers = append_only()

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.username or 'anonymous'} {self.action} {self.case_number}"

    @property
    def action_label(self) -> str:
        """The action in words ("Case page" for "cases:detail")."""
        return action_label(self.action)
