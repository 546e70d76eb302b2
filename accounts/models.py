"""Who is signed in where (to end every session of a user at once), the Content-Security-Policy reports, and the
mailed set-up links of the second factor."""

from django.conf import settings
from django.db import models


class UserSession(models.Model):
    """One signed-in session of a user. Written at log-in (and when the second factor rotates the key), removed at
    log-out; an administrator deactivating the user ends them all (``accounts.sessions.end_all_sessions``)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="signed_in_sessions")
    session_key = models.CharField(max_length=40, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "created_at"])]


class CspReport(models.Model):
    """Content-Security-Policy violations the browsers reported, one row per kind with a count."""

    directive = models.CharField(max_length=100)
    blocked_uri = models.CharField(max_length=300, blank=True)
    document_path = models.CharField(max_length=300, blank=True)
    source_file = models.CharField(max_length=300, blank=True)
    line_number = models.PositiveIntegerField(null=True, blank=True)
    sample = models.CharField(max_length=200, blank=True)
    count = models.PositiveIntegerField(default=1)
    first_seen = models.DateTimeField(auto_now_add=True)
    last_seen = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "Content-Security-Policy report"
        constraints = [
            models.UniqueConstraint(
                fields=["directive", "blocked_uri", "document_path", "source_file"], name="csp_report_kind"
            )
        ]

    def __str__(self) -> str:
        return f"{self.directive} blocked {self.blocked_uri or '(inline)'} on {self.document_path} ({self.count}x)"


class SecondFactorEnrolment(models.Model):
    """A set-up link for the second factor, mailed to the account's own address (``accounts.enrolment``).

    The password alone does not set up an authenticator: whoever holds it could bind their own first. The link is
    stored as its SHA-256 only, works once, for its own account, until ``expires_at``."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "created_at"])]
