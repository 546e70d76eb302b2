"""From a case and its approved determination to the letter's HTML and PDF (unsigned).

Two renditions share one set of templates (``templates/letters/``): the parties' letter, and the public redacted copy
in the layout the DWC publishes. Everything organization-specific comes from settings, never from the templates.
The reviewer is described by credentials only: no template is given the reviewer's name.
"""

from __future__ import annotations

import base64
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from cases.models import Case, Determination, DisputedItem, ItemDecision
from cases.wording import final_determination, item_heading
from core.models import Party
from guidelines.citations import (
    CLAIMS_ADMINISTRATOR,
    REVIEWER,
    Basis,
    format_guideline_line,
    review_organization_label,
)
from letters import pdf, redaction
from letters.models import Rendition
from reviewers.selectors import letter_credentials

TEMPLATES = {Rendition.PARTIES: "letters/letter_parties.html", Rendition.PUBLIC: "letters/letter_public.html"}

# What the whole-case determination means, in plain words, for the parties' first page.
MEANINGS = {
    "Uphold": (
        "The expert reviewer found that the disputed treatment is not medically necessary. The utilization review "
        "decision is upheld, and the claims administrator is not required to authorize the treatment."
    ),
    "Overturn": (
        "The expert reviewer found that the disputed treatment is medically necessary. The utilization review "
        "decision is overturned, and the claims administrator must authorize the treatment within five (5) working "
        "days of receiving this determination (8 CCR 9792.10.7)."
    ),
    "Partial Overturn": (
        "The expert reviewer found that some of the disputed treatment is medically necessary and some is not. The "
        "items marked Overturned below must be authorized by the claims administrator within five (5) working days "
        "of receiving this determination (8 CCR 9792.10.7); the items marked Upheld need not be authorized."
    ),
}


class LetterNotReady(ValueError):
    """The case has no approved determination to put in a letter."""


@dataclass(frozen=True)
class LetterItem:
    heading_text: str  # the heading as one string, exactly as printed ("X: Upheld")
    lead: str  # the bold part of the heading
    outcome: str  # "Upheld" / "Overturned"
    modified: bool
    claims_administrator_line: tuple[str, str]  # ("Claims Administrator guideline:", "Decision based on ...")
    reviewer_line: tuple[str, str]  # ("<Organization> guideline:", "...")
    rationale_paragraphs: list[str]
    decision: str


def approved_determination(case: Case) -> Determination:
    """The latest approved version of the case's determination (imported closed cases have version 1)."""
    determination = (
        case.determinations.filter(state=Determination.State.APPROVED).order_by("-version").select_related().first()
    )
    if determination is None:
        raise LetterNotReady(f"Case {case.case_number} has no approved determination: there is no letter to make.")
    return determination


def paragraphs(text: str) -> list[str]:
    """Paragraphs of a text typed with blank lines between them; the lines inside a paragraph are joined."""
    blocks = [" ".join(block.split()) for block in (text or "").replace("\r\n", "\n").split("\n\n")]
    return [block for block in blocks if block]


def _split_label(label_line: str) -> tuple[str, str]:
    label, _, text = label_line.partition(" guideline: ")
    return f"{label} guideline:", text


def with_pages(basis: Basis, refs: list[dict[str, Any]]) -> Basis:
    """The basis with the pages of the library sections the reviewer picked (``ItemDecision.guideline_refs``): a
    page-specific section prints its pages, as the picker showed them ("Physical Medicine (p. 98-99)" → "... Physical
    Medicine Page(s): 98-99", the 2014 letters' form). A citation that already names its pages keeps them."""
    for citation in basis.mtus:
        if citation.pages is not None:
            continue
        pages = [
            str(ref["pages"])
            for section in citation.sections
            for ref in refs
            if ref.get("pages") and ref.get("chapter") == citation.chapter and ref.get("name") == section
        ]
        if pages:
            citation.pages = ", ".join(dict.fromkeys(pages))
    return basis


