"""The letter register: every rendered and signed determination letter, its downloads and its service on the parties.

A signed letter never changes. Its file, hash and signing facts are frozen by :meth:`Letter.save` (and by the
queryset's ``update``); a correction is a new version that supersedes the old one, and both are kept.
"""

from __future__ import annotations

import os
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage, storages
from django.core.signals import setting_changed
from django.db import models
from django.db.models.functions import Lower
from django.dispatch import receiver
from django.utils import timezone
from django.utils.functional import LazyObject, empty

from core.triggers import append_only


class PrivateLetterStorage(FileSystemStorage):
    """Letters live under ``PRIVATE_DIR/letters``, read when used (tests move ``PRIVATE_DIR``), never served."""

    def __init__(self) -> None:
        super().__init__(base_url=None)

    @property
    def base_location(self) -> str:  # type: ignore[override]
        return str(settings.PRIVATE_DIR / "letters")

    @property
    def location(self) -> str:  # type: ignore[override]
        return os.path.abspath(self.base_location)


class _LetterStorage(LazyObject):
    """The ``letters`` storage of ``settings.STORAGES`` (local folder or S3), looked up when first used and again
    after a change of the settings (tests)."""

    def _setup(self) -> None:
        self._wrapped = storages["letters"]


_letter_storage = _LetterStorage()


@receiver(setting_changed)
def _reset_letter_storage(*, setting, **_kwargs) -> None:
    if setting in ("STORAGES", "PRIVATE_DIR"):
        _letter_storage._wrapped = empty


def private_letter_storage():
    return _letter_storage


def letter_upload_to(instance: Letter, filename: str) -> str:
    return f"{instance.case.case_number}/{instance.case.case_number}-{instance.rendition}-v{instance.version}.pdf"


def new_verification_code() -> str:
    # 80 random bits, lowercase hex: short enough to type from paper, too many to guess.
    return secrets.token_hex(10)


class Rendition(models.TextChoices):
    PARTIES = "parties", "Parties' letter"
    PUBLIC = "public", "Public redacted copy"


class ImmutableLetterError(ValidationError):
    """A signed letter's file, hash or signing facts cannot be changed: issue a correction instead."""


# What a signature freezes. ``superseded_at`` may still be set once (a correction), nothing else.
FROZEN_FIELDS = (
    "case_id",
    "determination_id",
    "version",
    "rendition",
    "state",
    "file",
    "sha256",
    "size",
    "page_count",
    "certificate_fingerprint",
    "signed_at",
    "approved_by_id",
    "approved_at",
    "verification_code",
    "supersedes_id",
)


class LetterQuerySet(models.QuerySet):
    def signed(self):
        return self.filter(state=Letter.State.SIGNED)

    def current(self):
        """The signed letters nobody superseded: what the parties should hold."""
        return self.filter(state=Letter.State.SIGNED, superseded_at__isnull=True)

    def update(self, **kwargs):
        frozen = {name.removesuffix("_id") for name in FROZEN_FIELDS} | set(FROZEN_FIELDS)
        if frozen & set(kwargs) and self.filter(state=Letter.State.SIGNED).exists():
            raise ImmutableLetterError("A signed letter cannot be changed; issue a correction instead.")
        return super().update(**kwargs)


