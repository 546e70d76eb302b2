"""Import published IMR decisions into the precedent library, one file at a time, each in its own transaction.

A file (a PDF as the DWC publishes it, or its ``pdftotext -layout`` text) is read by ``precedents.parser``; the
decision is saved through the case interchange importer (``cases.interchange``) as a closed historical case, then
flagged as a precedent with one searchable row per item. Each file gets a report of what was read and what could
not be; a file that cannot be read leaves nothing behind. The same decision imported again changes nothing (its
parsed content has the same fingerprint) and the report says so.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from django.db import DatabaseError, connection, transaction

from cases.interchange import FORMAT, InterchangeError, import_document
from cases.lifecycle import Status
from cases.models import Case, Determination
from core.services import record_event
from guidelines.quantity import body_regions, treatment_kind
from precedents.models import Precedent, PrecedentCitation, PrecedentItem, PrecedentSearchRow
from precedents.parser import LetterFileError, letter_text, parse_published_letter

MAX_FILE_BYTES = 20 * 1024 * 1024
LETTER_SUFFIXES = (".pdf", ".txt")
# What can become of a file (``FileReport.status``).
STATUSES = ("imported", "linked", "unchanged", "refused")

# The body region a guideline chapter is about, for an item whose text names none ("Norco 10/325 #60").
CHAPTER_REGIONS = {
    "Low Back": "lumbar",
    "Neck and Upper Back": "cervical",
    "Shoulder": "shoulder",
    "Knee": "knee",
    "Elbow": "elbow",
    "Forearm, Wrist, and Hand": "wrist_hand",
    "Ankle and Foot": "ankle_foot",
    "Hip": "hip",
}


@dataclass
class FileReport:
    """What became of one file: ``imported``, ``linked`` (a historical case of the portal became a precedent),
    ``unchanged`` (already in the library, identical) or ``refused`` (nothing saved; ``problems`` says why)."""

    name: str
    status: str = "refused"
    case_number: str | None = None
    read: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    precedent: Precedent | None = None

    @property
    def ok(self) -> bool:
        return self.status != "refused"

    def summary(self) -> str:
        number = f" {self.case_number}" if self.case_number else ""
        if self.status == "imported":
            return f"{self.name}: imported{number}"
        if self.status == "linked":
            return f"{self.name}:{number} was already a closed case of the portal; now in the precedent library"
        if self.status == "unchanged":
            return f"{self.name}:{number} is already in the precedent library, identical: nothing updated"
        return f"{self.name}: not imported: " + "; ".join(self.problems)


def fingerprint(case: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(case, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()


def _us_date(value: str | None) -> str:
    return date.fromisoformat(value).strftime("%m/%d/%Y") if value else "—"


def describe(case: dict[str, Any]) -> tuple[list[str], list[str]]:
    """What was read from a parsed letter, and which parts of the letter's anatomy could not be found."""
    read, missing = [], []
    dates = case["dates"]
    labels = {
        "assigned": "date assigned",
        "injury": "date of injury",
        "decision": "decision date",
        "ur_determination": "UR denial date",
        "application_received": "application received",
    }
    found = [f"{label} {_us_date(dates[key])}" for key, label in labels.items() if dates[key]]
    read.append(
        f"Header: case {case['case_number'] or '—'}, priority {case['priority'] or '—'}"
        + (", " + ", ".join(found) if found else "")
    )
    missing += [f"header: {label}" for key, label in labels.items() if not dates[key]]
    if not case["case_number"]:
        missing.append("header: case number")
    if not case["priority"]:
        missing.append("header: priority")
    reviewer = case["reviewer"] or {}
    if reviewer.get("licensure") or reviewer.get("certifications"):
        read.append(
            "Reviewer: licensed in "
            + (", ".join(reviewer.get("licensure") or []) or "—")
            + "; "
            + (", ".join(reviewer.get("certifications") or []) or "—")
        )
    else:
        missing.append("the reviewer's credentials")
    summary = case["clinical_case_summary"] or ""
    if summary:
        read.append(f"Clinical case summary: {len(summary.split())} words")
    else:
        missing.append("the clinical case summary")
    decisions = [item["determination"]["decision"] for item in case["items"]]
    read.append(
        f"{len(decisions)} item{'s' if len(decisions) != 1 else ''}: "
        f"{decisions.count('upheld')} upheld, {decisions.count('overturned')} overturned"
    )
    for number, item in enumerate(case["items"], start=1):
        basis = item["determination"]["basis"]
        cited = [c["chapter"] + (f" ({', '.join(c['sections'])})" if c["sections"] else "") for c in basis["mtus"]]
        cited += basis["non_mtus"]
        modified = " (UR modified: remaining portion)" if item["ur_outcome"] == "modified" else ""
        read.append(
            f"Item {number}: {item['description']}{modified}: {item['determination']['decision'].capitalize()}; "
            f"cites {'; '.join(cited) if cited else 'no medical evidence'}"
        )
    return read, missing


