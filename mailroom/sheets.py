"""The records cover sheet: one page per document kind of the records checklist, whose QR code carries the case
number, the kind and a token only the portal can make.

The barcode's text is ``IMR1:<case number>:<kind code>:<token>``, e.g. ``IMR1:CM25-0001234:URR:Q5LX3WBR7K2MZ6TA``:
upper-case letters, digits and ``:-`` only, so the QR code uses its alphanumeric mode (version 3, 29 modules, at error
correction Q, which survives a quarter of the code blotted out by fax noise or a staple).

Why QR: it is read at any rotation and skew (a sheet fed crooked through a fax), it carries its own error correction,
``qrcode`` already draws the letters' verification codes, and zxing-cpp reads it (also DataMatrix, which would do as
well; a Code 128 of 38 characters is 4 inches wide and fails on a few degrees of skew and a streak of fax noise).

The token is an HMAC-SHA256 of the case number and the kind under the site's secret key (``SECRET_KEY``, salted for
this use; sheets signed under a key since rotated still read while it is in ``SECRET_KEY_FALLBACKS``), cut to 80 bits
and written in base32. Nothing is stored; the token cannot be computed from the case number, so a forged or altered
sheet (another case's number, another kind) files nothing: it goes to the exceptions queue.
"""

from __future__ import annotations

import base64
import hmac
from dataclasses import dataclass
from html import escape as escape_html

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.template.loader import render_to_string
from django.utils.crypto import salted_hmac

from cases.models import CASE_NUMBER_RE, Case, CaseDocument, RecordsDocument
from letters import pdf

PREFIX = "IMR1"
_SALT = "mailroom.cover-sheet"
_LINK_SALT = "mailroom.cover-sheet-link"
TOKEN_LENGTH = 16  # base32 characters: 80 bits

RecordsKind = RecordsDocument.Kind

# One sheet per line of the records checklist: code in the barcode → (the checklist line, the kind of document filed).
KINDS: dict[str, tuple[str, str]] = {
    "URD": (RecordsKind.UR_DECISION, CaseDocument.Kind.UR_DECISION),
    "URR": (RecordsKind.UR_RECORDS, CaseDocument.Kind.MEDICAL_RECORDS),
    "TRT": (RecordsKind.TREATING_REPORTS, CaseDocument.Kind.MEDICAL_RECORDS),
    "RFA": (RecordsKind.REQUEST_FOR_AUTHORIZATION, CaseDocument.Kind.MEDICAL_RECORDS),
    "COR": (RecordsKind.CORRESPONDENCE, CaseDocument.Kind.CORRESPONDENCE),
}


def _secrets() -> list[str]:
    return [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]


def _token(value: str, secret: str, salt: str = _SALT) -> str:
    digest = salted_hmac(salt, value, secret=secret, algorithm="sha256").digest()
    return base64.b32encode(digest[:10]).decode("ascii")


def sheet_token(case_number: str, code: str) -> str:
    return _token(f"{case_number}:{code}", settings.SECRET_KEY)


def token_is_valid(case_number: str, code: str, token: str) -> bool:
    return any(hmac.compare_digest(_token(f"{case_number}:{code}", secret), token) for secret in _secrets())


def link_token(case_number: str) -> str:
    """The token of the download link sent with the notice of assignment (another salt than the sheets')."""
    return _token(case_number, settings.SECRET_KEY, _LINK_SALT)


def link_token_is_valid(case_number: str, token: str) -> bool:
    return any(hmac.compare_digest(_token(case_number, secret, _LINK_SALT), token) for secret in _secrets())


def payload(case_number: str, code: str) -> str:
    return f"{PREFIX}:{case_number}:{code}:{sheet_token(case_number, code)}"


@dataclass(frozen=True)
class SheetReading:
    """What a barcode on a scanned page says, checked: ``problem`` is empty for a genuine sheet."""

    text: str
    case_number: str = ""
    code: str = ""
    problem: str = ""

    @property
    def records_kind(self) -> str:
        return KINDS[self.code][0]

    @property
    def document_kind(self) -> str:
        return KINDS[self.code][1]


def is_cover_sheet_text(text: str) -> bool:
    """A barcode of ours (other QR codes on a document's pages, such as a letter's verification code, are not)."""
    return text.startswith(PREFIX + ":")


def read_payload(text: str) -> SheetReading:
    """Check a barcode's text: its shape, the case number's form, the kind, and the token."""
    parts = text.split(":")
    if len(parts) != 4 or parts[0] != PREFIX:
        return SheetReading(text, problem="The barcode is not a records cover sheet of this portal.")
    _, case_number, code, token = parts
    if not CASE_NUMBER_RE.match(case_number):
        return SheetReading(text, problem=f"The cover sheet's case number {case_number!r} is not a case number.")
    if code not in KINDS:
        return SheetReading(text, case_number, problem=f"The cover sheet's document kind {code!r} is unknown.")
    if not token_is_valid(case_number, code, token):
        return SheetReading(
            text,
            case_number,
            code,
            problem="The cover sheet's token does not match its case (a forged or altered sheet).",
        )
    return SheetReading(text, case_number, code)


def qr_svg(text: str) -> str:
    """An inline ``<svg>`` QR code at error correction Q, sized by CSS; its ``<title>`` is the figure's alt text."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_Q, border=4)
    code.add_data(text)
    code.make(fit=True)
    svg = code.make_image(image_factory=qrcode.image.svg.SvgPathImage).to_string(encoding="unicode")
    svg = svg.replace(' id="qr-path"', "")  # one sheet a page: the same id on every page would be a duplicate anchor
    opening_end = svg.index(">") + 1
    return f"{svg[:opening_end]}<title>Barcode {escape_html(text)}</title>{svg[opening_end:]}"


def sheets_context(case: Case, codes: list[str] | None = None) -> dict:
    codes = codes or list(KINDS)
    return {
        "case_number": case.case_number,
        "claim_number": case.claim_number,
        "organization_name": settings.IMR_ORGANIZATION_NAME,
        "organization_address": settings.IMR_ORGANIZATION_ADDRESS,
        "records_fax": settings.IMR_RECORDS_FAX,
        "sheets": [
            {
                "code": code,
                "label": RecordsKind(KINDS[code][0]).label,
                "payload": payload(case.case_number, code),
                "qr": qr_svg(payload(case.case_number, code)),
            }
            for code in codes
        ],
    }


def render_cover_sheets(case: Case, codes: list[str] | None = None) -> bytes:
    """The case's cover sheets as one tagged PDF/A, a page per kind (all the checklist's kinds unless ``codes``)."""
    html = render_to_string("mailroom/cover_sheets.html", sheets_context(case, codes))
    return pdf.render_pdf(html, base_url=str(settings.BASE_DIR)).pdf
