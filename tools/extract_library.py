"""Build the seeded guideline library (format "imr-guidelines/1") from published IMR letters.

    python -m tools.extract_library /work/shared/imr/letters/text -o guidelines/data/library.json

Every "<label> guideline:" line of every letter (the claims administrator's and the review organization's) is read
with `guidelines.citations.parse_guideline_line`. MTUS citations give the chapter and its sections (2016 letters) or
pages (2014 letters); citations outside the MTUS are free text, from which the ODG or ACOEM chapter and the topic are
recognized by the keyword tables of `tools.library_sources` (several chapters or topics in one citation each count).
A section's `times_cited` is the number of guideline lines that cite it; a source's `times_cited` the number that cite
it at all.

The rest is curated, not extracted: every MTUS chapter with its year and title, the ODG and ACOEM chapters' names
(`tools.library_sources`), a short recommendation for the common sections (written for this library, never copied
from the guideline), sections that the quantity limits need but the letters do not cite (times_cited 0), and the
quantity limits (`tools.library_curation`). A limit
marked "unconfirmed" was not quoted in the letters: its numbers are from the regulation text as remembered and must
be checked against it before a reviewer relies on them.
"""

from __future__ import annotations

import argparse
import difflib
import json
import re
import sys
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from guidelines.citations import MtusCitation, normalize_whitespace, parse_guideline_line
from guidelines.quantity import body_regions, treatment_kind
from tools.library_curation import (
    ACOEM_CHAPTER_RECOMMENDATIONS,
    ACOEM_MTUS_KEYS,
    EXTRA_SECTIONS,
    QUANTITY_LIMITS,
    RECOMMENDATIONS,
)
from tools.library_sources import (
    ACOEM_2ND_EDITION,
    ACOEM_3RD,
    ACOEM_CHAPTERS,
    CATEGORY_RULES,
    IMAGING_TOPICS,
    MTUS_SOURCES,
    ODG_CHAPTERS,
    PREFACE_TOPICS,
    TOPICS,
)

FORMAT = "imr-guidelines/1"
EVIDENCE_RANK = {"MTUS": 1, "ACOEM": 2, "ODG": 2, "OTHER": 3}


# --- reading the letters ----------------------------------------------------------------------------------------------

_GUIDELINE_BLOCK_RE = re.compile(
    r"^[ \t]*((?:Claims Administrator|[A-Z][A-Za-z0-9&.,'/ -]{0,80}?) guideline:.*?)"
    r"(?=\n[ \t]*\n|\n[ \t]*(?:[A-Z][A-Za-z0-9&.,'/ -]{0,80}? guideline:|Decision rationale:)|\Z)",
    re.DOTALL | re.MULTILINE,
)


def letter_text(path: Path) -> str:
    """A letter as pdftotext printed it, without form feeds (a page break falls inside a paragraph as often as
    between two); a double-spaced letter (the 2014 format puts an empty
    line after every line) is closed up, keeping its whitespace-only lines as paragraph breaks."""
    text = path.read_text(encoding="utf-8", errors="replace").replace("\f", "")
    lines = text.split("\n")
    filled = [index for index, line in enumerate(lines) if line.strip()]
    followed_by_empty = sum(1 for index in filled if index + 1 < len(lines) and lines[index + 1] == "")
    if filled and followed_by_empty / len(filled) > 0.8:
        lines = [line for line in lines if line != ""]
    return "\n".join(lines)


def guideline_lines(text: str) -> list[str]:
    """Every "<label> guideline: ..." line of a letter, joined onto one line."""
    return [normalize_whitespace(match.group(1)) for match in _GUIDELINE_BLOCK_RE.finditer(text)]


# --- classifying citations --------------------------------------------------------------------------------------------


@dataclass
class Extraction:
    """What the letters cite: per source key, the lines citing it; per (source key, section), the lines citing it."""

    letters: int = 0
    lines: int = 0
    unreadable: list[str] = field(default_factory=list)
    unattributed: Counter[str] = field(default_factory=Counter)
    sources: Counter[str] = field(default_factory=Counter)
    sections: Counter[tuple[str, str]] = field(default_factory=Counter)
    pages: dict[tuple[str, str], str] = field(default_factory=dict)
    new_sources: dict[str, dict[str, Any]] = field(default_factory=dict)

    def total_section_citations(self) -> int:
        return sum(self.sections.values())


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60]