def _item(row: ItemDecision, organization: str, clean: Callable[[str], str]) -> LetterItem:
    item: DisputedItem = row.item
    heading = clean(item_heading(item, row.decision))
    outcome = dict(ItemDecision.Decision.choices).get(row.decision, "")
    lead = heading[: -len(outcome)].rstrip() if outcome and heading.endswith(outcome) else heading
    basis = Basis() if row.basis_none else with_pages(Basis.from_dict(row.basis or {}), row.guideline_refs or [])
    return LetterItem(
        heading_text=heading,
        lead=lead,
        outcome=outcome,
        modified=item.ur_outcome == DisputedItem.UrOutcome.MODIFIED,
        claims_administrator_line=_split_label(
            format_guideline_line(Basis.from_dict(item.claims_administrator_basis or {}), party=CLAIMS_ADMINISTRATOR)
        ),
        reviewer_line=_split_label(format_guideline_line(basis, party=REVIEWER, organization=organization)),
        rationale_paragraphs=paragraphs(clean(row.rationale)),
        decision=row.decision,
    )


def _unchanged(text: str) -> str:
    return text


def verification_url(code: str) -> str:
    return settings.IMR_PUBLIC_BASE_URL.rstrip("/") + reverse("letters:verify_code", args=[code])


def letter_context(
    case: Case,
    determination: Determination,
    *,
    rendition: str,
    verification_code: str = "",
    version: int = 1,
    signed_on: date | None = None,
    preview: bool = False,
) -> dict[str, Any]:
    """Everything a letter template prints. The reviewer appears by credentials only.

    ``preview``: an unsigned draft shown to the reviewer or QA, marked as such on every page; the credentials are
    the reviewer's as they stand (they are fixed on the case only when the determination is submitted)."""
    organization_short = review_organization_label()
    rows = list(determination.decisions.select_related("item").order_by("item__position", "item_id"))
    # The public copy never prints the names of the case's people (letters.redaction); the parties' letter does.
    clean = redaction.case_redactor(case).redact if rendition == Rendition.PUBLIC else _unchanged
    items = [_item(row, organization_short, clean) for row in rows]
    final = final_determination([row.decision for row in rows])
    credentials = case.reviewer_credentials or {}
    if preview and not credentials and case.reviewer_id:
        credentials = letter_credentials(case.reviewer)
    url = verification_url(verification_code) if verification_code else ""
    parties = []
    if rendition == Rendition.PARTIES:
        parties = addressees(case)
    return {
        "case": case,
        "rendition": rendition,
        "preview": preview,
        "determination": determination,
        "version": version,
        "organization_name": settings.IMR_ORGANIZATION_NAME,
        "organization_short_name": organization_short,
        "organization_address": settings.IMR_ORGANIZATION_ADDRESS,
        "organization_logo": organization_logo_data_uri(),
        "medical_director_name": settings.IMR_MEDICAL_DIRECTOR_NAME,
        "medical_director_title": settings.IMR_MEDICAL_DIRECTOR_TITLE,
        "licensure": credentials.get("licensure") or [],
        "certifications": credentials.get("certifications") or [],
        "summary_paragraphs": paragraphs(clean(determination.clinical_case_summary)),
        "items": items,
        "final_determination": final,
        "final_meaning": MEANINGS[final],
        "any_overturned": any(item.decision == ItemDecision.Decision.OVERTURNED for item in items),
        "decision_date": case.decision_date or timezone.localdate(),
        "signed_on": signed_on or timezone.localdate(),
        "verification_code": verification_code,
        "verification_url": url,
        "verification_qr": pdf.qr_code_svg(url) if url else "",
        "addressees": parties,
        "documents": list(case.documents.all()) if rendition == Rendition.PARTIES else [],
    }


def postal_address(party: Party | None) -> str:
    """A party's postal address as the letters print it: street lines, then "City, ST 95351" (core.Party)."""
    return party.postal_address if party is not None else ""


def _lines(*parts: str) -> str:
    return "\n".join(part for part in parts if part)


def _addressee(
    key: str, role: str, name: str, address: str, *, attention: str = "", email: str = "", fax: str = ""
) -> dict[str, Any]:
    return {
        "key": key,
        "role": role,
        "name": name,
        "attention": attention,
        "address": address,
        "postal": bool(address.strip()),
        "email": email,
        "fax": fax,
    }


