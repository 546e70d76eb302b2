"""Every write of the letters app: generate, sign and register letters; corrections; downloads; service; verification.

Locks: the case row first (``select_for_update``), then letter rows, always in that order.
"""

from __future__ import annotations

import hashlib
import logging
import re
import threading
from dataclasses import dataclass
from datetime import date, datetime
from io import BytesIO
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from cases.lifecycle import Status
from cases.models import Case, Determination
from cases.services.intake import transition
from core.services import record_event
from letters import development_ca, rendering, signing
from letters.models import Letter, LetterDownload, Rendition, Service, ServiceRecipient

logger = logging.getLogger(__name__)

SIGNATURE_REASON = "Independent Medical Review Final Determination"
SIGNATURE_LOCATION = "California"


class LetterError(ValidationError):
    """A letter action refused; the message says why."""


# -- signing configuration ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SigningSetup:
    signer: object
    trust_roots: tuple
    fingerprint: str
    development: bool
    pdf_variant: str = signing.PDF_A_3B  # the PDF/A part the signer's key allows (signing.pdf_variant_for)


_setup_cache: dict[tuple, SigningSetup] = {}
_setup_lock = threading.Lock()


def _configuration_key() -> tuple:
    return (
        settings.SIGNING_PKCS12_PATH,
        settings.SIGNING_KEY_PATH,
        settings.SIGNING_CERT_PATH,
        tuple(settings.SIGNING_CHAIN_PATHS),
        tuple(settings.SIGNING_TRUST_ROOTS),
        str(settings.PRIVATE_DIR),
        settings.IMR_ORGANIZATION_NAME,
    )


def development_folder() -> Path:
    return Path(settings.PRIVATE_DIR) / "dev-signing"


def signing_setup() -> SigningSetup:
    """The organization's signer and the roots a letter is verified against, loaded once per configuration.

    A PKCS#12 file or a key and certificate from settings; otherwise (never in production) a development CA and
    signer generated on first use under ``PRIVATE_DIR/dev-signing``.
    """
    key = _configuration_key()
    setup = _setup_cache.get(key)
    if setup is not None:
        return setup
    with _setup_lock:
        setup = _setup_cache.get(key)
        if setup is None:
            setup = _setup_cache[key] = _load_setup()
    return setup


def _load_setup() -> SigningSetup:
    from pyhanko.keys import load_certs_from_pemder

    development = not (settings.SIGNING_PKCS12_PATH or settings.SIGNING_KEY_PATH)
    roots: list = []
    if development:
        if getattr(settings, "PRODUCTION", False):
            raise signing.SigningConfigurationError(
                "No signing certificate is configured: set SIGNING_PKCS12_PATH, or SIGNING_KEY_PATH and "
                "SIGNING_CERT_PATH (development certificates are never used in production)."
            )
        material = development_ca.ensure_development_certificates(development_folder(), settings.IMR_ORGANIZATION_NAME)
        signer = material.load_signer()
        roots.append(material.load_root_certificate())
    else:
        signer = signing.load_signer(
            pkcs12_path=settings.SIGNING_PKCS12_PATH or None,
            pkcs12_password=settings.SIGNING_PKCS12_PASSWORD or None,
            key_path=settings.SIGNING_KEY_PATH or None,
            cert_path=settings.SIGNING_CERT_PATH or None,
            chain_paths=settings.SIGNING_CHAIN_PATHS,
            key_password=settings.SIGNING_KEY_PASSWORD or None,
        )
    for path in settings.SIGNING_TRUST_ROOTS:
        try:
            roots.extend(load_certs_from_pemder([str(path)]))
        except (OSError, ValueError) as error:
            raise signing.SigningConfigurationError(f"Cannot read the trust root {path}: {error}") from error
    if not roots and not development:
        # No roots configured: trust the top of the configured chain (the organization's own CA).
        roots.extend(signer.cert_registry)
    return SigningSetup(
        signer=signer,
        trust_roots=tuple(roots),
        fingerprint=signing.certificate_fingerprint(signer.signing_cert),
        development=development,
        pdf_variant=signing.pdf_variant_for(signer),
    )