class Letter(models.Model):
    class State(models.TextChoices):
        GENERATING = "generating", "Generating"
        SIGNED = "signed", "Signed"
        FAILED = "failed", "Failed"

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="letters")
    determination = models.ForeignKey("cases.Determination", on_delete=models.PROTECT, related_name="letters")
    version = models.PositiveSmallIntegerField(default=1)
    rendition = models.CharField(max_length=16, choices=Rendition.choices)
    state = models.CharField(max_length=16, choices=State.choices, default=State.GENERATING)
    file = models.FileField(storage=private_letter_storage, upload_to=letter_upload_to, max_length=255, blank=True)
    sha256 = models.CharField(max_length=64, blank=True, db_index=True)
    size = models.PositiveIntegerField(null=True, blank=True)
    page_count = models.PositiveSmallIntegerField(null=True, blank=True)
    certificate_fingerprint = models.CharField(max_length=64, blank=True)
    signed_at = models.DateTimeField(null=True, blank=True)
    timestamped = models.BooleanField(default=False, help_text="An RFC 3161 timestamp is embedded.")
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    supersedes = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="superseded_by"
    )
    superseded_at = models.DateTimeField(null=True, blank=True)
    correction_reason = models.TextField(blank=True)
    verification_code = models.CharField(max_length=32, unique=True, default=new_verification_code, editable=False)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Whether a service of this letter is recorded: set by ``Service.save`` when the first one is, never unset (a
    # service is never deleted). Not part of what the signature freezes: the letter center's order (the parties'
    # letters still to serve first) is read from an index on it (letters/migrations/0006_letter_served.py) instead
    # of asking, for each of a million current letters, whether a service exists.
    served = models.BooleanField(default=False, editable=False)

    objects = LetterQuerySet.as_manager()

    class Meta:
        ordering = ["case", "rendition", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["case", "rendition", "version"], name="letter_version_unique"),
            models.UniqueConstraint(
                fields=["case", "rendition"],
                condition=models.Q(state="signed", superseded_at__isnull=True),
                name="one_current_letter_per_rendition",
            ),
            models.CheckConstraint(condition=models.Q(rendition__in=Rendition.values), name="letter_rendition_valid"),
            models.CheckConstraint(
                condition=~models.Q(state="signed") | (~models.Q(sha256="") & ~models.Q(file="")),
                name="signed_letter_has_file_and_hash",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id and self.case.case_number} {self.get_rendition_display()} v{self.version}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            stored = Letter.objects.filter(pk=self.pk).values(*FROZEN_FIELDS, "superseded_at", "served").first()
            if stored is not None and stored["served"]:
                self.served = True  # an instance read before its service was recorded does not unset the marker
            if stored is not None and stored["state"] == self.State.SIGNED:
                changed = [name for name in FROZEN_FIELDS if _value(getattr(self, name)) != _value(stored[name])]
                if stored["superseded_at"] is not None and self.superseded_at != stored["superseded_at"]:
                    changed.append("superseded_at")
                if changed:
                    raise ImmutableLetterError(
                        f"Letter {self} is signed: {', '.join(changed)} cannot be changed; issue a correction instead."
                    )
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.state == self.State.SIGNED:
            raise ImmutableLetterError(f"Letter {self} is signed and is kept for good.")
        return super().delete(*args, **kwargs)

    @property
    def is_current(self) -> bool:
        return self.state == self.State.SIGNED and self.superseded_at is None

    @property
    def download_name(self) -> str:
        return f"{self.case.case_number}-{self.rendition}-v{self.version}.pdf"


def _value(value):
    # A FieldFile compares by name; a plain string from .values() is the name already.
    return getattr(value, "name", value) or ""


class LetterDownload(models.Model):
    """Who downloaded which letter, and when (letters carry medical data)."""

    letter = models.ForeignKey(Letter, on_delete=models.PROTECT, related_name="downloads")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    ip = models.GenericIPAddressField(null=True, blank=True)
    in_bulk = models.BooleanField(default=False, help_text="Part of a ZIP of several letters.")

    class Meta:
        ordering = ["-at", "-pk"]
        triggers = append_only()


class Service(models.Model):
    """One sending of a letter to the parties: when, how and to whom."""

    class Method(models.TextChoices):
        MAIL = "mail", "Mail"
        EMAIL = "email", "E-mail"
        FAX = "fax", "Fax"
        PORTAL = "portal", "Portal"

    letter = models.ForeignKey(Letter, on_delete=models.PROTECT, related_name="services")
    served_on = models.DateField()
    method = models.CharField(max_length=16, choices=Method.choices)
    recipients = models.JSONField(default=list)
    note = models.TextField(blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-served_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(method__in=["mail", "email", "fax", "portal"]), name="method_ok")
        ]

    def __str__(self) -> str:
        return f"{self.letter} served {self.served_on:%m/%d/%Y} by {self.get_method_display()}"

    def save(self, *args, **kwargs):
        adding = self._state.adding
        super().save(*args, **kwargs)
        if adding:  # in the caller's transaction: the marker and the service are kept, or neither
            Letter.objects.filter(pk=self.letter_id, served=False).update(served=True)


class ServiceRecipient(models.Model):
    """One addressee of a service, as served: who, in what role, at which address (kept as it stood on the day,
    for the proof of service) — the method is the service's."""

    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="deliveries")
    position = models.PositiveSmallIntegerField(default=0)
    key = models.CharField(max_length=32, help_text="Which addressee of the letter (rendering.addressees).")
    role = models.CharField(max_length=64)
    name = models.CharField(max_length=255)
    address = models.TextField(blank=True)
    email = models.EmailField(blank=True, help_text="Where an e-mailed letter went, when the party's address is known.")

    class Meta:
        ordering = ["service", "position", "pk"]
        constraints = [models.UniqueConstraint(fields=["service", "key"], name="service_recipient_once")]
        # A proof of service is never rewritten: a wrong record is followed by a new service.
        triggers = append_only()

    def __str__(self) -> str:
        return f"{self.role}: {self.name}"


class RedactionTerm(models.Model):
    """A word or name the public copy of one case never prints, added by the reviewer or QA when the redaction rules
    (``letters.redaction``) did not find it."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="redaction_terms")
    text = models.CharField(max_length=200)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["case", "added_at", "pk"]
        constraints = [
            models.UniqueConstraint("case", Lower("text"), name="redaction_term_once_per_case"),
            models.CheckConstraint(condition=~models.Q(text=""), name="redaction_term_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.text}"
