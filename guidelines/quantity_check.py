"""The quantity check against the library's limits: "requested 12 visits; MTUS Chronic Pain Medical Treatment 2016,
Physical Medicine allows 9-10 visits over 8 weeks for myalgia and myositis".

The reading of the request and the comparison are ``guidelines.quantity``'s (pure Python); this module feeds them the
limits kept in the database, of active sources only, so that an administrator's edit counts at once.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from guidelines import quantity
from guidelines.models import QuantityLimit


def library_limits() -> list[quantity.QuantityLimit]:
    """Every quantity limit of an active source in force today, as ``quantity.QuantityLimit`` (one query)."""
    rows = (
        QuantityLimit.objects.filter(source__active=True)
        .exclude(source__effective_to__lt=timezone.localdate())
        .select_related("source", "section")
        .order_by("pk")
    )
    return [row.as_dataclass() for row in rows]


def check_item(description: str, *, diagnosis: str | None = None) -> list[quantity.QuantityFinding]:
    """How a disputed item, as requested, compares with the library's limits (none when no count is stated or no
    limit applies)."""
    request = quantity.parse_request(description)
    return quantity.check_quantity(request, library_limits(), diagnosis=diagnosis)


def check_item_report(description: str, *, diagnosis: str | None = None) -> dict[str, Any]:
    """The request read from ``description`` and each finding, JSON-ready: {"request": {...}, "findings":
    [{"message", "exceeds", ...}], "exceeds": bool}."""
    request = quantity.parse_request(description)
    findings = quantity.check_quantity(request, library_limits(), diagnosis=diagnosis)
    return {
        "request": request.as_dict(),
        "findings": [finding.as_dict() for finding in findings],
        "exceeds": quantity.exceeds_guidelines(findings),
    }
