"""Measure the precedent importer over a folder of published decisions; print (or write) a Markdown report.

    python manage.py precedent_accuracy ../shared/imr/letters -o docs/precedent-accuracy.md

The importer reads each PDF of ``<letters>/pdf`` (its text extracted in the portal) and saves it; what it saved is
read back from the database and compared, field by field, with expected values built here by a deliberately
different route that shares no code with the importer: from ``<letters>/text`` (the same letters as
``pdftotext -layout`` printed them), the whole text flattened to one line per section, then plain regular
expressions over sentences (a heading is the last sentence before ": Upheld"/": Overturned" and "Claims
Administrator guideline:", from "... was the original request." on for a modified request), and
the header table cut into cells at runs of two or more spaces. Everything runs in a transaction that is rolled back.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from django.db import transaction

from precedents.importer import import_letter

REFERENCE_MTUS_CHAPTERS = (
    # DOMAIN.md's list of the MTUS chapters cited in real letters (plus the Elbow Complaints wording some letters use).
    "Chronic Pain Medical Treatment 2016",
    "Low Back Complaints 2004",
    "Shoulder Complaints 2004",
    "Acupuncture Treatment 2007",
    "Neck and Upper Back Complaints 2004",
    "Knee Complaints 2004",
    "Opioid Treatment 2016",
    "General Approaches 2004",
    "Elbow Disorders 2007",
    "Elbow Complaints 2007",
    "Forearm, Wrist, and Hand Complaints 2004",
    "Postsurgical Treatment 2009",
    "Ankle and Foot Complaints 2004",
    "Stress Related Conditions 2004",
    "Chronic Pain Medical Treatment 2009",
)
FIELDS = (
    "case number",
    "date assigned",
    "date of injury",
    "decision date",
    "UR denial date",
    "application received",
    "priority",
    "licensure",
    "certifications",
    "clinical case summary",
    "number of items",
    "item heading",
    "item outcome",
    "UR modified (original / authorized)",
    "claims administrator: no evidence cited",
    "claims administrator: MTUS chapters",
    "reviewer: no evidence cited",
    "reviewer: MTUS chapters",
    "reviewer: MTUS sections",
    "reviewer: Non-MTUS citation",
    "rationale",
)
ITEM_FIELDS = FIELDS[FIELDS.index("item heading") :]


def flat(text: str) -> str:
    return " ".join(text.replace("\f", " ").split())


def _iso(value: str | None) -> str | None:
    return datetime.strptime(value, "%m/%d/%Y").date().isoformat() if value else None


# -- the independent route: expected values from the text -------------------------------------------------------


def _header_cells(text: str) -> dict[str, str]:
    head = text.split("HOW THE IMR FINAL DETERMINATION WAS MADE", 1)[0]
    cells: dict[str, str] = {}
    for line in head.replace("\f", "").splitlines():
        parts = [part for part in re.split(r"\s{2,}", line.strip()) if part]
        label = None
        for part in parts:
            if part.endswith(":") or part == "Application":
                label = part.rstrip(":")
            elif label:
                cells[label] = part
                label = None
    return cells


def _chapters(line: str) -> list[str]:
    return sorted(chapter for chapter in REFERENCE_MTUS_CHAPTERS if f"{chapter}" in line)


_CHAPTER_NAMES = "|".join(re.escape(chapter) for chapter in REFERENCE_MTUS_CHAPTERS)


def _guideline(line: str) -> dict[str, Any]:
    mtus_part = line.split("Non-MTUS Citation", 1)[0]
    mtus_part = re.split(r"\.\s*(?:The Expert Reviewer|The Claims Administrator|Decision based on)", mtus_part)[0]
    # "Section(s): A, B, and <next chapter>, Section(s): C, D": every list, without the next chapter's name.
    sections = []
    for part in mtus_part.split("Section(s):")[1:]:
        part = re.sub(rf",?\s*(?:and\s+)?(?:{_CHAPTER_NAMES}),?\s*$", "", part.strip())
        sections.append(part.strip().rstrip(".").strip())
    non_mtus = re.search(r"Non-MTUS Citation\s*(.*?)\.?\s*$", line)
    return {
        "none": "did not cite any medical evidence" in line,
        "chapters": _chapters(mtus_part),
        "sections": ", ".join(sections),
        "non_mtus": non_mtus.group(1).strip() if non_mtus else "",
    }


_SENTENCE_END = re.compile(r"(?:[.?!][\"')\u201d]*|set forth below:)\s+(?=\S)")
_ITEM = re.compile(
    r"(?P<heading>.*?):\s*(?P<outcome>Upheld|Overturned)\s+Claims Administrator guideline:\s*(?P<ca>.*?)\s+"
    r"(?P<org>[A-Z][A-Za-z]+) guideline:\s*(?P<rev>.*?)\s+Decision rationale:\s*(?P<rationale>.*)$"
)


def reference(text: str) -> dict[str, Any]:
    """Expected values of one letter, from its text alone. A word hyphenated at the end of a line is joined.

    Long on purpose: the independent reading of the accuracy report is one straight pass over the letter, field by
    field, kept deliberately unlike the importer's structure so that the two cannot share a mistake."""
    cells = _header_cells(text)
    body = flat(re.sub(r"(?<=\w)-[ \t]*\n[\f \t]*(?=\w)", "-", text))
    how, rest = body.split("HOW THE IMR FINAL DETERMINATION WAS MADE", 1)[1].split("CLINICAL CASE SUMMARY", 1)
    summary, issues = rest.split("IMR ISSUES, DECISIONS AND RATIONALES", 1)
    licensure = re.search(r"State\(s\) of Licensure:\s*(.*?)\s*Certification\(s\)/Specialty:", how)
    certifications = re.search(r"Certification\(s\)/Specialty:\s*(.*)$", how)
    summary = summary.split("including all medical records:", 1)[-1].strip()
    # Items: cut the issues section at every "Claims Administrator guideline:"; the heading of an item is the text
    # after the previous rationale's last "... medically necessary." sentence (or after "set forth below:").
    pieces = issues.split(" Claims Administrator guideline:")
    items: list[dict[str, Any]] = []
    previous_tail = pieces[0]
    for number, piece in enumerate(pieces[1:], start=1):
        # The heading is the last sentence; a modified request's heading, from its "... was the original request."
        ends = list(_SENTENCE_END.finditer(previous_tail))
        heading_start = ends[-1].end() if ends else 0
        if re.match(r"The (?:remaining IMR eligible portion|original request)", previous_tail[heading_start:]):
            cut = previous_tail.rfind(" was the original request", 0, heading_start)
            ends = list(_SENTENCE_END.finditer(previous_tail[:cut]))
            heading_start = ends[-1].end() if ends else 0
        heading_text = (previous_tail + " ")[heading_start:].strip()
        rationale_of_previous = (previous_tail + " ")[:heading_start].strip()
        if items:
            items[-1]["rationale"] = rationale_of_previous
        match = re.match(r"(?P<heading>.*):\s*(?P<outcome>Upheld|Overturned)$", heading_text)
        org = re.search(r"\s(?:[A-Z][A-Za-z]+) guideline:\s", piece)
        ca_line = piece[: org.start()] if org else piece
        rest_of_piece = piece[org.end() :] if org else ""
        reviewer_line, _, after = rest_of_piece.partition(" Decision rationale:")
        heading = match.group("heading") if match else heading_text
        modified = re.match(
            r"(?P<original>.+?) was the original request\. (?:(?P<authorized>.+?) was authorized by the Claims "
            r"Administrator|The Claims Administrator authorized (?P<whole>.+?), leaving the original request IMR "
            r"eligible)\. The (?:remaining IMR eligible portion of the original request|original request),? "
            r"(?P<portion>.+?)(?: is)?$",
            heading,
        )
        items.append(
            {
                "heading": modified.group("portion") if modified else heading,
                "outcome": match.group("outcome").lower() if match else None,
                "modified": (
                    (modified.group("original"), modified.group("authorized") or modified.group("whole"))
                    if modified
                    else None
                ),
                "claims_administrator": _guideline("Claims Administrator guideline: " + ca_line.strip()),
                "reviewer": _guideline(reviewer_line.strip()),
                "rationale": None,
                "number": number,
            }
        )
        previous_tail = after
    if items:
        items[-1]["rationale"] = previous_tail.strip()
    return {
        "case number": cells.get("Case Number"),
        "date assigned": _iso(cells.get("Date Assigned")),
        "date of injury": _iso(cells.get("Date of Injury")),
        "decision date": _iso(cells.get("Decision Date")),
        "UR denial date": _iso(cells.get("UR Denial Date")),
        "application received": _iso(cells.get("Application")),
        "priority": (cells.get("Priority") or "").lower() or None,
        "licensure": [part.strip() for part in licensure.group(1).split(",")] if licensure else [],
        "certifications": [part.strip() for part in certifications.group(1).split(",")] if certifications else [],
        "clinical case summary": summary,
        "items": items,
    }


