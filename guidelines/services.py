"""Every write to the guideline library: section edits (each makes a new version), source and quantity-limit edits
(audited), citations that pin the version in force, and the PostgreSQL search vectors."""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import CharField, F, Max, Value

from core.services import record_event
from guidelines.citations import Basis, MtusCitation
from guidelines.models import Citation, GuidelineSection, GuidelineSectionVersion, GuidelineSource, QuantityLimit

# The text-search vectors of a section: ``search_vector`` holds its name (weight A), its chapter and title (B), its
# recommendation, body region and treatment category (C); ``title_vector`` only the name and the chapter. Names and
# chapters are indexed twice: stemmed ("english", for whole words) and as written ("simple", so that a half-typed word
# matches by prefix whatever its stem); the longer text only as written, which keeps the vector small (search time
# grows with it) while search.py's prefix match still finds its words.
_SEARCH_VECTOR_SQL = """
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


def refresh_search_vectors(*, section_ids: list[int] | None = None, source_ids: list[int] | None = None) -> None:
    """Recompute the search vectors (PostgreSQL; a no-op elsewhere). No ids: every section."""
    if connection.vendor != "postgresql":
        return
    conditions, params = ["TRUE"], []
    if section_ids is not None:
        conditions.append("s.id = ANY(%s)")
        params.append(list(section_ids))
    if source_ids is not None:
        conditions.append("s.source_id = ANY(%s)")
        params.append(list(source_ids))
    with connection.cursor() as cursor:
        cursor.execute(_SEARCH_VECTOR_SQL.format(where=" AND ".join(conditions)), params)


def _new_version(section: GuidelineSection, *, by, note: str) -> GuidelineSectionVersion:
    number = (section.versions.aggregate(highest=Max("number"))["highest"] or 0) + 1
    version = GuidelineSectionVersion.objects.create(
        section=section,
        number=number,
        source_label=section.source.label,
        changed_by=by if by is not None and by.is_authenticated else None,
        note=note,
        **section.snapshot(),
    )
    section.version = number
    section.save(update_fields=["version", "updated_at"])
    return version


@transaction.atomic
def create_section(source: GuidelineSource, *, by=None, note: str = "Created", **fields: Any) -> GuidelineSection:
    """A new section with its first version."""
    allowed = set(GuidelineSection.VERSIONED_FIELDS) | {"times_cited"}
    unknown = set(fields) - allowed
    if unknown:
        raise TypeError(f"create_section() got unknown fields: {', '.join(sorted(unknown))}")
    section = GuidelineSection(source=source, **fields)
    section.full_clean()
    section.save()
    _new_version(section, by=by, note=note)
    refresh_search_vectors(section_ids=[section.pk])
    record_event(by, "guidelines.section_created", section, name=section.name, source=source.label)
    return section


@transaction.atomic
def update_section(section: GuidelineSection, *, by, note: str = "", **fields: Any) -> GuidelineSection:
    """Change a section's text; if any versioned field changes, a new version is made and becomes current.

    Earlier versions (and the citations that point at them) are never touched. ``times_cited`` may be passed too;
    it is not versioned. Raises ValidationError (nothing saved) for invalid values.
    """
    allowed = set(GuidelineSection.VERSIONED_FIELDS) | {"times_cited"}
    unknown = set(fields) - allowed
    if unknown:
        raise TypeError(f"update_section() got unknown fields: {', '.join(sorted(unknown))}")
    section = GuidelineSection.objects.select_for_update().select_related("source").get(pk=section.pk)
    before = section.snapshot()
    for name, value in fields.items():
        setattr(section, name, value)
    section.full_clean()
    changed = [name for name in GuidelineSection.VERSIONED_FIELDS if before[name] != getattr(section, name)]
    section.save()
    if changed or section.version == 0:
        _new_version(section, by=by, note=note)
        refresh_search_vectors(section_ids=[section.pk])
        record_event(
            by,
            "guidelines.section_changed",
            section,
            name=section.name,
            source=section.source.label,
            fields=changed,
            version=section.version,
            note=note,
        )
    return section


@transaction.atomic
def create_source(source: GuidelineSource, *, by) -> GuidelineSource:
    """Add a source (validated) to the library."""
    source.full_clean()
    source.save()
    record_event(by, "guidelines.source_created", source, key=source.key, label=source.label)
    return source


@transaction.atomic
def update_source(source: GuidelineSource, *, by, **fields: Any) -> GuidelineSource:
    """Change a source; its sections' search vectors follow (the chapter is part of them)."""
    source = GuidelineSource.objects.select_for_update().get(pk=source.pk)
    before = {name: getattr(source, name) for name in fields}
    for name, value in fields.items():
        setattr(source, name, value)
    source.full_clean()
    source.save()
    changed = {name: [str(before[name]), str(value)] for name, value in fields.items() if before[name] != value}
    if changed:
        refresh_search_vectors(source_ids=[source.pk])
        record_event(by, "guidelines.source_changed", source, label=source.label, changes=changed)
    return source


