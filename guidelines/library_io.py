"""The guideline library as JSON (format "imr-guidelines/1"), in and out.

``load_library`` checks the whole file first and reports every problem with its JSON path
("$.sources[2].sections[5].name: ...") before anything is written; then it upserts, all in one transaction: a source
by its key, a section by (source key, section name), a quantity limit by (source key, treatment, condition). A section
whose text changed gets a new version; one that did not is left alone, so loading the same file twice changes
nothing. Sections missing from the file are kept (citations may point at them).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jsonschema
from django.db import transaction
from django.utils import timezone

from core.models import AuditEvent
from core.text import refused_in
from guidelines import services
from guidelines.models import GuidelineSection, GuidelineSource, QuantityLimit

FORMAT = "imr-guidelines/1"
LIBRARY_FILE = Path(__file__).resolve().parent / "data" / "library.json"

SOURCE_FIELDS = (
    "family",
    "title",
    "chapter",
    "year",
    "evidence_rank",
    "effective_from",
    "effective_to",
    "url",
    "active",
)
SECTION_FIELDS = (*GuidelineSection.VERSIONED_FIELDS, "times_cited")
LIMIT_FIELDS = QuantityLimit.DATA_FIELDS

_TEXT = {"type": "string"}
_OPTIONAL_COUNT = {"type": ["integer", "null"], "minimum": 0}
_DATE = {"type": ["string", "null"], "pattern": r"^\d{4}-\d{2}-\d{2}$"}

SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["format", "sources"],
    "properties": {
        "format": {"const": FORMAT},
        "sources": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["key", "family", "chapter"],
                "properties": {
                    "key": {"type": "string", "pattern": r"^[-a-zA-Z0-9_]+$", "maxLength": 80},
                    "family": {"enum": [choice for choice, _ in GuidelineSource.Family.choices]},
                    "title": {"type": "string", "maxLength": 200},
                    "chapter": {"type": "string", "minLength": 1, "maxLength": 200},
                    "year": {"type": ["integer", "null"], "minimum": 1900, "maximum": 2100},
                    "evidence_rank": {"type": "integer", "minimum": 0},
                    "effective_from": _DATE,
                    "effective_to": _DATE,
                    "url": {"type": "string", "maxLength": 500},
                    "active": {"type": "boolean"},
                    "sections": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["name"],
                            "properties": {
                                "name": {"type": "string", "minLength": 1, "maxLength": 300},
                                "pages": {"type": "string", "maxLength": 40},
                                "body_region": {"type": "string", "maxLength": 80},
                                "treatment_category": {"type": "string", "maxLength": 80},
                                "recommendation": _TEXT,
                                "evidence_level": {"type": "string", "maxLength": 40},
                                "times_cited": {"type": "integer", "minimum": 0},
                            },
                        },
                    },
                    "quantity_limits": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["treatment", "max_units"],
                            "properties": {
                                "treatment": {"type": "string", "minLength": 1, "maxLength": 120},
                                "condition": {"type": "string", "maxLength": 200},
                                "section": {"type": ["string", "null"]},
                                "min_units": _OPTIONAL_COUNT,
                                "max_units": {"type": "integer", "minimum": 0},
                                "unit": {"type": "string", "minLength": 1, "maxLength": 40},
                                "weeks_min": _OPTIONAL_COUNT,
                                "weeks_max": _OPTIONAL_COUNT,
                                "initial_trial": _OPTIONAL_COUNT,
                                "total_max": _OPTIONAL_COUNT,
                                "frequency": {"type": "string", "maxLength": 80},
                                "quote": _TEXT,
                                # True for a limit not yet checked against the guideline's own text.
                                "unconfirmed": {"type": "boolean"},
                            },
                        },
                    },
                },
            },
        },
    },
}


class LibraryError(ValueError):
    """The file cannot be loaded; ``errors`` lists each problem as "<JSON path>: <what is wrong>"."""

    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("; ".join(errors))


@dataclass
class LoadReport:
    created: dict[str, int] = field(default_factory=lambda: {"sources": 0, "sections": 0, "quantity_limits": 0})
    updated: dict[str, int] = field(default_factory=lambda: {"sources": 0, "sections": 0, "quantity_limits": 0})
    unchanged: dict[str, int] = field(default_factory=lambda: {"sources": 0, "sections": 0, "quantity_limits": 0})

    def summary(self) -> str:
        parts = []
        for kind in ("sources", "sections", "quantity_limits"):
            label = kind.replace("_", " ")
            parts.append(
                f"{label}: {self.created[kind]} new, {self.updated[kind]} changed, {self.unchanged[kind]} unchanged"
            )
        return "; ".join(parts)


def _date(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


def validate_library(data: Any) -> list[str]:
    """Every problem in ``data``, each with its JSON path; an empty list when it can be loaded."""
    validator = jsonschema.Draft202012Validator(SCHEMA)
    errors = [
        f"{error.json_path}: {error.message}"
        for error in sorted(validator.iter_errors(data), key=lambda error: list(map(str, error.absolute_path)))
    ]
    errors += refused_in(data)  # core/text.py: the rule every form applies, also for what is imported
    if errors:
        return errors
    keys: dict[str, int] = {}
    for index, source in enumerate(data["sources"]):
        path = f"$.sources[{index}]"
        if source["key"] in keys:
            errors.append(f"{path}.key: {source['key']!r} is also the key of $.sources[{keys[source['key']]}]")
        keys.setdefault(source["key"], index)
        for name in ("effective_from", "effective_to"):
            try:
                _date(source.get(name))
            except ValueError:
                errors.append(f"{path}.{name}: {source[name]!r} is not a date (YYYY-MM-DD)")
        if not any(error.startswith(f"{path}.effective_") for error in errors):
            start, end = _date(source.get("effective_from")), _date(source.get("effective_to"))
            if start and end and end < start:
                errors.append(f"{path}.effective_to: {end} is before effective_from {start}")
        names: dict[str, int] = {}
        for position, section in enumerate(source.get("sections", [])):
            if section["name"] in names:
                errors.append(
                    f"{path}.sections[{position}].name: {section['name']!r} is also "
                    f"$.sources[{index}].sections[{names[section['name']]}]"
                )
            names.setdefault(section["name"], position)
        limits: dict[tuple[str, str], int] = {}
        for position, limit in enumerate(source.get("quantity_limits", [])):
            limit_path = f"{path}.quantity_limits[{position}]"
            identity = (limit["treatment"], limit.get("condition", ""))
            if identity in limits:
                errors.append(
                    f"{limit_path}: the same treatment and condition as {path}.quantity_limits[{limits[identity]}]"
                )
            limits.setdefault(identity, position)
            if limit.get("min_units") is not None and limit["min_units"] > limit["max_units"]:
                errors.append(
                    f"{limit_path}.min_units: {limit['min_units']} is more than max_units {limit['max_units']}"
                )
            section_name = limit.get("section")
            if section_name and section_name not in names:
                known = GuidelineSection.objects.filter(source__key=source["key"], name=section_name).exists()
                if not known:
                    errors.append(f"{limit_path}.section: no section {section_name!r} in this source")
    return errors


def _source_values(source: dict) -> dict[str, Any]:
    family = source["family"]
    return {
        "family": family,
        "title": source.get("title", ""),
        "chapter": source["chapter"],
        "year": source.get("year"),
        "evidence_rank": source.get("evidence_rank", GuidelineSource.DEFAULT_EVIDENCE_RANK[family]),
        "effective_from": _date(source.get("effective_from")),
        "effective_to": _date(source.get("effective_to")),
        "url": source.get("url", ""),
        "active": source.get("active", True),
    }


def _section_values(section: dict) -> dict[str, Any]:
    values = {name: section.get(name, "") for name in GuidelineSection.VERSIONED_FIELDS}
    values["times_cited"] = section.get("times_cited", 0)
    return values


def _limit_values(limit: dict) -> dict[str, Any]:
    values = {name: limit.get(name) for name in LIMIT_FIELDS}
    for name in ("condition", "frequency", "quote"):
        values[name] = values[name] or ""
    values["unit"] = values["unit"] or "visits"
    values["verified"] = not limit.get("unconfirmed", False)
    return values


def _load_source(source_data: dict, report: LoadReport, touched_sections: list[int]) -> GuidelineSource:
    """Create or update one source; an update touches its sections (their search vectors carry the source's words)."""
    values = _source_values(source_data)
    source = GuidelineSource.objects.filter(key=source_data["key"]).first()
    if source is None:
        source = GuidelineSource.objects.create(key=source_data["key"], **values)
        report.created["sources"] += 1
    elif any(getattr(source, name) != value for name, value in values.items()):
        for name, value in values.items():
            setattr(source, name, value)
        source.save()
        touched_sections.extend(source.sections.values_list("pk", flat=True))
        report.updated["sources"] += 1
    else:
        report.unchanged["sources"] += 1
    return source


def _load_sections(
    source: GuidelineSource, source_data: dict, report: LoadReport, touched_sections: list[int], *, by, note: str
) -> dict[str, GuidelineSection]:
    """Create or update the sections of one source (a new text is a new version); the source's sections by name."""
    existing = {section.name: section for section in source.sections.all()}
    for section_data in source_data.get("sections", []):
        values = _section_values(section_data)
        section = existing.get(section_data["name"])
        if section is None:
            section = GuidelineSection.objects.create(source=source, **values)
            services._new_version(section, by=by, note=note)
            existing[section.name] = section
            touched_sections.append(section.pk)
            report.created["sections"] += 1
        elif any(getattr(section, name) != value for name, value in values.items()):
            text_changed = any(getattr(section, name) != values[name] for name in GuidelineSection.VERSIONED_FIELDS)
            for name, value in values.items():
                setattr(section, name, value)
            section.save()
            if text_changed:
                services._new_version(section, by=by, note=note)
                touched_sections.append(section.pk)
            report.updated["sections"] += 1
        else:
            report.unchanged["sections"] += 1
    return existing


def _load_limits(
    source: GuidelineSource, source_data: dict, sections: dict[str, GuidelineSection], report: LoadReport
) -> None:
    """Create or update the quantity limits of one source (a limit is known by its treatment and condition)."""
    for limit_data in source_data.get("quantity_limits", []):
        values = _limit_values(limit_data)
        section_name = limit_data.get("section")
        values["section"] = sections.get(section_name) if section_name else None
        limit = QuantityLimit.objects.filter(
            source=source, treatment=values["treatment"], condition=values["condition"]
        ).first()
        if limit is None:
            QuantityLimit.objects.create(source=source, **values)
            report.created["quantity_limits"] += 1
        elif any(getattr(limit, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(limit, name, value)
            limit.save()
            report.updated["quantity_limits"] += 1
        else:
            report.unchanged["quantity_limits"] += 1


@transaction.atomic
def load_library(data: Any, *, by=None, note: str = "Imported") -> LoadReport:
    """Upsert the library in ``data`` (format "imr-guidelines/1"). Raises LibraryError, with nothing saved, when the
    data is invalid. Safe to run again with the same data: nothing changes the second time."""
    errors = validate_library(data)
    if errors:
        raise LibraryError(errors)
    report = LoadReport()
    touched_sections: list[int] = []
    for source_data in data["sources"]:
        source = _load_source(source_data, report, touched_sections)
        sections = _load_sections(source, source_data, report, touched_sections, by=by, note=note)
        _load_limits(source, source_data, sections, report)
    services.refresh_search_vectors(section_ids=touched_sections)
    if by is not None or any(report.created.values()) or any(report.updated.values()):
        AuditEvent.objects.create(
            actor=by if by is not None and by.is_authenticated else None,
            action="guidelines.library_loaded",
            object_type="guidelines.library",
            object_id="library",
            detail={"created": report.created, "updated": report.updated},
        )
    return report


def export_library() -> dict[str, Any]:
    """The whole library (current text of every section) in the format ``load_library`` reads."""
    sources = []
    queryset = GuidelineSource.objects.prefetch_related("sections", "quantity_limits__section").order_by(
        "evidence_rank", "family", "chapter", "year", "key"
    )
    for source in queryset:
        entry: dict[str, Any] = {"key": source.key}
        for name in SOURCE_FIELDS:
            value = getattr(source, name)
            entry[name] = value.isoformat() if isinstance(value, datetime.date) else value
        entry["sections"] = [
            {name: getattr(section, name) for name in SECTION_FIELDS}
            for section in sorted(source.sections.all(), key=lambda section: section.name)
        ]
        entry["quantity_limits"] = [
            {
                **{name: getattr(limit, name) for name in LIMIT_FIELDS},
                "section": limit.section.name if limit.section is not None else None,
                **({} if limit.verified else {"unconfirmed": True}),
            }
            for limit in sorted(source.quantity_limits.all(), key=lambda limit: (limit.treatment, limit.condition))
        ]
        sources.append(entry)
    return {"format": FORMAT, "exported_at": timezone.now().isoformat(timespec="seconds"), "sources": sources}