def signer_name() -> str:
    """The signature's /Name: "Name, Title, Organization", or "Title, Organization" when no name is set."""
    parts = (settings.IMR_MEDICAL_DIRECTOR_NAME, settings.IMR_MEDICAL_DIRECTOR_TITLE, settings.IMR_ORGANIZATION_NAME)
    return ", ".join(part.strip() for part in parts if part and part.strip())


def sign_rendered(rendered, *, setup: SigningSetup | None = None) -> bytes:
    """Sign a rendered letter (visible field over its ``#signature-block``), with a timestamp if a TSA is set.

    Render it in ``setup.pdf_variant``: a PDF/A-3b file cannot take an EC signature
    (:class:`signing.PdfVersionConflict`)."""
    setup = setup or signing_setup()
    box = rendered.signature_box
    return signing.sign_pdf(
        rendered.pdf,
        setup.signer,
        field_box=box.rect if box else None,
        page=box.page_index if box else -1,
        reason=SIGNATURE_REASON,
        location=SIGNATURE_LOCATION,
        name=signer_name(),
        timestamp_url=settings.TIMESTAMP_URL or None,
    )


# -- generation --------------------------------------------------------------------------------------------------


def _claim(case: Case, rendition: str, determination: Determination, *, by, reason: str) -> tuple[Letter, bool]:
    """Under the case lock: the letter row to fill, or the signed letter that already answers (``done`` True)."""
    Case.objects.select_for_update().get(pk=case.pk)
    current = Letter.objects.current().filter(case=case, rendition=rendition).first()
    if current is not None and current.determination_id == determination.pk and not reason:
        return current, True
    pending = (
        Letter.objects.filter(case=case, rendition=rendition)
        .exclude(state=Letter.State.SIGNED)
        .order_by("-version")
        .first()
    )
    if pending is not None:
        if reason and not pending.correction_reason:
            pending.correction_reason = reason
        pending.state = Letter.State.GENERATING
        pending.error = ""
        pending.determination = determination
        pending.save(update_fields=["state", "error", "determination", "correction_reason"])
        return pending, False
    version = (Letter.objects.filter(case=case, rendition=rendition).aggregate(last=Max("version"))["last"] or 0) + 1
    letter = Letter.objects.create(
        case=case,
        determination=determination,
        version=version,
        rendition=rendition,
        state=Letter.State.GENERATING,
        supersedes=current,
        correction_reason=reason,
        approved_by=determination.qa_by,
        approved_at=determination.qa_at,
        created_by=by if by is not None and by.is_authenticated else None,
    )
    return letter, False


def _maybe_mark_signed(case: Case, *, by) -> None:
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if locked.status != Status.DETERMINED:
        return
    renditions = set(Letter.objects.current().filter(case=locked).values_list("rendition", flat=True))
    if renditions >= set(Rendition.values):
        transition(locked, Status.LETTER_SIGNED, by=by, note="Determination letter signed.")
        case.status = locked.status


def generate_letter(case: Case, *, rendition: str, by=None, reason: str = "") -> Letter:
    """Render, sign, store and register one rendition of the case's letter; idempotent.

    If a current signed letter of the same approved determination exists it is returned untouched. A letter for an
    older determination, or a ``reason`` (a correction), gives a new version that supersedes the current one.
    Two workers racing may both render, but only the first to register wins; the other's work is discarded.
    The case moves DETERMINED → LETTER_SIGNED once both renditions are signed.
    """
    if rendition not in Rendition.values:
        raise LetterError(f"Unknown rendition {rendition!r}: use {' or '.join(Rendition.values)}.")
    determination = rendering.approved_determination(case)
    with transaction.atomic():
        letter, done = _claim(case, rendition, determination, by=by, reason=reason)
    if done:
        return letter
    rendered, data, setup = _render_and_sign(case, determination, letter, rendition)
    return _store_signed(case, determination, letter, rendered, data, setup, by=by)


