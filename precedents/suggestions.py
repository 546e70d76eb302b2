"""How often the guideline search suggests the section the expert reviewer actually cited, over real decisions.

For every item of the published letters (read by ``precedents.parser``), the workspace's "matching sections" are
what ``guidelines.search.search_sections`` returns for the item's description with the sections the claims
administrator cited offered first; an item counts as found when one of the sections the reviewer cited is among the
first ``top`` suggestions. Items whose reviewer cited nothing that is in the library cannot be found and are counted
apart. ``benchmarks/guideline_search.py --suggestions`` prints the figure; a test holds it.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from guidelines.cited import sections_cited
from guidelines.search import search_sections
from precedents.parser import letter_text, parse_published_letter


@dataclass
class SuggestionReport:
    top: int
    items: int = 0
    measurable: int = 0
    found: int = 0
    found_without_claims_administrator: int = 0
    misses: list[tuple[str, str, list[str], list[str]]] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.found / self.measurable if self.measurable else 0.0

    @property
    def rate_without_claims_administrator(self) -> float:
        return self.found_without_claims_administrator / self.measurable if self.measurable else 0.0


def measure(paths: Iterable[Path], *, top: int = 5) -> SuggestionReport:
    """The report over the letters at ``paths`` (PDF or text), against the library in the database."""
    report = SuggestionReport(top=top)
    for path in paths:
        case = parse_published_letter(letter_text(Path(path).read_bytes(), str(path)))
        # As the workspace asks: the editions in force on the letter's UR decision first, then those in force when it
        # was reviewed (the workspace reviews today).
        on, review_on = (_date(case["dates"].get(key)) for key in ("ur_determination", "decision"))
        for item in case["items"]:
            report.items += 1
            expected = set(sections_cited(item["determination"]["basis"]))
            if not expected:
                continue
            report.measurable += 1
            first = sections_cited(item["claims_administrator_basis"])
            suggested = search_sections(item["description"], limit=top, first=first, on=on, review_on=review_on)
            if expected & {section.pk for section in suggested}:
                report.found += 1
            else:
                report.misses.append(
                    (
                        case["case_number"],
                        item["description"],
                        [f"{section.source.label} — {section.name}" for section in suggested],
                        sorted(str(pk) for pk in expected),
                    )
                )
            alone = search_sections(item["description"], limit=top, on=on, review_on=review_on)
            if expected & {section.pk for section in alone}:
                report.found_without_claims_administrator += 1
    return report


def _date(text: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(text) if text else None