def _mtus_key(chapter: str) -> tuple[str, str, int | None]:
    """The source key of an MTUS chapter as cited ("Elbow Complaints 2007"), with its chapter name and year."""
    for key, name, year, _title, aliases, *_rest in MTUS_SOURCES:
        if chapter in (f"{name} {year}", *aliases):
            return key, name, year
    match = re.match(r"^(?P<name>.*?)\s+(?P<year>(?:19|20)\d\d)$", chapter)
    name, year = (match.group("name"), int(match.group("year"))) if match else (chapter, None)
    for key, known, known_year, *_rest in MTUS_SOURCES:
        if known.lower() == name.lower() and (year is None or year == known_year):
            return key, known, known_year
    return "mtus-" + _slug(chapter), name, year


def _mtus_citations(citation: MtusCitation, extraction: Extraction) -> set[tuple[str, str | None]]:
    key, name, year = _mtus_key(citation.chapter)
    if not any(key == known for known, *_ in MTUS_SOURCES) and key not in extraction.new_sources:
        extraction.new_sources[key] = {"family": "MTUS", "chapter": name, "year": year}
    cited: set[tuple[str, str | None]] = {(key, None)}
    for section in citation.sections:
        if re.fullmatch(r"[\d\s,-]+", section):
            # A page number printed where a section belongs ("Section(s): 326"): the chapter is cited, no section.
            continue
        cited.add((key, section))
        if citation.pages:
            extraction.pages[(key, section)] = citation.pages
    return cited


def _topics(text: str) -> list[str]:
    lowered = text.lower()
    found = []
    for pattern, name in TOPICS:
        match = re.search(pattern, lowered)
        if match:
            found.append((match.start(), name))
            if name == "MR arthrogram":
                lowered = re.sub(pattern, " ", lowered)
    names = list(dict.fromkeys(name for _, name in sorted(found)))
    if "Imaging" in names and set(names) & IMAGING_TOPICS:
        # "Indications for imaging -- MRI", "Magnetic Resonance Imaging": the study named is the topic.
        names.remove("Imaging")
    return names


def _chapters(text: str, table: tuple[tuple[str, str, str, str], ...]) -> list[str]:
    lowered = text.lower()
    keys = [key for key, _chapter, pattern, _region in table if re.search(pattern, lowered)]
    if "odg-carpal-tunnel" in keys and "odg-forearm-wrist-hand" in keys and not re.search(r"forearm|wrist", lowered):
        keys.remove("odg-forearm-wrist-hand")
    return keys


def _family(piece: str, previous: str | None) -> str | None:
    """ "ACOEM", "ACOEM 2nd edition", "ODG" or None; a piece that names no family continues the one before it."""
    lowered = piece.lower()
    if re.search(r"\bacoem\b", lowered):
        return "ACOEM"
    if re.search(r"harris j|occupational medicine practice guidelines, 2nd", lowered):
        return "ACOEM 2nd edition"
    if re.search(r"official disability guidelines|\bodg\b", lowered):
        return "ODG"
    return previous or ("ODG" if _chapters(piece, ODG_CHAPTERS) else None)


