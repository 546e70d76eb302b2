"""Two versions of a determination compared for clinical QA: per section (the clinical case summary, then each
disputed item), paragraphs aligned, and inside a changed paragraph the words inserted and deleted.

The result is plain data (texts and markers), never HTML: the template escapes every word (issue 10, finding 1:
``difflib.HtmlDiff`` put the author's name into the page unescaped). Times are the versions' own aware datetimes,
shown by the template in Pacific time with the zone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from difflib import SequenceMatcher

from cases.models import Determination
from cases.wording import item_heading
from guidelines.citations import REVIEWER, Basis, format_guideline_line

EQUAL, INSERTED, DELETED = "equal", "ins", "del"
_TOKENS = re.compile(r"\s+|\S+")


@dataclass(frozen=True)
class VersionLabel:
    """Who made a version and when, in its own terms: a QA edit at QA's time, a submission at its submission."""

    number: int
    origin: str
    who: str
    verb: str
    at: datetime


@dataclass(frozen=True)
class Block:
    """A paragraph as (marker, text) segments, or ``folded`` unchanged paragraphs (their texts in ``unchanged``)."""

    segments: tuple[tuple[str, str], ...] = ()
    unchanged: tuple[str, ...] = ()

    @property
    def folded(self) -> int:
        return len(self.unchanged)


@dataclass(frozen=True)
class Section:
    title: str
    blocks: list[Block] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return any(not block.folded for block in self.blocks)


@dataclass(frozen=True)
class Comparison:
    older: VersionLabel
    newer: VersionLabel
    sections: list[Section]

    @property
    def changed_sections(self) -> int:
        return sum(1 for section in self.sections if section.changed)


def label(version: Determination) -> VersionLabel:
    if version.origin == Determination.Origin.QA_EDIT and version.qa_at:
        person, verb, at = version.qa_by or version.author, "edited", version.qa_at
    elif version.submitted_at:
        person, verb, at = version.author, "submitted", version.submitted_at
    else:
        person, verb, at = version.author, "last saved", version.updated_at
    who = (person.get_full_name() or person.get_username()) if person else "not recorded (imported)"
    return VersionLabel(version.version, version.get_origin_display(), who, verb, at)


def _paragraphs(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _sections(version: Determination) -> dict[str, tuple[str, list[str]]]:
    """key → (title, paragraphs), in the letter's order."""
    sections = {"summary": ("Clinical case summary", _paragraphs(version.clinical_case_summary))}
    for row in version.decisions.all():
        basis = Basis() if row.basis_none else Basis.from_dict(row.basis or {})
        paragraphs = [item_heading(row.item, row.decision), format_guideline_line(basis, party=REVIEWER)]
        sections[f"item-{row.item_id}"] = (
            f"Item: {row.item.description}",
            [*paragraphs, *_paragraphs(row.rationale)],
        )
    return sections


def words(older: str, newer: str) -> tuple[tuple[str, str], ...]:
    """The word-level difference of two paragraphs: (marker, text) with whole words and their spacing."""
    a, b = _TOKENS.findall(older), _TOKENS.findall(newer)
    segments: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            segments.append((EQUAL, "".join(a[i1:i2])))
            continue
        if i2 > i1:
            segments.append((DELETED, "".join(a[i1:i2])))
        if j2 > j1:
            segments.append((INSERTED, "".join(b[j1:j2])))
    return tuple(segments)


def _blocks(older: list[str], newer: list[str]) -> list[Block]:
    blocks: list[Block] = []
    for op, i1, i2, j1, j2 in SequenceMatcher(None, older, newer, autojunk=False).get_opcodes():
        if op == "equal":
            blocks.append(Block(unchanged=tuple(older[i1:i2])))
            continue
        pairs = min(i2 - i1, j2 - j1)
        blocks += [Block(segments=words(older[i1 + n], newer[j1 + n])) for n in range(pairs)]
        blocks += [Block(segments=((DELETED, text),)) for text in older[i1 + pairs : i2]]
        blocks += [Block(segments=((INSERTED, text),)) for text in newer[j1 + pairs : j2]]
    return blocks


def compare(older: Determination, newer: Determination) -> Comparison:
    before, after = _sections(older), _sections(newer)
    keys = list(before) + [key for key in after if key not in before]
    sections = []
    for key in keys:
        title = (after.get(key) or before[key])[0]
        sections.append(Section(title, _blocks(before.get(key, ("", []))[1], after.get(key, ("", []))[1])))
    return Comparison(label(older), label(newer), sections)