def _render_and_sign(case: Case, determination, letter: Letter, rendition: str):
    """The letter's PDF, rendered and signed. A failure is recorded on the letter row (FAILED, with the error) and
    raised again."""
    try:
        setup = signing_setup()
        rendered = rendering.render_letter_pdf(
            case,
            determination,
            rendition=rendition,
            verification_code=letter.verification_code,
            version=letter.version,
            signed_on=timezone.localdate(),
            pdf_variant=setup.pdf_variant,
        )
        data = sign_rendered(rendered, setup=setup)
    except Exception as error:
        Letter.objects.filter(pk=letter.pk, state=Letter.State.GENERATING).update(
            state=Letter.State.FAILED, error=f"{type(error).__name__}: {error}"[:2000]
        )
        logger.exception("Letter %s of case %s failed", rendition, case.case_number)
        raise
    return rendered, data, setup


@transaction.atomic
def _store_signed(case: Case, determination, letter: Letter, rendered, data: bytes, setup, *, by) -> Letter:
    """Register the signed PDF on its claimed row (under the case's lock), unless another worker finished it first."""
    Case.objects.select_for_update().get(pk=case.pk)
    fresh = Letter.objects.select_for_update().get(pk=letter.pk)
    if fresh.state == Letter.State.SIGNED:
        return fresh  # another worker finished this very row first
    now = timezone.now()
    if fresh.supersedes_id:
        Letter.objects.filter(pk=fresh.supersedes_id, superseded_at__isnull=True).update(superseded_at=now)
    # A worker killed after writing this row's file but before its commit left the file behind: replace it.
    name = fresh.file.field.generate_filename(fresh, letter_upload_name(fresh))
    if fresh.file.storage.exists(name):
        fresh.file.storage.delete(name)
    fresh.file.save(letter_upload_name(fresh), ContentFile(data), save=False)
    fresh.sha256 = hashlib.sha256(data).hexdigest()
    fresh.size = len(data)
    fresh.page_count = rendered.page_count
    fresh.certificate_fingerprint = setup.fingerprint
    fresh.signed_at = now
    fresh.timestamped = bool(settings.TIMESTAMP_URL)
    fresh.state = Letter.State.SIGNED
    fresh.error = ""
    fresh.save()
    record_event(
        by,
        "letter.signed",
        fresh,
        case=case.case_number,
        rendition=fresh.rendition,
        version=fresh.version,
        sha256=fresh.sha256,
    )
    # The letter of an approval is signed in the name of the QA who approved it (the task has no user).
    _maybe_mark_signed(case, by=by or determination.qa_by)
    return fresh


def letter_upload_name(letter: Letter) -> str:
    return f"{letter.case.case_number}-{letter.rendition}-v{letter.version}.pdf"


def generate_letters(case: Case, *, by=None) -> list[Letter]:
    """Both renditions (the parties' letter first)."""
    return [generate_letter(case, rendition=rendition, by=by) for rendition in (Rendition.PARTIES, Rendition.PUBLIC)]


def request_letter(case: Case, *, by) -> None:
    """Someone asks for the missing letter of a determined case: queue the letter task after commit (the task is
    idempotent, so a second request, or the sweep, makes no second letter). Refused once the letters are signed, and
    for a case with no approved determination."""
    from letters.tasks import generate_letter

    if case.status != Status.DETERMINED:
        raise LetterError(f"{case.case_number} is {case.get_status_display().lower()}: its letters are made already.")
    if not case.determinations.filter(state=Determination.State.APPROVED).exists():
        raise LetterError(f"{case.case_number} has no approved determination: there is no letter to make.")
    record_event(by, "letter.requested", case, case=case.case_number)
    transaction.on_commit(lambda: generate_letter.delay(case.pk), robust=True)


def issue_correction(case: Case, *, by, reason: str, renditions: tuple[str, ...] | None = None) -> list[Letter]:
    """A new signed version of the case's letters, from its approved determination as it stands now.

    The old versions stay in the register, marked superseded (by which version, when).
    """
    reason = (reason or "").strip()
    if not reason:
        raise LetterError("Say why the letter is corrected: the reason is kept with the new version.")
    renditions = renditions or (Rendition.PARTIES, Rendition.PUBLIC)
    current = set(Letter.objects.current().filter(case=case).values_list("rendition", flat=True))
    missing = [rendition for rendition in renditions if rendition not in current]
    if missing:
        raise LetterError(
            f"Case {case.case_number} has no signed {' or '.join(missing)} letter to correct; generate it first."
        )
    return [generate_letter(case, rendition=rendition, by=by, reason=reason) for rendition in renditions]