def _labels(basis: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(kind, chapter, section) of every citation of a basis."""
    found = []
    for citation in basis.get("mtus") or []:
        for section in citation.get("sections") or [""]:
            found.append(("mtus", citation["chapter"][:300], section[:300]))
    for text in basis.get("non_mtus") or []:
        found.append(("non_mtus", text[:300], ""))
    return found


def _label_text(labels: list[tuple[str, str, str]]) -> str:
    return "; ".join(f"{chapter} — {section}" if section else chapter for _, chapter, section in labels)


def _region(description: str, labels: list[tuple[str, str, str]]) -> str:
    regions = body_regions(description)
    if regions:
        return regions[0]
    for _, chapter, _section in labels:
        for words, region in CHAPTER_REGIONS.items():
            if chapter.startswith(words):
                return region
    return ""


def make_precedent(case: Case, data: dict[str, Any], *, source_name: str = "", by=None) -> Precedent:
    """Flag a closed historical case as a precedent: its searchable items, from its approved determination."""
    if case.status != Status.CLOSED:
        raise ValueError(f"case {case.case_number} is not a closed historical case")
    determination = (
        case.determinations.filter(state=Determination.State.APPROVED).order_by("-version").first()
        or case.determinations.order_by("-version").first()
    )
    decisions = {decision.item_id: decision for decision in determination.decisions.all()} if determination else {}
    reviewer = case.reviewer_credentials or {}
    precedent = Precedent.objects.create(
        case=case,
        case_number=case.case_number,
        decision_date=case.decision_date,
        reviewer_licensure=", ".join(reviewer.get("licensure") or [])[:300],
        reviewer_specialty=", ".join(reviewer.get("certifications") or [])[:300],
        summary=determination.clinical_case_summary if determination else "",
        content_sha256=fingerprint(data),
        source_name=source_name[:255],
        imported_by=by if by is not None and by.is_authenticated else None,
    )
    citations = []
    for item in case.items.order_by("position", "pk"):
        decision = decisions.get(item.pk)
        basis = decision.basis if decision else {}
        labels = _labels(basis)
        claims_labels = _labels(item.claims_administrator_basis or {})
        row = PrecedentItem.objects.create(
            precedent=precedent,
            item=item,
            position=item.position,
            description=item.description,
            original_request=item.original_request,
            authorized=item.authorized,
            ur_outcome=item.ur_outcome,
            category=treatment_kind(item.description) or "",
            body_region=_region(f"{item.description} {item.original_request}", labels + claims_labels),
            decision=decision.decision if decision else "",
            decision_date=case.decision_date,
            guidelines=_label_text(labels),
            claims_administrator_guidelines=_label_text(claims_labels),
            no_evidence_cited=not labels,
            rationale=decision.rationale if decision else "",
        )
        citations += [
            PrecedentCitation(item=row, by=PrecedentCitation.By.REVIEWER, kind=kind, chapter=chapter, section=section)
            for kind, chapter, section in labels
        ]
        citations += [
            PrecedentCitation(
                item=row, by=PrecedentCitation.By.CLAIMS_ADMINISTRATOR, kind=kind, chapter=chapter, section=section
            )
            for kind, chapter, section in claims_labels
        ]
    PrecedentCitation.objects.bulk_create(citations)
    refresh_search_vectors([precedent.pk])
    record_event(by, "precedents.imported", case)
    return precedent


SEARCH_VECTOR_SQL = """
UPDATE precedents_precedentitem SET search_vector =
    setweight(to_tsvector('english', coalesce(description, '') || ' ' || coalesce(original_request, '')), 'A')
    || setweight(to_tsvector('english', coalesce(guidelines, '')), 'B')
    || setweight(to_tsvector('english', coalesce(rationale, '')), 'C')
WHERE {where}
"""
SEARCH_ROWS_SQL = """
INSERT INTO precedents_precedentsearchrow
    (item_id, decision, decision_date, category, body_region, treatment, treatment_vector, guideline, cited)
SELECT i.id, i.decision, i.decision_date, i.category, i.body_region, i.description || ' ' || i.original_request,
    to_tsvector('english', i.description || ' ' || i.original_request),
    coalesce((SELECT CASE WHEN c.section <> '' THEN c.chapter || ' — ' || c.section ELSE c.chapter END
        FROM precedents_precedentcitation AS c
        WHERE c.item_id = i.id AND c.by = 'reviewer' ORDER BY c.id LIMIT 1), ''),
    coalesce((SELECT string_agg(CASE WHEN c.section <> '' THEN c.chapter || ' — ' || c.section ELSE c.chapter END,
            E'\\n' ORDER BY c.id)
        FROM precedents_precedentcitation AS c WHERE c.item_id = i.id AND c.by = 'reviewer'), '')
FROM precedents_precedentitem AS i
WHERE {where}
ON CONFLICT (item_id) DO UPDATE SET decision = EXCLUDED.decision, decision_date = EXCLUDED.decision_date,
    category = EXCLUDED.category, body_region = EXCLUDED.body_region, treatment = EXCLUDED.treatment,
    treatment_vector = EXCLUDED.treatment_vector, guideline = EXCLUDED.guideline,
    cited = EXCLUDED.cited
"""


def _reviewer_labels(item: PrecedentItem) -> list[str]:
    cited = sorted(item.citations.all(), key=lambda citation: citation.pk)
    return [citation.label for citation in cited if citation.by == PrecedentCitation.By.REVIEWER]


def refresh_search_vectors(precedent_ids: list[int] | None = None) -> None:
    """Recompute what search reads of the precedents' items (no ids: of every item): their search rows
    (``PrecedentSearchRow``), and on PostgreSQL their full-text vectors."""
    if connection.vendor != "postgresql":
        items = PrecedentItem.objects.all()
        if precedent_ids is not None:
            items = items.filter(precedent_id__in=precedent_ids)
        PrecedentSearchRow.objects.filter(item__in=items).delete()
        PrecedentSearchRow.objects.bulk_create(
            PrecedentSearchRow(
                item=item,
                decision=item.decision,
                decision_date=item.decision_date,
                category=item.category,
                body_region=item.body_region,
                treatment=f"{item.description} {item.original_request}",
                guideline=next(iter(_reviewer_labels(item)), ""),
                cited="\n".join(_reviewer_labels(item)),
            )
            for item in items.prefetch_related("citations")
        )
        return
    where, params = ("TRUE", []) if precedent_ids is None else ("precedent_id = ANY(%s)", [list(precedent_ids)])
    with connection.cursor() as cursor:
        cursor.execute(SEARCH_VECTOR_SQL.format(where=where), params)
        cursor.execute(SEARCH_ROWS_SQL.format(where=where), params)


def import_letter(data: bytes, name: str, *, by=None) -> FileReport:
    """Import one file; never raises for bad input (the report's ``problems`` say what was wrong)."""
    report = FileReport(name=name)
    if len(data) > MAX_FILE_BYTES:
        report.problems.append(f"the file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB")
        return report
    if not data.strip():
        report.problems.append("the file is empty")
        return report
    try:
        case_data = parse_published_letter(letter_text(data, name))
    except LetterFileError as error:
        report.problems.append(str(error))
        return report
    except ValueError as error:
        report.problems.append(f"not read as a published IMR decision: {error}")
        return report
    report.case_number = case_data["case_number"]
    report.read, report.missing = describe(case_data)
    if not case_data["case_number"]:
        report.problems.append("no case number (CMyy-nnnnnnn) in the header table: a precedent is known by it")
        return report
    try:
        with transaction.atomic():
            _save(case_data, report, by=by)
    except InterchangeError as error:
        report.status = "refused"
        report.precedent = None
        report.problems.extend(error.errors)
    except DatabaseError as error:
        report.status = "refused"
        report.precedent = None
        report.problems.append(f"could not be saved, nothing was imported ({error})")
    return report


def _save(case_data: dict[str, Any], report: FileReport, *, by) -> None:
    number = case_data["case_number"]
    existing = Case.objects.select_for_update().filter(case_number=number).first()
    if existing is not None:
        precedent = Precedent.objects.filter(case=existing).first()
        if precedent is not None:
            report.precedent = precedent
            if precedent.content_sha256 == fingerprint(case_data):
                report.status = "unchanged"
            else:
                report.problems.append(
                    f"{number} is already in the precedent library and this file reads differently; nothing was changed"
                )
            return
        if existing.status != Status.CLOSED:
            report.problems.append(
                f"{number} is a case of the portal in status “{existing.get_status_display()}”, "
                "not a closed historical case: nothing was imported"
            )
            return
        report.precedent = make_precedent(existing, case_data, source_name=report.name, by=by)
        report.status = "linked"
        return
    result = import_document({"format": FORMAT, "cases": [case_data]}, by=by)
    report.precedent = make_precedent(result.created[0], case_data, source_name=report.name, by=by)
    report.status = "imported"


def letter_paths(sources: Iterable[Path]) -> list[Path]:
    """The letter files of the files and folders given (a folder: its .pdf and .txt files, sorted)."""
    paths = []
    for source in sources:
        source = Path(source)
        if source.is_dir():
            paths += sorted(path for path in source.iterdir() if path.suffix.lower() in LETTER_SUFFIXES)
        else:
            paths.append(source)
    return paths


def import_paths(sources: Iterable[Path], *, by=None) -> list[FileReport]:
    reports = []
    for path in letter_paths(sources):
        try:
            data = path.read_bytes()
        except OSError as error:
            reports.append(FileReport(name=str(path), problems=[f"cannot be read: {error.strerror}"]))
            continue
        reports.append(import_letter(data, str(path), by=by))
    return reports