# -- what the importer saved ------------------------------------------------------------------------------------


def imported(precedent) -> dict[str, Any]:
    """The same fields, read back from the precedent and its case as saved."""
    case = precedent.case
    items = []
    for row in precedent.items.prefetch_related("citations").order_by("position"):
        item = row.item
        decision = item.decisions.order_by("-determination__version").first()
        basis = decision.basis if decision else {}
        ca_basis = item.claims_administrator_basis or {}
        items.append(
            {
                "heading": row.description,
                "outcome": row.decision,
                "modified": (row.original_request, row.authorized) if row.ur_outcome == "modified" else None,
                "claims_administrator": {
                    "none": not (ca_basis.get("mtus") or ca_basis.get("non_mtus")),
                    "chapters": sorted(citation["chapter"] for citation in ca_basis.get("mtus") or []),
                },
                "reviewer": {
                    "none": row.no_evidence_cited,
                    "chapters": sorted(citation["chapter"] for citation in basis.get("mtus") or []),
                    "sections": [s for citation in basis.get("mtus") or [] for s in citation.get("sections") or []],
                    "non_mtus": basis.get("non_mtus") or [],
                },
                "rationale": row.rationale,
            }
        )
    credentials = case.reviewer_credentials or {}
    return {
        "case number": case.case_number,
        "date assigned": case.assigned_date.isoformat() if case.assigned_date else None,
        "date of injury": case.date_of_injury.isoformat() if case.date_of_injury else None,
        "decision date": case.decision_date.isoformat() if case.decision_date else None,
        "UR denial date": case.ur_determination_date.isoformat() if case.ur_determination_date else None,
        "application received": case.application_received.isoformat() if case.application_received else None,
        "priority": case.priority,
        "licensure": credentials.get("licensure") or [],
        "certifications": credentials.get("certifications") or [],
        "clinical case summary": precedent.summary,
        "items": items,
    }


