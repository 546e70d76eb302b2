"""Read published (redacted) IMR determination letters into `imr-case/1` cases.

The input is what `pdftotext -layout` prints for a letter the DWC published: the two-column header table (2016-2017
letters only), then "HOW THE IMR FINAL DETERMINATION WAS MADE", "CLINICAL CASE SUMMARY" and "IMR ISSUES, DECISIONS
AND RATIONALES", with a form feed before each new page. The older 2014 letters have no header table, state the
reviewer's credentials in a sentence and come double-spaced; they are read as far as they go.

Published letters are redacted: names, the claim number, the diagnosis and the item categories are always null.

Convert a folder of letters::

    python -m precedents.parser LETTERS_DIR -o cases.json

(a folder of ``.txt`` or ``.pdf`` letters; a PDF's text is extracted with ``pdftotext -layout``, as published letters
were printed for the fixtures). ``precedents.importer`` stores what this reads as precedents.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from guidelines.citations import Basis, normalize_whitespace, parse_guideline_line

FORMAT = "imr-case/1"

HOW_HEADING = "HOW THE IMR FINAL DETERMINATION WAS MADE"
SUMMARY_HEADING = "CLINICAL CASE SUMMARY"
ISSUES_HEADING = "IMR ISSUES, DECISIONS AND RATIONALES"

_DATE = r"(\d{1,2}/\d{1,2}/\d{4})"
_HEADER_FIELDS = {
    "case_number": r"Case Number:[ \t]*(CM\d{2}-\d{7})",
    "assigned": rf"Date Assigned:[ \t]*{_DATE}",
    "injury": rf"Date of Injury:[ \t]*{_DATE}",
    "decision": rf"Decision Date:[ \t]*{_DATE}",
    "ur_determination": rf"UR Denial Date:[ \t]*{_DATE}",
    "priority": r"Priority:[ \t]*(Standard|Expedited)",
    # The last cell wraps: "Application   11/03/2016" and "Received:" on the line below.
    "application_received": rf"Application(?:\s+Received:)?[ \t]*{_DATE}|Received:[ \t]*{_DATE}",
}
_SUMMARY_INTRODUCTION = re.compile(r"^.*?including all medical records:\s*", re.DOTALL)
_ISSUES_INTRODUCTION = re.compile(r"set forth below:\s*$")
_CLAIMS_ADMINISTRATOR_LINE = re.compile(r"^Claims Administrator guideline:")
_ORGANIZATION_LINE = re.compile(r"^(?!Claims Administrator guideline:)[A-Z][A-Za-z0-9&.,'/ -]{0,80}? guideline:")
_NO_EVIDENCE = re.compile(r"\bdid not cite any medical evidence\b", re.IGNORECASE)
_RATIONALE_LINE = re.compile(r"^Decision rationale:\s*")
_HEADING = re.compile(r"^(?P<description>.+):\s*(?P<decision>Upheld|Overturned)\.?$", re.DOTALL)
# Where UR modified a request, the heading names the original request, the part the claims administrator authorized
# and the remaining IMR eligible portion that the reviewer decided, in several wordings:
#   "X was the original request. Y was authorized by the Claims Administrator. The remaining IMR eligible portion of
#    the original request, Z is: Upheld"
#   "X was the original request. The Claims Administrator authorized Y, leaving the original request IMR eligible.
#    The original request, Z is: Upheld"
#   "... The remaining IMR eligible portion of the original request is Z: Upheld" / "..., Z, is: Upheld" /
#   "... The remaining IMR eligible portion is Z: Upheld" / "Y were authorized by the Claims Administrator."
_MODIFIED_HEADING = re.compile(
    r"^(?P<original>.+?),? (?:was|were) the original request\.?\s+"
    r"(?:(?P<authorized>.+?),? (?:was|were) (?:authorized|approved|certified) by the Claims Administrator"
    r"|The Claims Administrator (?:authorized|approved|certified) (?P<authorized_whole>.+?)"
    r"(?:,? leaving the (?:original request|remainder|rest) IMR eligible)?)\.?\s+"
    r"The (?:(?:remaining )?IMR eligible portion(?: of the (?:original )?request)?|original request|remainder"
    r"(?: of the (?:original )?request)?)"
    r"(?:,\s*|\s+is:?\s+|\s+)"
    r"(?P<description>.+?),?(?:\s+is)?:\s*(?P<decision>Upheld|Overturned)\.?$",
    re.DOTALL | re.IGNORECASE,
)
_AGE = re.compile(r"\b(\d{1,3})[- ]years?[- ]old\b(?P<after>.{0,40})", re.IGNORECASE | re.DOTALL)
_SEX = re.compile(r"\b(male|female|man|woman|gentleman|lady)\b", re.IGNORECASE)
_SEXES = {"male": "male", "man": "male", "gentleman": "male", "female": "female", "woman": "female", "lady": "female"}


@dataclass
class _Line:
    """One line of the letter; `page_start` when it opens a new page (a form feed came before it)."""

    text: str
    page_start: bool = False

    @property
    def blank(self) -> bool:
        return not self.text.strip()


def _letter_lines(text: str) -> list[_Line]:
    raw_lines = text.replace("\r\n", "\n").split("\n")
    # Double-spaced text (2014 letters): an empty line follows every printed line and a line holding only spaces
    # ends a paragraph. The empty lines are dropped; the lines of spaces become the blank lines.
    double_spaced = sum(1 for raw in raw_lines if raw == "") > 0.8 * sum(1 for raw in raw_lines if raw.strip())
    lines = []
    page_start = False
    for raw in raw_lines:
        page_start = page_start or "\f" in raw
        if double_spaced and raw.replace("\f", "") == "":
            continue
        lines.append(_Line(raw.replace("\f", "").rstrip(), page_start))
        page_start = False
    return _drop_page_furniture(lines)


_PAGE_NUMBER = re.compile(r"^(?:Page\s+\d+(?:\s+of\s+\d+)?|-?\s*\d{1,3}\s*-?)$", re.IGNORECASE)
_CASE_NUMBER = re.compile(r"\bCM\d{2}-\d{7}\b")


def _drop_page_furniture(lines: list[_Line]) -> list[_Line]:
    """Remove running headers and footers: the first or last line of a page that is a page number, names the case
    number (past the header table of page one), or is repeated word for word (numbers aside) at the same edge of
    at least three pages and does not end like a sentence. None of the published letters has any."""
    pages: list[list[int]] = []
    for index, line in enumerate(lines):
        if line.page_start or not pages:
            pages.append([])
        pages[-1].append(index)
    if len(pages) < 2:
        return lines
    edges: dict[str, list[int]] = {"top": [], "bottom": []}
    for number, page in enumerate(pages):
        filled = [index for index in page if not lines[index].blank]
        if filled and number > 0:
            edges["top"].append(filled[0])
        if filled:
            edges["bottom"].append(filled[-1])

    def key(index: int) -> str:
        return re.sub(r"\d+", "#", normalize_whitespace(lines[index].text))

    furniture = set()
    for indexes in edges.values():
        counts: dict[str, int] = {}
        for index in indexes:
            counts[key(index)] = counts.get(key(index), 0) + 1
        for index in indexes:
            text = normalize_whitespace(lines[index].text)
            if (
                _PAGE_NUMBER.match(text)
                or (_CASE_NUMBER.search(text) and len(text) < 80 and index > pages[0][-1])
                or (counts[key(index)] >= 3 and not re.search(r"[.:;,]$", text))
            ):
                furniture.add(index)
    # The blank lines that set a header or footer apart go with it.
    for index in sorted(furniture):
        step = 1 if index in edges["top"] else -1
        neighbour = index + step
        while 0 <= neighbour < len(lines) and lines[neighbour].blank and not lines[neighbour].page_start:
            furniture.add(neighbour)
            neighbour += step
    kept: list[_Line] = []
    page_start = False
    for index, line in enumerate(lines):
        page_start = page_start or line.page_start
        if index in furniture:
            continue
        kept.append(_Line(line.text, page_start))
        page_start = False
    return kept


def _join(lines: Sequence[_Line]) -> str:
    # A date, a range or "15-pound" wrapped after its hyphen ("10-" / "17-2016") continues on the next line.
    text = re.sub(r"(?<=\d-)[ \t]*\n\s*(?=[^\W_])", "", "\n".join(line.text for line in lines))
    return normalize_whitespace(text)


def _paragraphs(lines: Sequence[_Line]) -> list[list[_Line]]:
    paragraphs: list[list[_Line]] = [[]]
    for line in lines:
        if line.blank:
            if paragraphs[-1]:
                paragraphs.append([])
        else:
            paragraphs[-1].append(line)
    return [paragraph for paragraph in paragraphs if paragraph]


def _text(lines: Sequence[_Line]) -> str:
    """Lines joined with single spaces, paragraphs separated by a blank line."""
    return "\n\n".join(_join(paragraph) for paragraph in _paragraphs(lines))


def _iso_date(value: str | None) -> str | None:
    if not value:
        return None
    try:
        return datetime.strptime(value, "%m/%d/%Y").date().isoformat()
    except ValueError:
        return None


def _find_heading(lines: Sequence[_Line], heading: str, start: int = 0) -> int | None:
    for index in range(start, len(lines)):
        if normalize_whitespace(lines[index].text).upper() == heading:
            return index
    return None


def _header(text: str) -> dict[str, str | None]:
    values: dict[str, str | None] = {}
    for name, pattern in _HEADER_FIELDS.items():
        match = re.search(pattern, text)
        values[name] = next((group for group in match.groups() if group), None) if match else None
    return values


def _split_list(text: str) -> list[str]:
    return [part.strip() for part in re.split(r",|\band\b", text) if part.strip()]


def _reviewer(lines: Sequence[_Line]) -> dict[str, list[str]]:
    text = _join(lines)
    licensure = re.search(r"State\(s\) of Licensure:\s*(.*?)\s*(?:Certification\(s\)/Specialty:|$)", text)
    certifications = re.search(r"Certification\(s\)/Specialty:\s*(.*)$", text)
    if licensure or certifications:
        return {
            "licensure": [part.strip() for part in licensure.group(1).split(",") if part.strip()] if licensure else [],
            "certifications": (
                [part.strip() for part in certifications.group(1).split(",") if part.strip()] if certifications else []
            ),
        }
    # 2014: "The expert reviewer is Board Certified in X has a subspecialty in Y and is licensed to practice in Z."
    board = re.search(
        r"Board Certified in (?P<board>.+?)(?:,? (?:and )?has a subspecialty in (?P<sub>.+?))?,? and is licensed to "
        r"practice in (?P<states>.+?)\.",
        text,
    )
    if not board:
        return {"licensure": [], "certifications": []}
    certified = [board.group("board")] + ([board.group("sub")] if board.group("sub") else [])
    return {"licensure": _split_list(board.group("states")), "certifications": certified}


def _employee(summary: str) -> dict[str, Any]:
    age = sex = None
    match = _AGE.search(summary)
    if match:
        age = int(match.group(1))
        found = _SEX.search(match.group("after"))
        sex = _SEXES[found.group(1).lower()] if found else None
    return {"name": None, "date_of_birth": None, "age": age, "sex": sex}


def _is_heading(text: str) -> bool:
    if not _HEADING.match(text) or text[:1].islower():
        return False
    # A fragment of a modified-item heading ("The original request, X is: Upheld") is not a heading.
    return "original request" not in text or bool(_MODIFIED_HEADING.match(text))


def _split_heading(lines: list[_Line], *, after_rationale: bool) -> tuple[list[_Line], list[_Line]]:
    """Split the lines between one item's "Decision rationale:" and the next item's guideline lines.

    Returns (rationale lines, heading lines). The heading is the last paragraph. At a page break pdftotext drops
    the blank line, so when the last paragraph is the rationale itself, the heading starts at the latest page break
    (or else the latest line after a finished sentence) from which the rest reads as a heading.
    """
    while lines and lines[-1].blank:
        lines = lines[:-1]
    paragraph_start = max((index + 1 for index, line in enumerate(lines) if line.blank), default=0)
    if not (after_rationale and paragraph_start == 0):
        return lines[:paragraph_start], lines[paragraph_start:]
    for breaks in (
        [index for index in range(1, len(lines)) if lines[index].page_start],
        [index for index in range(1, len(lines)) if re.search(r"[.!?\"')]$", lines[index - 1].text)],
    ):
        for index in reversed(breaks):
            if _is_heading(_join(lines[index:])):
                return lines[:index], lines[index:]
    return lines, []


def _item(heading: str, claims_administrator: str, reviewer: str, rationale: str) -> dict[str, Any]:
    modified = _MODIFIED_HEADING.match(heading)
    match = modified or _HEADING.match(heading)
    if not match:
        raise ValueError(f"cannot read the item heading {heading!r}")
    authorized = (modified.group("authorized") or modified.group("authorized_whole")) if modified else None
    return {
        "description": match.group("description").strip(),
        "category": None,
        "ur_outcome": "modified" if modified else "denied",
        "original_request": modified.group("original").strip() if modified else None,
        "authorized": authorized.strip() if authorized else None,
        "claims_administrator_basis": _basis(claims_administrator),
        "determination": {
            "decision": match.group("decision").lower(),
            "basis": _basis(reviewer),
            "rationale": rationale,
        },
    }


def _basis(line: str) -> dict[str, Any]:
    """The basis of a guideline line; text in no known form is kept whole as one citation outside the MTUS."""
    if _NO_EVIDENCE.search(line) and "Decision based on" not in line:
        return Basis().to_dict()
    try:
        return parse_guideline_line(line)[2].to_dict()
    except ValueError:
        body = line.split("guideline:", 1)[1]
        return Basis(non_mtus=[normalize_whitespace(body)]).to_dict()


def _items(lines: list[_Line]) -> list[dict[str, Any]]:
    start = next((index + 1 for index, line in enumerate(lines) if _ISSUES_INTRODUCTION.search(line.text)), 0)
    lines = lines[start:]
    anchors = [index for index, line in enumerate(lines) if _CLAIMS_ADMINISTRATOR_LINE.match(line.text)]
    items = []
    _, heading = _split_heading(lines[: anchors[0]] if anchors else [], after_rationale=False)
    for number, anchor in enumerate(anchors):
        end = anchors[number + 1] if number + 1 < len(anchors) else len(lines)
        organization = next((i for i in range(anchor + 1, end) if _ORGANIZATION_LINE.match(lines[i].text)), None)
        if organization is None:
            raise ValueError(f"item {number + 1}: no review organization guideline line")
        rationale_start = next((i for i in range(organization + 1, end) if _RATIONALE_LINE.match(lines[i].text)), None)
        if rationale_start is None:
            raise ValueError(f"item {number + 1}: no 'Decision rationale:'")
        if number + 1 < len(anchors):
            rationale, next_heading = _split_heading(lines[rationale_start:end], after_rationale=True)
        else:
            rationale, next_heading = lines[rationale_start:end], []
        first = _Line(_RATIONALE_LINE.sub("", rationale[0].text), rationale[0].page_start)
        items.append(
            _item(
                _join(heading),
                _join(lines[anchor:organization]),
                _join(lines[organization:rationale_start]),
                _text([first, *rationale[1:]]),
            )
        )
        heading = next_heading
    return items


def parse_published_letter(text: str) -> dict[str, Any]:
    """One case in `imr-case/1` form from a published letter's `pdftotext -layout` text.

    Raises ValueError when the text is not a letter (no issues section, an item that cannot be read).
    """
    lines = _letter_lines(text)
    how = _find_heading(lines, HOW_HEADING)
    summary = _find_heading(lines, SUMMARY_HEADING, how or 0)
    issues = _find_heading(lines, ISSUES_HEADING, summary or 0)
    if how is None or summary is None or issues is None:
        raise ValueError("not an IMR letter: missing one of its three section headings")
    header = _header("\n".join(line.text for line in lines[:how]))
    summary_text = _SUMMARY_INTRODUCTION.sub("", _text(lines[summary + 1 : issues]), count=1)
    items = _items(lines[issues + 1 :])
    if not items:
        raise ValueError("no disputed items found")
    priority = header["priority"]
    return {
        "case_number": header["case_number"],
        "priority": priority.lower() if priority else None,
        "status": "closed",
        "claim_number": None,
        "dates": {
            "injury": _iso_date(header["injury"]),
            "ur_determination": _iso_date(header["ur_determination"]),
            "application_received": _iso_date(header["application_received"]),
            "assigned": _iso_date(header["assigned"]),
            "records_received": None,
            "decision": _iso_date(header["decision"]),
        },
        "employee": _employee(summary_text),
        "employer": None,
        "claims_administrator": None,
        "employee_attorney": None,
        "requesting_provider": None,
        "diagnosis": None,
        "reviewer": _reviewer(lines[how + 1 : summary]),
        "clinical_case_summary": summary_text,
        "items": items,
    }


PDF_TIMEOUT = 60


class LetterFileError(ValueError):
    """A file that holds no letter text (not a PDF nor UTF-8 text, a PDF without a text layer, unreadable)."""


def pdf_text(data: bytes) -> str:
    """The text of a PDF as ``pdftotext -layout`` prints it (form feeds between pages); pypdf's layout mode where
    poppler is not installed. Raises LetterFileError for a file that is not a readable PDF."""
    if not data.startswith(b"%PDF-"):
        raise LetterFileError("not a PDF file (it does not start with %PDF-)")
    if shutil.which("pdftotext"):
        try:
            done = subprocess.run(
                ["pdftotext", "-layout", "-enc", "UTF-8", "-", "-"],
                input=data,
                capture_output=True,
                timeout=PDF_TIMEOUT,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise LetterFileError(f"pdftotext took longer than {PDF_TIMEOUT} s to read the PDF") from None
        if done.returncode != 0:
            message = done.stderr.decode("utf-8", "replace").strip().splitlines()
            raise LetterFileError(f"pdftotext could not read the PDF: {message[-1] if message else done.returncode}")
        text = done.stdout.decode("utf-8", "replace")
    else:  # pragma: no cover - poppler-utils is in the Makefile's APT_PACKAGES
        import io

        from pypdf import PdfReader
        from pypdf.errors import PdfReadError

        try:
            reader = PdfReader(io.BytesIO(data))
            text = "\f".join(page.extract_text(extraction_mode="layout") for page in reader.pages) + "\f"
        except (PdfReadError, ValueError, KeyError) as error:
            raise LetterFileError(f"pypdf could not read the PDF: {error}") from None
    if not text.replace("\f", "").strip():
        raise LetterFileError("the PDF has no text layer (a scan?): nothing to read")
    return text


def letter_text(data: bytes, name: str = "") -> str:
    """The letter's text from a file's bytes: a PDF (by its signature, whatever its name) or ``pdftotext -layout``
    text in UTF-8."""
    if data.startswith(b"%PDF-"):
        return pdf_text(data)
    if name.lower().endswith(".pdf"):
        raise LetterFileError("not a PDF file (it does not start with %PDF-)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise LetterFileError(f"neither a PDF nor UTF-8 text (byte {error.start} is not UTF-8)") from None


def published_letters_document(paths: Iterable[Path]) -> dict[str, Any]:
    """An `imr-case/1` document with one case per letter file (text or PDF), in the order given."""
    cases = []
    for path in paths:
        try:
            cases.append(parse_published_letter(letter_text(Path(path).read_bytes(), str(path))))
        except ValueError as error:
            raise ValueError(f"{path}: {error}") from error
    return {"format": FORMAT, "cases": cases}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Convert published IMR letters (PDF or text) to imr-case/1 JSON.")
    parser.add_argument("source", type=Path, help="a folder of .txt or .pdf letters, or one letter")
    parser.add_argument("-o", "--output", type=Path, help="the JSON file to write (default: standard output)")
    arguments = parser.parse_args(argv)
    paths = (
        sorted(path for path in arguments.source.iterdir() if path.suffix.lower() in (".txt", ".pdf"))
        if arguments.source.is_dir()
        else [arguments.source]
    )
    try:
        document = published_letters_document(paths)
    except ValueError as error:
        print(error, file=sys.stderr)
        return 1
    output = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    if arguments.output:
        arguments.output.write_text(output, encoding="utf-8")
        print(f"{len(document['cases'])} cases written to {arguments.output}", file=sys.stderr)
    else:
        sys.stdout.write(output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
