"""Citations back to the library: which sections a basis (the reviewer's or the claims administrator's) cites.

Read by the workspace (the sections already cited), the consistency check (editions in force) and the precedent
suggestions; kept apart from ``guidelines.search``, which ranks what a reviewer types.
"""

from __future__ import annotations

import re
from typing import Any

from guidelines import synonyms
from guidelines.models import GuidelineSection, GuidelineSource


def _non_mtus_match(text: str, sections: list[GuidelineSection]) -> GuidelineSection | None:
    """``guidelines.services.match_non_mtus`` over sections already loaded: the section whose name occurs in the
    citation, the longest name first, then the chapter's words and the family."""
    normalized = " ".join(text.lower().split())
    words = set(re.findall(r"[a-z0-9]{3,}", normalized))
    best, best_score = None, 0
    for section in sections:
        if section.name.lower() not in normalized:
            continue
        chapter_words = set(re.findall(r"[a-z0-9]{3,}", section.source.chapter.lower()))
        family = 5 if section.source.family.lower() in normalized else 0
        score = len(section.name) * 10 + len(chapter_words & words) + family
        if score > best_score:
            best, best_score = section, score
    return best


def sections_cited_many(bases: list[dict[str, Any] | None]) -> list[list[int]]:
    """For each basis (``{"mtus": [{"chapter", "sections"}], "non_mtus": [text]}``), the library sections it cites,
    in its order; two queries whatever the number of bases. An MTUS section is found by its chapter as letters print
    it and its name; a chapter cited without a section, by its only section (a one-section chapter such as the
    Acupuncture Medical Treatment Guidelines); a Non-MTUS citation, by the section whose name it holds."""
    given: list[dict[str, Any]] = [basis or {} for basis in bases]
    active = (
        GuidelineSection.objects.filter(source__active=True)
        .select_related("source")
        .only("pk", "name", "source__chapter", "source__year", "source__family")
    )
    by_label: dict[str, list[GuidelineSection]] = {}
    if any(basis.get("mtus") for basis in given):
        for section in active.filter(source__family=GuidelineSource.Family.MTUS):
            by_label.setdefault(synonyms.normalize(section.source.label), []).append(section)
    others = (
        list(active.exclude(source__family=GuidelineSource.Family.MTUS))
        if any(basis.get("non_mtus") for basis in given)
        else []
    )
    cited = []
    for basis in given:
        found: list[int] = []
        for citation in basis.get("mtus") or []:
            chapter_sections = by_label.get(synonyms.normalize(citation.get("chapter") or ""), [])
            names = [synonyms.normalize(name) for name in citation.get("sections") or []]
            if not names and len(chapter_sections) == 1:
                found.append(chapter_sections[0].pk)
            for name in names:
                exact = [section.pk for section in chapter_sections if synonyms.normalize(section.name) == name]
                # "Physical Medicine" for "Physical medicine treatment": the only section whose name starts so.
                starting = [
                    section.pk for section in chapter_sections if synonyms.normalize(section.name).startswith(name)
                ]
                found += exact or (starting if len(starting) == 1 else [])
        for text in basis.get("non_mtus") or []:
            match = _non_mtus_match(text, others)
            if match is not None:
                found.append(match.pk)
        cited.append(list(dict.fromkeys(found)))
    return cited


def sections_cited(basis: dict[str, Any] | None) -> list[int]:
    """The library sections one basis cites (``sections_cited_many``)."""
    return sections_cited_many([basis])[0]