def addressees(case: Case) -> list[dict[str, Any]]:
    """Who the parties' letter goes to (9792.10.7) and where: employee, attorney, requesting physician, claims
    administrator, employer, with the addresses kept on the case and its parties. Missing parties are left out, not
    printed empty. Each row's ``key`` names the addressee (a service records which ones were served); ``attention``
    is the line printed above the address on the letter (the physician's specialty, "Attn: <adjuster>"), never part
    of the address; ``address`` is the postal address alone (what a proof of service prints for mail), ``postal``
    whether there is one; ``email`` and ``fax`` where the letter can be e-mailed or faxed (for the claims
    administrator, the adjuster's own before the administrator's)."""
    rows = []
    if case.employee_name:
        rows.append(
            _addressee(
                "employee",
                "Injured worker",
                case.employee_name,
                case.employee_postal_address,
                email=case.employee_email,
                fax=case.employee_fax,
            )
        )
    if case.attorney_name or case.employee_attorney_id:
        firm = case.employee_attorney
        rows.append(
            _addressee(
                "attorney",
                "Attorney for the injured worker",
                case.attorney_name or str(firm),
                _lines(str(firm) if firm and case.attorney_name else "", postal_address(firm)),
                email=firm.email if firm else "",
                fax=firm.fax if firm else "",
            )
        )
        rows[-1]["postal"] = bool(postal_address(firm))
    if case.requesting_provider_id:
        provider = case.requesting_provider
        rows.append(
            _addressee(
                "requesting_physician",
                "Requesting physician",
                str(provider),
                postal_address(provider),
                attention=case.provider_specialty,
                email=provider.email,
                fax=provider.fax,
            )
        )
    if case.claims_administrator_id:
        administrator = case.claims_administrator
        rows.append(
            _addressee(
                "claims_administrator",
                "Claims administrator",
                str(administrator),
                postal_address(administrator),
                attention=f"Attn: {case.adjuster_name}" if case.adjuster_name else "",
                email=case.adjuster_email or administrator.email,
                fax=case.adjuster_fax or administrator.fax,
            )
        )
    employer = case.employer
    if employer is not None:
        rows.append(
            _addressee(
                "employer", "Employer", str(employer), postal_address(employer), email=employer.email, fax=employer.fax
            )
        )
    return rows


def served_at(row: dict[str, Any], method: str) -> tuple[str, str]:
    """(address, e-mail) a service by ``method`` used for this addressee, as the proof of service prints them: the
    postal address for mail, "Fax: number" for fax, the e-mail address for e-mail."""
    if method == "email":
        return "", row["email"]
    if method == "fax":
        return f"Fax: {row['fax']}" if row["fax"] else "", ""
    return row["address"], ""


def render_letter_html(case: Case, determination: Determination, *, rendition: str, **options: Any) -> str:
    if rendition not in Rendition.values:
        raise ValueError(f"rendition must be one of {', '.join(Rendition.values)}, not {rendition!r}")
    return render_to_string(TEMPLATES[rendition], letter_context(case, determination, rendition=rendition, **options))


def render_letter_pdf(
    case: Case, determination: Determination, *, rendition: str, pdf_variant: str = pdf.PDF_VARIANT, **options: Any
) -> pdf.RenderedPdf:
    """The unsigned, tagged PDF/A of one rendition (``pdf_variant``: the signer's, see ``signing.pdf_variant_for``)."""
    html = render_letter_html(case, determination, rendition=rendition, **options)
    return pdf.render_pdf(html, base_url=str(settings.BASE_DIR), pdf_variant=pdf_variant)


# -- checking a rendition against a published letter --------------------------------------------------------------

SECTION_HEADINGS = (
    "HOW THE IMR FINAL DETERMINATION WAS MADE",
    "CLINICAL CASE SUMMARY",
    "IMR ISSUES, DECISIONS AND RATIONALES",
)
_HEADER_VALUES = {
    "Case Number": r"Case Number:\s*(CM\d{2}-\d{7})",
    "Date Assigned": r"Date Assigned:\s*(\d\d/\d\d/\d{4})",
    "Date of Injury": r"Date of Injury:\s*(\d\d/\d\d/\d{4})",
    "Decision Date": r"Decision Date:\s*(\d\d/\d\d/\d{4})",
    "UR Denial Date": r"UR Denial Date:\s*(\d\d/\d\d/\d{4})",
    "Priority": r"Priority:\s*(Standard|Expedited)",
    "Application Received": r"Application(?:\s+Received:)?\s*(\d\d/\d\d/\d{4})",
}
_PUBLISHED_WORDING = re.compile(r"items/Service\b")
_PAGE_LINE = re.compile(r"^\s*Page \d+ of \d+\s*$")
_RUNNING_HEADER = re.compile(r"^\S.*\s{2,}Case Number: CM\d{2}-\d{7}\s*$")