@transaction.atomic
def save_quantity_limit(limit: QuantityLimit, *, by) -> QuantityLimit:
    """Create or change a quantity limit (validated), recording who changed which fields."""
    before = {}
    if limit.pk:
        old = QuantityLimit.objects.get(pk=limit.pk)
        before = {field.attname: getattr(old, field.attname) for field in QuantityLimit._meta.concrete_fields}
    limit.full_clean()
    limit.save()
    changes = {
        name: [str(value), str(getattr(limit, name))]
        for name, value in before.items()
        if name != "updated_at" and value != getattr(limit, name)
    }
    record_event(by, "guidelines.quantity_limit_saved", limit, label=str(limit), created=not before, changes=changes)
    return limit


# -- citations -------------------------------------------------------------------------------------------------------


def cite(section: GuidelineSection, *, by=None, pages: str = "", text: str = "") -> Citation:
    """Cite a section: the citation points at the version in force now and keeps pointing at it after later edits."""
    version = GuidelineSectionVersion.objects.filter(section_id=section.pk).order_by("-number").first()
    if version is None:
        raise ValidationError(f"The section {section} has no version to cite.")
    kind = Citation.Kind.MTUS if section.source.family == GuidelineSource.Family.MTUS else Citation.Kind.NON_MTUS
    return Citation.objects.create(
        kind=kind,
        section_version=version,
        pages=pages,
        text=text,
        created_by=by if by is not None and by.is_authenticated else None,
    )


def cite_versions(version_ids, *, by=None) -> list[Citation]:
    """Pin citations to the exact section versions a reviewer picked (ids sent by the search endpoint), even if
    the section was edited since. Unknown ids are left out."""
    versions = GuidelineSectionVersion.objects.select_related("section__source").in_bulk(
        [int(pk) for pk in version_ids if str(pk).isdigit()]
    )
    citations = []
    for pk in version_ids:
        version = versions.get(int(pk)) if str(pk).isdigit() else None
        if version is None:
            continue
        family = version.section.source.family
        citations.append(
            Citation.objects.create(
                kind=Citation.Kind.MTUS if family == GuidelineSource.Family.MTUS else Citation.Kind.NON_MTUS,
                section_version=version,
                pages=version.pages or "",
                created_by=by if by is not None and by.is_authenticated else None,
            )
        )
    return citations


def _words(text: str) -> set[str]:
    return {word for word in re.findall(r"[a-z0-9]+", text.lower()) if len(word) > 2}