# -- comparison ---------------------------------------------------------------------------------------------------


def _sections_right(expected: str, sections: list[str]) -> bool:
    """Every section the importer read, in the order of the letter's "Section(s):" list, and nothing else."""
    return flat(expected).rstrip(".") == flat(", ".join(sections)).rstrip(".")


def compare_item(expected: dict, actual: dict) -> dict[str, bool]:
    e_ca, a_ca, e_rev, a_rev = expected["claims_administrator"], actual["claims_administrator"], {}, {}
    e_rev, a_rev = expected["reviewer"], actual["reviewer"]
    return {
        "item heading": flat(expected["heading"]) == flat(actual["heading"]),
        "item outcome": expected["outcome"] == actual["outcome"],
        "UR modified (original / authorized)": (
            expected["modified"] == actual["modified"]
            if expected["modified"] is None or actual["modified"] is None
            else tuple(map(flat, expected["modified"])) == tuple(map(flat, actual["modified"]))
        ),
        "claims administrator: no evidence cited": e_ca["none"] == a_ca["none"],
        "claims administrator: MTUS chapters": e_ca["chapters"] == a_ca["chapters"],
        "reviewer: no evidence cited": e_rev["none"] == a_rev["none"],
        "reviewer: MTUS chapters": e_rev["chapters"] == a_rev["chapters"],
        "reviewer: MTUS sections": _sections_right(e_rev["sections"], a_rev["sections"]),
        "reviewer: Non-MTUS citation": flat(e_rev["non_mtus"]).rstrip(".")
        == flat(" ".join(a_rev["non_mtus"])).rstrip("."),
        "rationale": flat(expected["rationale"] or "") == flat(actual["rationale"]),
    }


