"""The injured worker's access to their case: a case access code (kept only as a hash), the language the worker
reads in, and which of the case's documents the worker sent.

The worker has no account and no organization: the notice of assignment carries the code, and the case number, the
code and the date of birth open that one case for a short session (``parties.worker_access``).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

from cases.models import Case, CaseDocument


class WorkerLanguage(models.TextChoices):
    ENGLISH = "en", "English"
    SPANISH = "es", "Español"


class WorkerAccess(models.Model):
    """One a case: the hash of its current access code and the worker's language."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="worker_access")
    # Django's password-hasher string (algorithm$iterations$salt$hash): everything needed to check a code, never the
    # code itself. Empty until the first notice of assignment is queued.
    code_hash = models.CharField(max_length=256, blank=True)
    # Raised with each new code: a session opened with an older code ends at its next request.
    generation = models.PositiveIntegerField(default=0)
    code_issued_at = models.DateTimeField(null=True, blank=True)
    code_issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    language = models.CharField(
        "the worker's language",
        max_length=8,
        choices=WorkerLanguage.choices,
        default=WorkerLanguage.ENGLISH,
        help_text="The worker's pages and notices are in this language; the worker may change it on their pages.",
    )

    def __str__(self) -> str:
        return f"Worker access to {self.case.case_number}"


class WorkerDocument(models.Model):
    """A document the injured worker sent through their pages: the worker sees only these of the case's documents."""

    document = models.OneToOneField(CaseDocument, on_delete=models.CASCADE, related_name="worker_upload")
    sent_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Sent by the worker: {self.document}"
