"""Load the seeded guideline library (guidelines/data/library.json) so that a deployment has it after ``migrate``.

Written against the historical models, with its own small loader: later changes to guidelines.library_io must not
change what this migration did. It only adds what is missing (a source by key, a section by source and name, a
quantity limit by source, treatment and condition), so it never overwrites an organization's edits; later versions of
the file are loaded with ``manage.py load_guidelines``.
"""

import datetime
import json
from pathlib import Path

from django.db import migrations

LIBRARY_FILE = Path(__file__).resolve().parent.parent / "data" / "library.json"

DEFAULT_EVIDENCE_RANK = {"MTUS": 1, "ACOEM": 2, "ODG": 2, "OTHER": 3}
SECTION_TEXT = ("name", "pages", "body_region", "treatment_category", "recommendation", "evidence_level")
LIMIT_FIELDS = (
    "min_units",
    "max_units",
    "unit",
    "weeks_min",
    "weeks_max",
    "initial_trial",
    "total_max",
    "frequency",
    "quote",
)

SEARCH_VECTOR_SQL = """
WITH vectors AS (
    SELECT s.id,
        setweight(to_tsvector('english', s.name), 'A') || setweight(to_tsvector('simple', s.name), 'A')
        || setweight(to_tsvector('english', src.label), 'B') || setweight(to_tsvector('simple', src.label), 'B')
        AS title,
        setweight(to_tsvector('simple', s.recommendation || ' ' || s.body_region || ' ' || s.treatment_category), 'C')
        AS body
    FROM guidelines_guidelinesection AS s
    JOIN (
        SELECT id, chapter || ' ' || title || ' ' || coalesce(year::text, '') AS label FROM guidelines_guidelinesource
    ) AS src ON src.id = s.source_id
    WHERE {where}
)
UPDATE guidelines_guidelinesection AS s SET title_vector = vectors.title, search_vector = vectors.title || vectors.body
FROM vectors
WHERE vectors.id = s.id
"""


def _date(value):
    return datetime.date.fromisoformat(value) if value else None


def load_seeded_library(apps, schema_editor):
    data = json.loads(LIBRARY_FILE.read_text(encoding="utf-8"))
    if data.get("format") != "imr-guidelines/1":
        raise ValueError(f"{LIBRARY_FILE}: format {data.get('format')!r}, expected 'imr-guidelines/1'")
    Source = apps.get_model("guidelines", "GuidelineSource")
    Section = apps.get_model("guidelines", "GuidelineSection")
    Version = apps.get_model("guidelines", "GuidelineSectionVersion")
    Limit = apps.get_model("guidelines", "QuantityLimit")
    for entry in data["sources"]:
        family = entry["family"]
        source, _ = Source.objects.get_or_create(
            key=entry["key"],
            defaults={
                "family": family,
                "title": entry.get("title") or "",
                "chapter": entry["chapter"],
                "year": entry.get("year"),
                "evidence_rank": entry.get("evidence_rank", DEFAULT_EVIDENCE_RANK.get(family, 3)),
                "effective_from": _date(entry.get("effective_from")),
                "effective_to": _date(entry.get("effective_to")),
                "url": entry.get("url") or "",
                "active": entry.get("active", True),
            },
        )
        label = f"{source.chapter} {source.year}" if source.year else source.chapter
        sections = {section.name: section for section in Section.objects.filter(source=source)}
        for item in entry.get("sections", []):
            if item["name"] in sections:
                continue
            text = {name: item.get(name) or "" for name in SECTION_TEXT}
            section = Section.objects.create(
                source=source, times_cited=item.get("times_cited") or 0, version=1, **text
            )
            Version.objects.create(section=section, number=1, source_label=label, note="Seeded library", **text)
            sections[section.name] = section
        for item in entry.get("quantity_limits", []):
            identity = {"source": source, "treatment": item["treatment"], "condition": item.get("condition") or ""}
            if Limit.objects.filter(**identity).exists():
                continue
            values = {name: item[name] for name in LIMIT_FIELDS if item.get(name) is not None}
            Limit.objects.create(section=sections.get(item.get("section") or ""), **identity, **values)
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(SEARCH_VECTOR_SQL.format(where="TRUE"))


class Migration(migrations.Migration):
    dependencies = [("guidelines", "0002_search_index")]

    # Reversing leaves the rows: they may have been edited and cited since.
    operations = [migrations.RunPython(load_seeded_library, migrations.RunPython.noop, elidable=False)]
