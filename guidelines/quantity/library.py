"""The limits of an "imr-guidelines/1" library document (guidelines/data/library.json, or an import)."""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Any

from guidelines.quantity.limits import QuantityRule

LIBRARY_FILE = Path(__file__).resolve().parent.parent / "data" / "library.json"


def limit_from_library(limit: dict[str, Any], source: dict[str, Any]) -> QuantityRule:
    """A `QuantityRule` from one "quantity_limits" entry of an "imr-guidelines/1" source (the loader's field names:
    min_units, max_units, weeks_min, weeks_max, initial_trial, total_max, frequency, quote, section)."""
    chapter = source["chapter"] + (f" {source['year']}" if source.get("year") else "")
    return QuantityRule(
        treatment=limit["treatment"],
        condition=limit.get("condition") or "",
        min_visits=limit.get("min_units"),
        max_visits=limit["max_units"],
        weeks=limit.get("weeks_max"),
        initial_trial=limit.get("initial_trial"),
        total_with_improvement=limit.get("total_max"),
        source_chapter=chapter,
        source_section=limit.get("section"),
        note=limit.get("quote") or "",
        min_weeks=limit.get("weeks_min"),
        unit=limit.get("unit") or "visits",
        frequency=limit.get("frequency") or "",
        source_family=source.get("family", "MTUS"),
    )


def _in_force(source: dict[str, Any], on: datetime.date) -> bool:
    start, end = source.get("effective_from"), source.get("effective_to")
    return (not start or start <= on.isoformat()) and (not end or on.isoformat() <= end)


def limits_from_library(document: dict[str, Any], on: datetime.date | None = None) -> list[QuantityRule]:
    """Every quantity limit of an "imr-guidelines/1" document, but those of a source marked inactive or, when ``on``
    is given, not in force on that date (ISO dates compare as text)."""
    return [
        limit_from_library(limit, source)
        for source in document.get("sources", [])
        if source.get("active", True) and (on is None or _in_force(source, on))
        for limit in source.get("quantity_limits", [])
    ]


def default_limits(path: Path = LIBRARY_FILE, on: datetime.date | None = None) -> list[QuantityRule]:
    """The limits of the seeded library file (guidelines/data/library.json) of the editions in force on ``on``
    (today when not given), as ``guidelines.selectors.library_limits`` reads the database."""
    return limits_from_library(json.loads(path.read_text(encoding="utf-8")), on or datetime.date.today())