def _non_mtus_citations(text: str, extraction: Extraction) -> set[tuple[str, str | None]]:
    """The (source key, topic) pairs that one citation outside the MTUS names; pieces are split at ";" and where
    another guideline begins ("... ODG ... and ACOEM Hip and Groin Disorders, MRI")."""
    cited: set[tuple[str, str | None]] = set()
    pieces = [piece for part in text.split(";") for piece in re.split(r"(?=\bACOEM\b|\bHarris J\b)", part)]
    family: str | None = None
    previous: list[str] = []
    for piece in pieces:
        piece = piece.strip(" ,.")
        if not piece:
            continue
        family = _family(piece, family)
        topics = _topics(piece)
        keys: list[str] = []
        if family == "ACOEM":
            keys = _chapters(piece, ACOEM_CHAPTERS)
        elif family == "ACOEM 2nd edition":
            keys = [ACOEM_2ND_EDITION[0]]
        elif family == "ODG":
            keys = _chapters(piece, ODG_CHAPTERS)
            if not keys and re.search(
                r"physical (?:therapy|medicine) guidelines|chiropractic guidelines", piece.lower()
            ):
                keys = ["odg-preface"]
        if not keys and topics and previous:
            # "Low Back, Electrodiagnostic Studies (EDS); Nerve Conduction Studies (NCS)": the same chapter.
            keys = previous
        if not keys:
            extraction.unattributed[piece] += 1
            continue
        previous = keys
        for key in keys:
            cited.add((key, None))
            names = [PREFACE_TOPICS.get(topic, topic) for topic in topics] if key == "odg-preface" else topics
            cited.update((key, name) for name in names)
    return cited


def extract(paths: Iterable[Path]) -> Extraction:
    """Count, over the letters at `paths`, how many guideline lines cite each source and each section."""
    extraction = Extraction()
    for path in paths:
        extraction.letters += 1
        for line in guideline_lines(letter_text(path)):
            extraction.lines += 1
            try:
                _party, _organization, basis = parse_guideline_line(line)
            except ValueError:
                extraction.unreadable.append(f"{path.name}: {line}")
                continue
            cited: set[tuple[str, str | None]] = set()
            for citation in basis.mtus:
                cited |= _mtus_citations(citation, extraction)
            for text in basis.non_mtus:
                cited |= _non_mtus_citations(text, extraction)
            for key, section in cited:
                if section is None:
                    extraction.sources[key] += 1
                else:
                    extraction.sections[(key, section)] += 1
    _merge_spellings(extraction)
    return extraction


def _same_name(first: str, second: str) -> bool:
    if re.sub(r"[^a-z0-9]", "", first.lower()) == re.sub(r"[^a-z0-9]", "", second.lower()):
        return True
    if first[:1].isdigit() or second[:1].isdigit() or abs(len(first) - len(second)) > 2:
        return False
    return difflib.SequenceMatcher(None, first.lower(), second.lower()).ratio() >= 0.9


def _merge_spellings(extraction: Extraction) -> None:
    """Count "Inital Care" as "Initial Care" and "Electro-diagnostic" as "Electrodiagnostic": within a source, a
    spelling is merged into a close one that is curated or cited more often."""
    curated = {(key, name) for key, sections in EXTRA_SECTIONS.items() for name, _ in sections}
    curated |= set(RECOMMENDATIONS)
    names = sorted(
        extraction.sections, key=lambda item: (-((item in curated) * 10**6 + extraction.sections[item]), item)
    )
    canonical: list[tuple[str, str]] = [item for item in curated if item not in extraction.sections]
    for item in names:
        target = next((kept for kept in canonical if kept[0] == item[0] and _same_name(kept[1], item[1])), None)
        if target is None:
            canonical.append(item)
            continue
        extraction.sections[target] += extraction.sections.pop(item)
        if item in extraction.pages:
            extraction.pages.setdefault(target, extraction.pages.pop(item))


# --- building the library ---------------------------------------------------------------------------------------------


def _category(name: str) -> str:
    lowered = name.lower()
    for pattern, category in CATEGORY_RULES:
        if re.search(pattern, lowered):
            return category
    return treatment_kind(name) or "general"


def _section(key: str, name: str, *, region: str, times_cited: int, pages: str | None) -> dict[str, Any]:
    section: dict[str, Any] = {"name": name}
    if pages:
        section["pages"] = pages
    regions = body_regions(name) if key.startswith("mtus-postsurgical") or not region else ()
    if region or regions:
        section["body_region"] = region or regions[0]
    section["treatment_category"] = _category(name)
    if (key, name) in RECOMMENDATIONS:
        section["recommendation"] = RECOMMENDATIONS[(key, name)]
    elif key in ACOEM_MTUS_KEYS and name in ACOEM_CHAPTER_RECOMMENDATIONS:
        section["recommendation"] = ACOEM_CHAPTER_RECOMMENDATIONS[name]
    section["times_cited"] = times_cited
    return section


