import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.template import Template, TemplateSyntaxError

from core.addresses import postal_lines, validate_state, validate_zip
from core.triggers import append_only


class Party(models.Model):
    """Someone a case names who matters for conflicts of interest: employers, claims administrators, provider groups,
    physicians, law firms, facilities, manufacturers. Kept once and referred to by cases and by reviewers'
    affiliations, never repeated as free text per case."""

    class Kind(models.TextChoices):
        EMPLOYER = "employer", "Employer"
        CLAIMS_ADMINISTRATOR = "claims_administrator", "Claims administrator / insurer"
        PROVIDER_GROUP = "provider_group", "Provider group"
        FACILITY = "facility", "Facility"
        PHYSICIAN = "physician", "Physician"
        MANUFACTURER = "manufacturer", "Manufacturer"
        LAW_FIRM = "law_firm", "Law firm"

    kind = models.CharField(max_length=32, choices=Kind.choices)
    name = models.CharField(max_length=200)
    specialty = models.CharField(max_length=120, blank=True, help_text="For physicians.")
    organization = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
        help_text="For a physician, the provider group; for a provider group, its parent if any.",
    )
    # Where the letter is mailed: street lines (one a line), city, state, ZIP (core.addresses checks them).
    address_lines = models.TextField("street address", blank=True, help_text="One line each: street, suite.")
    city = models.CharField(max_length=100, blank=True)
    state = models.CharField(max_length=2, blank=True, validators=[validate_state])
    zip_code = models.CharField("ZIP code", max_length=10, blank=True, validators=[validate_zip])
    email = models.EmailField(blank=True)
    fax = models.CharField(max_length=40, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["kind", "name"]
        verbose_name_plural = "parties"
        constraints = [
            models.UniqueConstraint("kind", Lower("name"), name="party_unique_name_per_kind"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def postal_address(self) -> str:
        """The address as a letter prints it, empty when no street address is on file."""
        return postal_lines(self.address_lines, self.city, self.state, self.zip_code)


class AuditEvent(models.Model):
    """Who did what to which object, for actions that are not case transitions (downloads, edits of the library,
    roster changes)."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    # Append-only (a trigger on PostgreSQL): a user with events is deactivated, never deleted.
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    action = models.CharField(max_length=64)
    object_type = models.CharField(max_length=64)
    object_id = models.CharField(max_length=64)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["object_type", "object_id"])]
        triggers = append_only()

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_type}#{self.object_id}"


class EmailTemplate(models.Model):
    """A notification's subject and body, editable by administrators. Django template syntax."""

    key = models.SlugField(max_length=64, unique=True)
    description = models.CharField(max_length=200, blank=True)
    subject = models.CharField(max_length=200)
    body = models.TextField()
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.key

    def clean(self) -> None:
        problems = {name: problem for name in ("subject", "body") if (problem := template_problem(getattr(self, name)))}
        if problems:
            raise ValidationError(problems)


# Tags that reach outside the notification's own context (other templates, tag libraries, the debug dump).
_OUTSIDE_TAGS = re.compile(r"{%\s*(load|include|extends|debug|ssi)\b")


def template_problem(source: str) -> str | None:
    """Why ``source`` cannot be an e-mail template (Django template syntax), or None when it compiles."""
    outside = _OUTSIDE_TAGS.search(source or "")
    if outside:
        return f"{{% {outside.group(1)} %}} is not allowed in an e-mail template: use the variables it is given."
    try:
        Template(source or "")
    except TemplateSyntaxError as error:
        return f"The template does not compile: {error}. Correct it; the last saved version is still in use."
    return None


ERASED_BODY = "(Erased once sent: it held a secret, such as a case access code.)"


class OutboxEmail(models.Model):
    """A stored outgoing e-mail. Written in the same transaction as what caused it; sent by a task after commit and
    swept again by beat, so nothing is lost when a worker dies or Redis is down."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed (not retried)"

    template_key = models.CharField(max_length=64, blank=True)
    to = models.JSONField(default=list)
    subject = models.CharField(max_length=255)
    body = models.TextField()
    # The body holds a secret (the injured worker's case access code): replaced by ERASED_BODY once sent, so the
    # code lives on only as its hash (parties.WorkerAccess) and in the worker's mailbox.
    erase_body_when_sent = models.BooleanField(default=False)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED, db_index=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    # The mail server's reply code to the last failed attempt (421 try later, 550 refused...); empty when the server
    # could not be reached at all.
    smtp_code = models.PositiveSmallIntegerField(null=True, blank=True)
    # Makes a reminder idempotent: one row per (purpose) key, e.g. "reminder:case:12:due-in-2".
    dedupe_key = models.CharField(max_length=200, unique=True, null=True, blank=True)
    related_object_type = models.CharField(max_length=64, blank=True)
    related_object_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="outbox_status_due")]

    def __str__(self) -> str:
        return f"{self.subject} → {', '.join(self.to)}"
