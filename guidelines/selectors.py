"""Queries of the guideline library used in more than one place.

The edition in force: a guideline source (an edition of a chapter) carries the dates it was in force
(``effective_from`` / ``effective_to``). Everything that offers guidelines for a case asks for those in force on the
date of the case's UR decision; the library knows nothing of cases, so callers pass that date in.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db.models import Q, QuerySet
from django.utils import timezone

from guidelines import quantity
from guidelines.models import GuidelineSection, GuidelineSource, QuantityLimit


def in_force_q(on: datetime.date, prefix: str = "") -> Q:
    """Sources in force on ``on`` (``prefix``: the path to the source, e.g. "source__"); a source without a date on
    one side is open on that side."""
    return (Q(**{f"{prefix}effective_from__isnull": True}) | Q(**{f"{prefix}effective_from__lte": on})) & (
        Q(**{f"{prefix}effective_to__isnull": True}) | Q(**{f"{prefix}effective_to__gte": on})
    )


def editions_in_force(on: datetime.date) -> QuerySet[GuidelineSource]:
    """The active sources in force on ``on``, in the order of the evidence hierarchy: what a basis picker (the
    reviewer's, or the claims administrator's at intake) offers for a UR decision of that date."""
    return GuidelineSource.objects.filter(in_force_q(on), active=True)


def library_limits(on: datetime.date | None = None) -> list[quantity.QuantityRule]:
    """Every quantity limit of an active source in force on ``on`` (today when not given), as the pure
    ``guidelines.quantity`` check reads them (one query): an administrator's edit counts at once."""
    rows = (
        QuantityLimit.objects.filter(in_force_q(on or timezone.localdate(), "source__"), source__active=True)
        .select_related("source", "section")
        .order_by("pk")
    )
    return [row.as_rule() for row in rows]


def sources_not_in_force(section_ids: Iterable[int], on: datetime.date) -> dict[int, GuidelineSource]:
    """Of the sections ``section_ids``, those whose edition was not in force on ``on``: section id → its source
    (one query)."""
    sections = GuidelineSection.objects.filter(pk__in=list(section_ids)).exclude(in_force_q(on, "source__"))
    return {section.pk: section.source for section in sections.select_related("source")}