def match_non_mtus(text: str) -> GuidelineSection | None:
    """The library section a free-text Non-MTUS citation names, if one does: "Official Disability Guidelines (ODG),
    Low Back Chapter, Lumbar supports" → the ODG Low Back section "Lumbar supports". None when nothing matches."""
    normalized = " ".join(text.lower().split())
    if not normalized:
        return None
    # Only sections whose name occurs in the text (LIKE in the database), then the best of those.
    candidates = (
        GuidelineSection.objects.select_related("source")
        .filter(source__active=True)
        .exclude(source__family=GuidelineSource.Family.MTUS)
        .annotate(citation_text=Value(normalized, output_field=CharField()))
        .filter(citation_text__icontains=F("name"))
    )
    best, best_score = None, 0
    words = _words(normalized)
    for section in candidates:
        name = section.name.lower()
        chapter_words = _words(section.source.chapter)
        # The section's name must appear; the chapter's words and the family break ties.
        score = len(name) * 10 + len(chapter_words & words) + (5 if section.source.family.lower() in normalized else 0)
        if score > best_score:
            best, best_score = section, score
    return best


def cite_non_mtus(text: str, *, by=None) -> Citation:
    """A Non-MTUS citation as the reviewer wrote it, linked to the library section it names when one matches."""
    text = " ".join(text.split())
    if not text:
        raise ValidationError("A Non-MTUS citation needs its text.")
    section = match_non_mtus(text)
    version = section.versions.order_by("-number").first() if section else None
    return Citation.objects.create(
        kind=Citation.Kind.NON_MTUS,
        section_version=version,
        text=text,
        created_by=by if by is not None and by.is_authenticated else None,
    )


def basis_from_citations(citations: list[Citation]) -> Basis:
    """The letter's basis for a list of citations: MTUS sections grouped by chapter in the order first cited,
    Non-MTUS citations as their text. An empty list is "no medical evidence cited"."""
    chapters: dict[str, MtusCitation] = {}
    non_mtus: list[str] = []
    for citation in citations:
        version = citation.section_version
        if citation.kind == Citation.Kind.MTUS and version is not None:
            entry = chapters.setdefault(version.source_label, MtusCitation(version.source_label))
            if version.name not in entry.sections:
                entry.sections.append(version.name)
        else:
            non_mtus.append(citation.text or (f"{version.source_label}, {version.name}" if version else ""))
    return Basis(mtus=list(chapters.values()), non_mtus=non_mtus)


def describe_change(event) -> str:
    """One line for the library's "recent changes": what an audited library action did."""
    detail = event.detail or {}
    match event.action:
        case "guidelines.section_created":
            return f"added the section {detail.get('name')} to {detail.get('source')}"
        case "guidelines.section_changed":
            fields = ", ".join(name.replace("_", " ") for name in detail.get("fields", [])) or "nothing"
            return (
                f"edited {detail.get('source')}, {detail.get('name')} ({fields}): version {detail.get('version')}"
                + (f" — {detail['note']}" if detail.get("note") else "")
            )
        case "guidelines.source_created":
            return f"added the source {detail.get('label') or detail.get('key')}"
        case "guidelines.source_changed":
            changes = "; ".join(
                f"{name.replace('_', ' ')} {old} → {new}" for name, (old, new) in detail.get("changes", {}).items()
            )
            return f"edited the source {detail.get('label')}: {changes}"
        case "guidelines.quantity_limit_saved":
            verb = "added" if detail.get("created") else "edited"
            changed = ", ".join(name.replace("_", " ") for name in detail.get("changes", {}))
            return f"{verb} the quantity limit {detail.get('label')}" + (
                f" ({changed})" if changed and not detail.get("created") else ""
            )
        case "guidelines.synonym_created" | "guidelines.synonym_changed":
            after = detail.get("after") or {}
            verb = "added" if event.action.endswith("created") else "edited"
            return f"{verb} the synonym {after.get('term')} → {', '.join((after.get('expansions') or '').splitlines())}"
        case "guidelines.synonym_deleted":
            return f"removed the synonym {(detail.get('before') or {}).get('term')}"
        case "guidelines.library_loaded":
            created, updated = detail.get("created", {}), detail.get("updated", {})
            return (
                f"loaded a library file: {created.get('sections', 0)} new and {updated.get('sections', 0)} changed "
                f"sections, {created.get('quantity_limits', 0)} new and {updated.get('quantity_limits', 0)} changed "
                "quantity limits"
            )
    return event.action