# -- downloads and service ---------------------------------------------------------------------------------------


def record_download(letter: Letter, *, by, ip: str | None = None, in_bulk: bool = False) -> LetterDownload:
    return LetterDownload.objects.create(letter=letter, by=by, ip=ip or None, in_bulk=in_bulk)


@dataclass(frozen=True)
class Delivery:
    """One addressee served: which (``key`` of ``rendering.addressees``), who, where, and how."""

    key: str
    role: str
    name: str
    address: str
    method: str
    email: str = ""


# The ways a letter is served on one addressee (the portal method is for parties reading it there, not a service).
DELIVERY_METHODS = (Service.Method.MAIL, Service.Method.EMAIL, Service.Method.FAX)


def record_service(
    letter: Letter,
    *,
    by,
    served_on: date,
    deliveries: list[Delivery],
    note: str = "",
) -> list[Service]:
    """Record that a signed parties' letter was served on the given addressees, each by its own method.

    One :class:`Service` per method (when, how, to whom), each with its addressees as they stood that day
    (:class:`ServiceRecipient`, for the proof of service) and its ``letter.served`` audit event; the first service of
    a case's current letter moves the case to SERVED. The public redacted copy is published, never served."""
    if letter.state != Letter.State.SIGNED:
        raise LetterError("Only a signed letter can be served.")
    if letter.rendition != Rendition.PARTIES:
        raise LetterError("The public redacted copy is published, not served on the parties.")
    if not deliveries:
        raise LetterError("Tick at least one addressee who was served.")
    unknown = sorted({delivery.method for delivery in deliveries} - set(DELIVERY_METHODS))
    if unknown:
        raise LetterError(f"Unknown service method {', '.join(map(repr, unknown))}: use mail, e-mail or fax.")
    if len({delivery.key for delivery in deliveries}) != len(deliveries):
        raise LetterError("An addressee is named twice.")
    if served_on > timezone.localdate():
        raise LetterError(f"The service date {served_on:%m/%d/%Y} is in the future.")
    by_method: dict[str, list[Delivery]] = {}
    for delivery in deliveries:
        by_method.setdefault(delivery.method, []).append(delivery)
    recorded = []
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=letter.case_id)
        for method, group in by_method.items():
            service = Service.objects.create(
                letter=letter,
                by=by,
                served_on=served_on,
                method=method,
                recipients=[f"{delivery.role}: {delivery.name}" for delivery in group],
                note=note,
            )
            ServiceRecipient.objects.bulk_create(
                ServiceRecipient(
                    service=service,
                    position=position,
                    key=delivery.key,
                    role=delivery.role,
                    name=delivery.name,
                    address=delivery.address,
                    email=delivery.email if method == Service.Method.EMAIL else "",
                )
                for position, delivery in enumerate(group)
            )
            record_event(
                by,
                "letter.served",
                letter,
                case=case.case_number,
                method=method,
                served_on=served_on.isoformat(),
                recipients=[delivery.key for delivery in group],
            )
            recorded.append(service)
        if case.status == Status.LETTER_SIGNED and letter.is_current:
            methods = " and ".join(service.get_method_display().lower() for service in recorded)
            transition(case, Status.SERVED, by=by, note=f"Letter served by {methods}.")
    return recorded


# -- verification ------------------------------------------------------------------------------------------------


class VerdictKind:
    AUTHENTIC_CURRENT = "authentic_current"
    AUTHENTIC_SUPERSEDED = "authentic_superseded"
    ALTERED = "altered"
    UNKNOWN = "unknown"


VERDICT_LABELS = {
    VerdictKind.AUTHENTIC_CURRENT: "Authentic and current",
    VerdictKind.AUTHENTIC_SUPERSEDED: "Authentic but superseded",
    VerdictKind.ALTERED: "Altered",
    VerdictKind.UNKNOWN: "Unknown",
}


