"""The reviewer's decision support for every disputed item of a case in one answer: the quantity check, the library
sections matching the item and the similar past decisions. The workspace asks once (static/js/workspace.js) instead of
three times an item (a 10-item case made 30 requests, 6x the page's own server time); what each part returns is what
its own endpoint returns for that item (``guidelines:quantity_check``, ``guidelines:search``, ``precedents:similar``),
and those endpoints stay: the basis picker searches as the reviewer types, and the workspace falls back to them for an
item this answer has no part for.

It lives here because this room may read the cases, the guideline library and the precedents (the arrows of
tests/test_layering.py); ``cases`` names the URL only (``cases/views/workspace.py``). The case is read through
``case_view`` with the workspace's own rule, so the read is in the access log and a case the user may not see is a 404.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import logging
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.db.models import Count, Max
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET
from redis.exceptions import RedisError

from cases.consistency import guideline_date
from cases.models import Case, DisputedItem
from cases.permissions import case_view
from core.permissions import allowed
from guidelines import quantity, selectors, synonyms
from guidelines.cited import sections_cited_many
from guidelines.quantity import treatment_kind
from guidelines.regions import keep_named_regions, regions_named
from guidelines.search import MAX_LIMIT, search_sections, section_json
from precedents import search
from precedents.models import Precedent

logger = logging.getLogger(__name__)

# As many as the workspace asked each endpoint for (static/js/workspace/decision-support.js, precedents.js).
SECTIONS_PER_ITEM = 5
PRECEDENTS_PER_ITEM = 5
# An item's library sections and similar decisions are kept in the shared cache: a reviewer opens a case's workspace
# many times while deciding it, and each open asked again (25-30 ms of server time an item); they are also made ready
# when the reviewer accepts the case (``answer``, called by ``precedents.tasks``). The sections' key holds all they are
# computed from, the library's signature included, so an edit of the library shows at once; the similar decisions'
# key holds the precedent library's count and newest import (precedents change only by an import of published
# letters). Both may be kept long: a day.
KEPT_SECONDS = 24 * 3600


def _kept(parts: list[Any], compute: Callable[[], list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """``compute()``, kept ``KEPT_SECONDS`` under a key made of ``parts``; computed afresh when the cache cannot be
    reached."""
    key = "support:" + hashlib.sha256(json.dumps(parts, default=str).encode()).hexdigest()
    try:
        found = cache.get(key)
    except RedisError:
        logger.warning("decision support: the cache cannot be reached; computed afresh", exc_info=True)
        return compute()
    if found is not None:
        return found
    value = compute()
    try:
        cache.set(key, value, KEPT_SECONDS)
    except RedisError:
        logger.warning("decision support: the cache cannot be reached; not kept", exc_info=True)
    return value


def _sections(description: str, first: list[int], on: datetime.date) -> list[dict[str, Any]]:
    """``guidelines:search?q=<description>&limit=5&first=…&editions=in_force&on=…``, read in process."""
    query = description[:200]

    def compute() -> list[dict[str, Any]]:
        found = search_sections(
            query,
            limit=MAX_LIMIT if regions_named(query) else SECTIONS_PER_ITEM,
            first=first[:MAX_LIMIT],
            on=on,
            in_force_only=True,
        )
        return [section_json(section, on) for section in keep_named_regions(found, query)[:SECTIONS_PER_ITEM]]

    return _kept(["sections", query, first[:MAX_LIMIT], on, synonyms.signature()], compute)


def _precedent_library() -> tuple:
    """What changes whenever the precedent library does: its size and its newest import."""
    found = Precedent.objects.aggregate(count=Count("pk"), latest=Max("imported_at"))
    return found["count"], found["latest"]


def _precedents(item: DisputedItem, library: tuple) -> list[dict[str, Any]]:
    """``precedents:similar?q=<description>&guideline=<chapter>|<section>…`` (the claims administrator's citations)."""
    description = item.description[:500]
    cited = []
    for citation in (item.claims_administrator_basis or {}).get("mtus", []):
        chapter = str(citation.get("chapter", "")).strip()[:300]
        if chapter:
            cited += [(chapter, str(section).strip()[:300]) for section in citation.get("sections") or []] or [
                (chapter, "")
            ]

    def compute() -> list[dict[str, Any]]:
        found = search.similar(
            description, guidelines=cited[:20], category=treatment_kind(description) or "", limit=PRECEDENTS_PER_ITEM
        )
        return [search.as_json(found_item) for found_item in found]

    return _kept(["precedents", description, cited[:20], synonyms.signature(), library], compute)


def answer(case: Case, *, library: bool = True, precedents: bool = True) -> dict[str, Any]:
    """{"on": "YYYY-MM-DD", "items": {"<item id>": {"quantity": {...}, "sections": [...], "precedents": [...]}}}, the
    library's parts only with ``library``, the similar decisions only with ``precedents``. Each item's sections and
    similar decisions are kept (``_kept``): ``precedents.tasks.prepare_decision_support`` calls this when a reviewer
    accepts the case, so that the workspace's first open finds them ready."""
    on = guideline_date(case)[0]
    items = list(case.items.all())
    limits = selectors.library_limits(on) if library else []
    first = sections_cited_many([item.claims_administrator_basis for item in items]) if library else []
    precedent_library = _precedent_library() if precedents else ()
    parts: dict[str, dict[str, Any]] = {}
    # One read of the synonym table for the whole case (three queries), not one a search (two an item).
    with synonyms.pinned():
        for number, item in enumerate(items):
            part: dict[str, Any] = {}
            if library:
                text = item.description.strip()[:1000]
                part["quantity"] = {**quantity.check_request_text(text, limits), "on": on.isoformat()} if text else None
                part["sections"] = _sections(item.description, first[number], on)
            if precedents:
                part["precedents"] = _precedents(item, precedent_library)
            parts[str(item.pk)] = part
    return {"on": on.isoformat(), "items": parts}


def _workspace_case():
    return Case.objects.prefetch_related("items")


@require_GET
@case_view("cases.write_determination", queryset=_workspace_case)
def decision_support(request: HttpRequest, case: Case) -> JsonResponse:
    """``answer`` for the parts the user may read (the library, the precedents); a part left out, the workspace says
    it is unavailable."""
    return JsonResponse(
        answer(
            case,
            library=allowed(request.user, "guidelines.browse_library"),
            precedents=allowed(request.user, "precedents.read"),
        )
    )
