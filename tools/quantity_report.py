"""Measure the quantity parser on the disputed-item headings of published IMR letters; print a Markdown report.

    python -m tools.quantity_report /work/shared/imr/letters/text [more folders or letter files]

A heading is the item line before the guideline lines: "<item>: Upheld" or "<item>: Overturned", possibly wrapped
over several lines; for an item UR modified ("X was the original request. Y was authorized ... The remaining IMR
eligible portion of the original request, Z is: Upheld") the parser reads Z. For each heading the report shows what
was read, which numbers were set aside as something other than an amount (dates, strengths, doses, spinal levels),
and any number left unread: a heading whose quantity was stated but not read shows up there.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from guidelines.quantity import (
    NUMBER_WORDS,
    QuantityRequest,
    excluded_numbers,
    parse_request,
    remaining_portion,
    unit_label,
    unread_numbers,
)
from tools.extract_library import letter_text

_OUTCOME_RE = re.compile(r"(?:Upheld|Overturned)\s*$")
_GUIDELINE_RE = re.compile(r"^\s*[A-Z][A-Za-z0-9&.,'/ -]{0,80}? guideline:")
# A heading that wraps may have a line ending in a sentence of the modified-item form; any other line that ends a
# sentence belongs to the rationale before it.
_CONTINUED_SENTENCES = ("original request.", "Claims Administrator.", "IMR eligible.")
_WORDS_PATTERN = r"\b(?:" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True)) + r"|once|twice|thrice)\b"
_NUMBER_RE = re.compile(r"[0-9]|" + _WORDS_PATTERN, re.I)
_WORDS_RE = re.compile(
    r"\b(?:" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True)) + r"|once|twice|thrice)\b", re.I
)


@dataclass(frozen=True)
class Heading:
    letter: str
    text: str  # the whole heading, joined onto one line, outcome included

    @property
    def item(self) -> str:
        """The item decided (for a modified item, the remaining portion)."""
        return remaining_portion(self.text)


def item_headings(text: str, letter: str = "") -> list[Heading]:
    """The disputed-item headings of a letter, in order."""
    lines = text.split("\n")
    headings = []
    for index, line in enumerate(lines):
        if not _OUTCOME_RE.search(line):
            continue
        following = next((later for later in lines[index + 1 :] if later.strip()), "")
        if not _GUIDELINE_RE.match(following):
            continue
        block = [line.strip()]
        for earlier in reversed(lines[:index]):
            stripped = earlier.strip()
            if (
                not stripped
                or stripped.endswith("below:")
                or stripped.isupper()
                or (stripped.endswith(".") and not stripped.endswith(_CONTINUED_SENTENCES))
            ):
                break
            block.insert(0, stripped)
        joined = " ".join(" ".join(block).split())
        if re.search(r":\s*(?:Upheld|Overturned)$", joined):
            headings.append(Heading(letter, joined))
    return headings


def letter_files(paths: Iterable[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        files.extend(sorted(path.glob("*.txt")) if path.is_dir() else [path])
    return files


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    return text.replace("|", "\\|")


def _quantity(request: QuantityRequest) -> str:
    parts = []
    if request.count is not None:
        count = f"{request.count_min}-{request.count}" if request.count_min else str(request.count)
        parts.append(f"{count} {unit_label(request.count, request.unit or '')}")
    if request.frequency_per_week is not None:
        parts.append(f"{request.frequency_per_week}/week")
    if request.duration_weeks is not None:
        parts.append(f"{request.duration_weeks} weeks")
    if request.refills is not None:
        parts.append(f"{request.refills} refills")
    if request.period is not None:
        amount, unit = request.period
        parts.append(f"for {amount} {unit}" + ("" if amount == 1 else "s"))
    if request.amount is not None:
        parts.append(request.amount)
    return ", ".join(parts)


Row = tuple[Heading, QuantityRequest]


def _summary(paths: Iterable[Path], files: list[Path], rows: list[Row]) -> list[str]:
    """The title, how it was generated, and the table of counts."""
    with_kind = [row for row in rows if row[1].treatment]
    with_quantity = [row for row in rows if row[1].has_quantity]
    with_count = [row for row in rows if row[1].count is not None]
    in_words = [row for row in rows if _WORDS_RE.search(row[0].item)]
    words_missed = [row for row in in_words if unread_numbers(row[0].text)]
    unread = [row for row in rows if unread_numbers(row[0].text)]
    set_aside = _set_aside(rows)
    modified = [row for row in rows if "original request" in row[0].text]
    out = ["# Quantity parser: measurement on published letters", ""]
    out.append(
        "Generated by `python -m tools.quantity_report " + " ".join(str(path) for path in paths) + "`; "
        "do not edit by hand. The parser is the `guidelines/quantity/` package."
    )
    out += ["", "| measure | headings |", "| --- | ---: |"]
    out += [
        f"| letters read | {len(files)} |",
        f"| item headings found | {len(rows)} |",
        f"| modified items (remaining portion read) | {len(modified)} |",
        f"| parsed: treatment kind recognized | {len(with_kind)} |",
        f"| quantity found (count, frequency, duration, supply period or amount) | {len(with_quantity)} |",
        f"| count found or derived | {len(with_count)} |",
        f"| quantity stated in number words | {len(in_words)} |",
        f"| of those, with a number left unread (missed) | {len(words_missed)} |",
        f"| any heading with a number left unread | {len(unread)} |",
        f"| no quantity; numbers set aside as not an amount | {len(set_aside)} |",
        f"| no number at all | {sum(1 for row in rows if not _NUMBER_RE.search(row[0].item))} |",
    ]
    return out


def _set_aside(rows: list[Row]) -> list[Row]:
    return [row for row in rows if not row[1].has_quantity and excluded_numbers(row[0].text)]


def _by_kind(rows: list[Row]) -> list[str]:
    out = [
        "",
        "## By treatment kind",
        "",
        "| kind | headings | with a quantity | with a count |",
        "| --- | ---: | ---: | ---: |",
    ]
    kinds = Counter(request.treatment or "(none)" for _, request in rows)
    for kind, number in sorted(kinds.items(), key=lambda item: (-item[1], item[0])):
        same = [request for _, request in rows if (request.treatment or "(none)") == kind]
        quantity = sum(1 for request in same if request.has_quantity)
        count = sum(1 for request in same if request.count is not None)
        out.append(f"| {kind} | {number} | {quantity} | {count} |")
    return out


def _unread(rows: list[Row]) -> list[str]:
    """The headings with a number the parser neither read nor set aside."""
    words_missed = [row for row in rows if _WORDS_RE.search(row[0].item) and unread_numbers(row[0].text)]
    unread = [row for row in rows if unread_numbers(row[0].text)]
    out = ["", "## Missed: quantities in words left unread", ""]
    out += [f"- {heading.letter}: {_cell(heading.item)}" for heading, _ in words_missed] or ["None."]
    out += ["", "## Numbers left unread in any heading", ""]
    out += [
        f"- {heading.letter}: {_cell(heading.item)} (unread: {', '.join(unread_numbers(heading.text))})"
        for heading, _ in unread
    ] or ["None."]
    return out


def _listings(rows: list[Row]) -> list[str]:
    """Every heading: with what was read, in words, set aside, or with no quantity."""
    out = [
        "",
        "## Headings with a quantity",
        "",
        "| letter | item | kind | read | from |",
        "| --- | --- | --- | --- | --- |",
    ]
    for heading, request in (row for row in rows if row[1].has_quantity):
        out.append(
            f"| {heading.letter} | {_cell(heading.item)} | {_cell(request.treatment)} | {_cell(_quantity(request))} "
            f"| {_cell(request.matched)} |"
        )
    out += ["", "## Quantities stated in words", "", "| letter | item | read |", "| --- | --- | --- |"]
    for heading, request in (row for row in rows if _WORDS_RE.search(row[0].item)):
        out.append(f"| {heading.letter} | {_cell(heading.item)} | {_cell(_quantity(request)) or '(nothing)'} |")
    set_aside = _set_aside(rows)
    out += ["", "## No quantity: numbers set aside as not an amount", "", "| letter | item | set aside |"]
    out += ["| --- | --- | --- |"]
    for heading, _ in set_aside:
        out.append(f"| {heading.letter} | {_cell(heading.item)} | {', '.join(excluded_numbers(heading.text))} |")
    out += ["", "## No quantity stated", ""]
    nothing = [row for row in rows if not row[1].has_quantity and row not in set_aside]
    out += [
        f"- {heading.letter}: {_cell(heading.item)} ({request.treatment or 'kind not recognized'})"
        for heading, request in nothing
    ]
    return out


def report(paths: Iterable[Path]) -> str:
    """The Markdown report for the letters at `paths` (folders of *.txt or single files)."""
    paths = list(paths)
    files = letter_files(paths)
    headings = [heading for path in files for heading in item_headings(letter_text(path), path.stem)]
    rows = [(heading, parse_request(heading.text)) for heading in headings]
    out = _summary(paths, files, rows) + _by_kind(rows) + _unread(rows) + _listings(rows)
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", type=Path, nargs="+", help="folders of letters (*.txt) or letter files")
    arguments = parser.parse_args(argv)
    sys.stdout.write(report(arguments.paths))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