@dataclass(frozen=True)
class Verdict:
    kind: str
    message: str
    letter: Letter | None = None  # the register entry the file is (or claims to be)
    current: Letter | None = None  # for a superseded letter: the version that replaces it
    signature_message: str = ""
    sha256: str = ""

    @property
    def label(self) -> str:
        return VERDICT_LABELS[self.kind]

    @property
    def is_authentic_current(self) -> bool:
        return self.kind == VerdictKind.AUTHENTIC_CURRENT


_CODE_RE = re.compile(rb"imr-verification:([0-9a-f]{20})")


def _claimed_code(data: bytes) -> str | None:
    """The verification code the file claims (in its metadata keywords), read without trusting the file."""
    match = _CODE_RE.search(data)
    if match:
        return match.group(1).decode()
    try:
        from pypdf import PdfReader

        keywords = (PdfReader(BytesIO(data)).metadata or {}).get("/Keywords") or ""
    except Exception:  # a damaged file claims nothing
        return None
    found = re.search(r"imr-verification:([0-9a-f]{20})", str(keywords))
    return found.group(1) if found else None


def latest_version(letter: Letter) -> Letter:
    while True:
        try:
            letter = letter.superseded_by
        except Letter.DoesNotExist:
            return letter


def _when(value: datetime | None) -> str:
    return timezone.localtime(value).strftime("%m/%d/%Y %I:%M %p %Z") if value else "an unknown date"


def verify_letter_bytes(
    data: bytes, *, checked: tuple[signing.VerificationResult, str | None] | None = None
) -> Verdict:
    """Is this file a letter the organization signed, unchanged, and still the current version?

    The register's SHA-256 decides "ours, byte for byte"; the PAdES signature (``verify_pdf`` against the trust
    roots) tells a changed file from a foreign one; the verification code the file carries names the letter it
    claims to be. ``checked``: the signature result and claimed code, already read by a bounded worker
    (``letters.verify_guard``).
    """
    digest = hashlib.sha256(data).hexdigest()
    setup = signing_setup()
    if checked is None:
        checked = signing.verify_pdf(bytes(data), setup.trust_roots), _claimed_code(data)
    result, code = checked
    letter = (
        Letter.objects.signed().filter(sha256=digest).select_related("case", "determination").order_by("pk").first()
    )
    if letter is not None:
        name = f"{letter.case.case_number}, {letter.get_rendition_display().lower()}, version {letter.version}"
        if letter.superseded_at is None:
            return Verdict(
                VerdictKind.AUTHENTIC_CURRENT,
                f"This is the letter {name}, signed on {_when(letter.signed_at)}, unchanged, and it is the "
                "current version.",
                letter=letter,
                signature_message=result.message,
                sha256=digest,
            )
        latest = latest_version(letter)
        return Verdict(
            VerdictKind.AUTHENTIC_SUPERSEDED,
            f"This is the letter {name}, signed on {_when(letter.signed_at)} and unchanged, but it was superseded on "
            f"{_when(letter.superseded_at)} by version {latest.version} (signed {_when(latest.signed_at)}).",
            letter=letter,
            current=latest,
            signature_message=result.message,
            sha256=digest,
        )
    claimed = Letter.objects.select_related("case").filter(verification_code=code).first() if code else None
    if result.signed and (not result.intact or not result.valid or (result.trusted and not result.covers_whole_file)):
        which = f" It claims to be letter {claimed.case.case_number} version {claimed.version}." if claimed else ""
        return Verdict(
            VerdictKind.ALTERED,
            "This file was changed after it was signed: it is not the letter that was issued." + which,
            letter=claimed,
            signature_message=result.message,
            sha256=digest,
        )
    if result.authentic:
        message = (
            "The file carries a valid signature of the organization, but it is not a letter in the register "
            "(for example a draft rendered outside the register). Ask for the registered letter."
        )
    elif result.signed:
        message = "The file is signed, but not by a certificate of the organization. It is not one of its letters."
    else:
        message = "This file is not a signed letter of the organization (" + result.message.rstrip(".") + ")."
    return Verdict(VerdictKind.UNKNOWN, message, letter=None, signature_message=result.message, sha256=digest)
