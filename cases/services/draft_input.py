"""What a reviewer or QA sends for a determination, checked before anything is saved: text (bounded, and free of the
characters a letter cannot show as typed, ``core/text.py``), citations (bounded lists of bounded names) and library
references. Each refusal names the place, e.g. ``decisions[12].basis.mtus[0].chapter``."""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import ValidationError

from core.text import check_text


def clean_text(value: Any, *, where: str, limit: int = 50_000) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValidationError(f"{where}: expected text.", code="invalid")
    if len(value) > limit:
        raise ValidationError(f"{where}: too long ({len(value)} characters; the limit is {limit}).", code="invalid")
    return check_text(value, where=where)


# A real letter cites a handful of guidelines per item; these bounds are far above that and far below harm.
CITATION_LIMIT = 40
CITATION_TEXT_LIMIT = 1_000
BASIS_LIMIT = 20_000
COMMENT_LIMIT = 10_000


def _citation_text(value: Any, *, where: str) -> str:
    if not isinstance(value, str):
        raise ValidationError(f"{where}: expected text.", code="invalid")
    return clean_text(value, where=where, limit=CITATION_TEXT_LIMIT).strip()


def _bounded(values: list, *, where: str) -> list:
    if len(values) > CITATION_LIMIT:
        raise ValidationError(f"{where}: {len(values)} entries; at most {CITATION_LIMIT}.", code="invalid")
    return values


def clean_basis(value: Any, *, where: str) -> dict[str, list]:
    """A basis as the letters print it: ``{"mtus": [{"chapter", "sections", ["pages"]}], "non_mtus": [text]}``."""
    if value in (None, ""):
        return {"mtus": [], "non_mtus": []}
    if not isinstance(value, dict):
        raise ValidationError(f"{where}: expected an object with 'mtus' and 'non_mtus'.", code="invalid")
    mtus_in, non_mtus_in = value.get("mtus") or [], value.get("non_mtus") or []
    if not isinstance(mtus_in, list) or not isinstance(non_mtus_in, list):
        raise ValidationError(f"{where}: 'mtus' and 'non_mtus' must be lists.", code="invalid")
    mtus = []
    for index, citation in enumerate(_bounded(mtus_in, where=f"{where}.mtus")):
        here = f"{where}.mtus[{index}]"
        if not isinstance(citation, dict) or not isinstance(citation.get("chapter"), str):
            raise ValidationError(f"{here}: expected a chapter with its sections.", code="invalid")
        chapter = _citation_text(citation["chapter"], where=f"{here}.chapter")
        sections = citation.get("sections") or []
        if not chapter:
            raise ValidationError(f"{here}: the chapter is empty.", code="invalid")
        if not isinstance(sections, list) or not all(isinstance(section, str) for section in sections):
            raise ValidationError(f"{here}: sections must be a list of names.", code="invalid")
        sections = [
            _citation_text(section, where=f"{here}.sections[{number}]")
            for number, section in enumerate(_bounded(sections, where=f"{here}.sections"))
        ]
        cleaned: dict[str, Any] = {"chapter": chapter, "sections": [section for section in sections if section]}
        if citation.get("pages"):
            if not isinstance(citation["pages"], str | int):
                raise ValidationError(f"{here}.pages: expected page numbers as text.", code="invalid")
            cleaned["pages"] = _citation_text(str(citation["pages"]), where=f"{here}.pages")
        mtus.append(cleaned)
    if not all(isinstance(text, str) for text in non_mtus_in):
        raise ValidationError(f"{where}.non_mtus: each citation must be text.", code="invalid")
    non_mtus = [
        _citation_text(text, where=f"{where}.non_mtus[{number}]")
        for number, text in enumerate(_bounded(non_mtus_in, where=f"{where}.non_mtus"))
    ]
    basis: dict[str, list] = {"mtus": mtus, "non_mtus": [text for text in non_mtus if text]}
    size = len(json.dumps(basis, ensure_ascii=False))
    if size > BASIS_LIMIT:
        raise ValidationError(
            f"{where}: the citations take {size} characters; at most {BASIS_LIMIT} per item.", code="invalid"
        )
    return basis


def clean_refs(value: Any, *, where: str) -> list[dict]:
    if value in (None, ""):
        return []
    if not isinstance(value, list) or not all(isinstance(ref, dict) for ref in value):
        raise ValidationError(f"{where}: expected a list of library sections.", code="invalid")
    refs = []
    for number, ref in enumerate(_bounded(value, where=where)):
        cleaned = {}
        for key in ("id", "version_id"):
            if ref.get(key) not in (None, ""):
                if not isinstance(ref[key], int) or isinstance(ref[key], bool) or not 0 < ref[key] < 2**63:
                    raise ValidationError(f"{where}[{number}].{key}: expected a section number.", code="invalid")
                cleaned[key] = ref[key]
        for key in ("chapter", "name", "pages"):
            if ref.get(key) not in (None, ""):
                cleaned[key] = _citation_text(str(ref[key]), where=f"{where}[{number}].{key}")
        refs.append(cleaned)
    return refs