def compare(expected: dict, actual: dict) -> tuple[dict[str, bool], list[dict[str, bool]]]:
    letter = {
        name: (
            flat(expected[name]) == flat(actual[name])
            if name == "clinical case summary"
            else expected[name] == actual[name]
        )
        for name in FIELDS[: FIELDS.index("number of items")]
    }
    letter["number of items"] = len(expected["items"]) == len(actual["items"])
    items = [compare_item(e, a) for e, a in zip(expected["items"], actual["items"], strict=False)]
    return letter, items


@dataclass
class Measurement:
    letters: int = 0
    imported: int = 0
    items: int = 0
    right: Counter = field(default_factory=Counter)
    totals: Counter = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)
    wrong: dict[str, list[str]] = field(default_factory=dict)

    def note(self, name: str, ok: bool, where: str) -> None:
        self.totals[name] += 1
        if ok:
            self.right[name] += 1
        else:
            self.wrong.setdefault(name, []).append(where)


def measure(letters: Path) -> Measurement:
    """Import every PDF of ``letters/pdf`` (rolled back afterwards) and compare it with ``letters/text``."""
    pdfs = sorted((letters / "pdf").glob("*.pdf"))
    result = Measurement(letters=len(pdfs))
    with transaction.atomic():
        for pdf in pdfs:
            report = import_letter(pdf.read_bytes(), pdf.name)
            if not report.ok:
                result.failures.append(f"{pdf.name}: {'; '.join(report.problems)}")
                for name in FIELDS:
                    result.note(name, False, pdf.stem)
                continue
            result.imported += 1
            expected = reference((letters / "text" / f"{pdf.stem}.txt").read_text(encoding="utf-8"))
            actual = imported(report.precedent)
            letter, items = compare(expected, actual)
            for name, ok in letter.items():
                result.note(name, ok, pdf.stem)
            result.items += len(expected["items"])
            for number, checks in enumerate(items, start=1):
                for name, ok in checks.items():
                    result.note(name, ok, f"{pdf.stem} item {number}")
            for number in range(len(items) + 1, len(expected["items"]) + 1):
                for name in ITEM_FIELDS:
                    result.note(name, False, f"{pdf.stem} item {number}")
        transaction.set_rollback(True)
    return result


def report(result: Measurement, command: str) -> str:
    lines = [
        "# Precedent importer: accuracy on the published decisions",
        "",
        f"Command: `{command}`",
        "",
        "Each PDF is imported as the portal imports it (text extracted with `pdftotext -layout`, parsed, saved as a",
        "closed case flagged as a precedent); what was saved is read back from the database and compared with",
        "expected values built independently from the `letters/text` files by `precedents/accuracy.py` (flattened",
        "text, sentence-level regular expressions, header cells split at runs of spaces; no code shared with the",
        "importer). Whitespace is normalized before comparing; everything else must be equal. Where the two",
        "readings first disagreed, the letter was read by hand and the wrong side fixed; five letters are also",
        "checked field by field against hand-read values in `tests/precedents/test_parser.py` (CM16-0213037,",
        "CM16-0232543, CM16-0239190, CM16-0249724, CM16-0240259). `tests/precedents/test_import.py` fails if any",
        "decision stops importing or any field here is not 100%.",
        "",
        f"- Decisions: **{result.imported} of {result.letters} imported**",
        f"- Items: {result.items}",
        "",
        "| field | exactly right | of | share |",
        "| --- | ---: | ---: | ---: |",
    ]
    for name in FIELDS:
        total = result.totals[name]
        share = f"{100 * result.right[name] / total:.1f}%" if total else "—"
        lines.append(f"| {name} | {result.right[name]} | {total} | {share} |")
    if result.failures:
        lines += ["", "## Not imported", ""] + [f"- {failure}" for failure in result.failures]
    if result.wrong:
        lines += ["", "## Differences", ""]
        for name, places in result.wrong.items():
            lines.append(f"- {name}: {', '.join(places[:20])}{' …' if len(places) > 20 else ''}")
    return "\n".join(lines) + "\n"
