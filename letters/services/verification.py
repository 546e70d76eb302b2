"""Is this file a letter the organization signed, unchanged, and still the current version?

The public verification page, the ``verify_letter`` command and the bounded verification child
(``letters.verify_guard``) ask here; the register and the signature decide.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime
from io import BytesIO

from django.utils import timezone
from pypdf import PdfReader

from letters import signing
from letters.models import Letter
from letters.services.signer import signing_setup


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


def claimed_code(data: bytes) -> str | None:
    """The verification code the file claims (in its metadata keywords), read without trusting the file."""
    match = _CODE_RE.search(data)
    if match:
        return match.group(1).decode()
    try:
        metadata = PdfReader(BytesIO(data)).metadata
        keywords = (metadata.get("/Keywords") if metadata else None) or ""
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
        checked = signing.verify_pdf(bytes(data), setup.trust_roots), claimed_code(data)
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