def _source_entries(extraction: Extraction) -> list[dict[str, Any]]:
    entries = []
    for key, chapter, year, title, _aliases, start, end, region in MTUS_SOURCES:
        entry = {"key": key, "family": "MTUS", "title": title, "chapter": chapter, "year": year}
        entry.update(evidence_rank=EVIDENCE_RANK["MTUS"], effective_from=start, effective_to=end)
        entries.append((entry, region))
    for key, values in sorted(extraction.new_sources.items()):
        entry = {"key": key, "family": "MTUS", "title": "", "chapter": values["chapter"], "year": values["year"]}
        entry.update(evidence_rank=EVIDENCE_RANK["MTUS"], effective_from=None, effective_to=None)
        entries.append((entry, ""))
    cited = set(extraction.sources) | {key for key, _ in extraction.sections}
    for family, table, title in (
        ("ODG", ODG_CHAPTERS, "Official Disability Guidelines"),
        ("ACOEM", ACOEM_CHAPTERS, ACOEM_3RD),
    ):
        for key, chapter, _pattern, region in table:
            if key in cited or key in EXTRA_SECTIONS or key in QUANTITY_LIMITS:
                entry = {"key": key, "family": family, "title": title, "chapter": chapter, "year": None}
                entry.update(evidence_rank=EVIDENCE_RANK[family], effective_from=None, effective_to=None)
                entries.append((entry, region))
    key, chapter, year = ACOEM_2ND_EDITION
    if key in cited:
        entry = {
            "key": key,
            "family": "ACOEM",
            "title": "ACOEM Occupational Medicine Practice Guidelines",
            "chapter": chapter,
            "year": year,
            "evidence_rank": 2,
            "effective_from": None,
            "effective_to": None,
        }
        entries.append((entry, ""))
    result = []
    for entry, region in entries:
        key = entry["key"]
        names = {name for source, name in extraction.sections if source == key}
        extra = dict(EXTRA_SECTIONS.get(key, ()))
        names |= set(extra)
        entry["times_cited"] = extraction.sources[key]
        entry["sections"] = [
            _section(
                key,
                name,
                region=region,
                times_cited=extraction.sections[(key, name)],
                pages=extraction.pages.get((key, name)) or extra.get(name),
            )
            for name in sorted(names, key=lambda name: (-extraction.sections[(key, name)], name))
        ]
        limits = QUANTITY_LIMITS.get(key, [])
        if limits:
            entry["quantity_limits"] = limits
        result.append(entry)
    return result


def build_library(extraction: Extraction) -> dict[str, Any]:
    """The "imr-guidelines/1" document: the curated sources with the sections the letters cite and how often."""
    return {
        "format": FORMAT,
        "generated_from": {
            "letters": extraction.letters,
            "guideline_lines": extraction.lines,
            "section_citations": extraction.total_section_citations(),
        },
        "sources": _source_entries(extraction),
    }


def letter_paths(directory: Path) -> list[Path]:
    return sorted(directory.glob("*.txt"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("letters", type=Path, help="a folder of letters as pdftotext -layout text (*.txt)")
    parser.add_argument("-o", "--output", type=Path, help="write the library here (default: standard output)")
    arguments = parser.parse_args(argv)
    extraction = extract(letter_paths(arguments.letters))
    document = json.dumps(build_library(extraction), indent=2, ensure_ascii=False) + "\n"
    if arguments.output:
        arguments.output.write_text(document, encoding="utf-8")
    else:
        sys.stdout.write(document)
    print(
        f"{extraction.letters} letters, {extraction.lines} guideline lines, "
        f"{extraction.total_section_citations()} section citations, {len(extraction.unreadable)} unreadable lines, "
        f"{sum(extraction.unattributed.values())} citations outside the MTUS not attributed to a guideline chapter",
        file=sys.stderr,
    )
    for text, count in extraction.unattributed.most_common():
        print(f"  not attributed ({count}): {text}", file=sys.stderr)
    for line in extraction.unreadable:
        print(f"  unreadable: {line}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
