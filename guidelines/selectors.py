"""Queries of the guideline library used in more than one place."""

from __future__ import annotations

from django.utils import timezone

from guidelines import quantity
from guidelines.models import QuantityLimit


def library_limits() -> list[quantity.QuantityRule]:
    """Every quantity limit of an active source in force today, as the pure ``guidelines.quantity`` check reads them
    (one query): an administrator's edit counts at once."""
    rows = (
        QuantityLimit.objects.filter(source__active=True)
        .exclude(source__effective_to__lt=timezone.localdate())
        .select_related("source", "section")
        .order_by("pk")
    )
    return [row.as_rule() for row in rows]