def _body_lines(text: str) -> list[str]:
    """pdftotext -layout output without the page furniture our renditions add (running header, page numbers)
    and without the signature and verification block that follows the published content."""
    lines = [line for line in text.replace("\f", "\n").split("\n") if not _PAGE_LINE.match(line)]
    lines = [line for line in lines if not _RUNNING_HEADER.match(line)]
    joined = "\n".join(lines)
    cut = joined.rfind("Signed electronically by ")
    return (joined[:cut] if cut >= 0 else joined).split("\n")


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _first_difference(expected: str, actual: str) -> str:
    index = next((i for i, (a, b) in enumerate(zip(expected, actual, strict=False)) if a != b), None)
    if index is None:
        index = min(len(expected), len(actual))
    start = max(0, index - 40)
    return f"published …{expected[start : index + 40]}… / rendered …{actual[start : index + 40]}…"


_LOGO_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".svg": "image/svg+xml"}


@functools.lru_cache(maxsize=4)
def _logo_data_uri(path: str) -> str:
    file = Path(path)
    media_type = _LOGO_TYPES.get(file.suffix.lower())
    if media_type is None:
        raise ImproperlyConfigured(f"IMR_ORGANIZATION_LOGO={path}: use a PNG, JPEG or SVG file.")
    try:
        data = file.read_bytes()
    except OSError as error:
        raise ImproperlyConfigured(f"IMR_ORGANIZATION_LOGO={path} cannot be read: {error}") from None
    return f"data:{media_type};base64,{base64.b64encode(data).decode()}"


def organization_logo_data_uri() -> str:
    """The organization's logo from settings, inlined as a data: URI (the letter renderer fetches nothing else)."""
    path = settings.IMR_ORGANIZATION_LOGO
    return _logo_data_uri(path) if path else ""


def published_differences(published_text: str, rendered_text: str) -> list[str]:
    """How a rendered public copy differs from the published letter, whitespace aside (both as ``pdftotext
    -layout`` prints them): header values, the section headings and their order, then each section's text
    (the item headings and outcomes, both guideline lines and the rationales of every item). Empty: they match.
    """
    problems = []
    # The published letters' "disputed items/Service" is printed "disputed items/services" (issue 21, finding 6).
    published_text = _PUBLISHED_WORDING.sub("items/services", published_text)
    rendered_text = _PUBLISHED_WORDING.sub("items/services", rendered_text)
    published = "\n".join(_body_lines(published_text))
    rendered = "\n".join(_body_lines(rendered_text))
    for name, pattern in _HEADER_VALUES.items():
        expected, actual = re.search(pattern, published), re.search(pattern, rendered)
        expected_value = expected.group(1) if expected else None
        actual_value = actual.group(1) if actual else None
        if expected_value != actual_value:
            problems.append(f"header {name}: published {expected_value!r}, rendered {actual_value!r}")

    def sections(text: str) -> tuple[list[str], list[str]]:
        found = [(m.start(), m.group(0)) for h in SECTION_HEADINGS for m in re.finditer(re.escape(h), text)]
        found.sort()
        bodies = [
            text[start + len(h) : (found[i + 1][0] if i + 1 < len(found) else len(text))]
            for i, (start, h) in enumerate(found)
        ]
        return [h for _, h in found], bodies

    expected_headings, expected_bodies = sections(published)
    actual_headings, actual_bodies = sections(rendered)
    if expected_headings != actual_headings:
        problems.append(f"section headings: published {expected_headings}, rendered {actual_headings}")
        return problems
    for heading, expected, actual in zip(expected_headings, expected_bodies, actual_bodies, strict=True):
        expected_items = len(re.findall(r"Decision rationale:", expected))
        actual_items = len(re.findall(r"Decision rationale:", actual))
        if expected_items != actual_items:
            problems.append(f"{heading}: {expected_items} items published, {actual_items} rendered")
        if _squeeze(expected) != _squeeze(actual):
            problems.append(f"{heading}: text differs: {_first_difference(_squeeze(expected), _squeeze(actual))}")
    return problems
