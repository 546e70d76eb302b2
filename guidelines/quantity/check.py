"""The check: which limits apply to a request (the evidence hierarchy kept) and how the request compares with each."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from guidelines.quantity.kinds import THERAPY_KINDS, TREATMENT_FALLBACKS
from guidelines.quantity.limits import QuantityRule
from guidelines.quantity.numbers import FNUM, RANGE, number_range
from guidelines.quantity.parsing import parse_request
from guidelines.quantity.request import QuantityRequest, unit_label


@dataclass(frozen=True)
class QuantityFinding:
    """How a request compares with one limit. `exceeds`: the count is above the limit's allowance (for an initial
    request, the initial trial). `exceeds_initial_trial`: above the trial, where the limit has one."""

    limit: QuantityRule
    requested: int
    requested_min: int | None
    unit: str
    allowance: int
    exceeds: bool
    exceeds_initial_trial: bool | None
    frequency_exceeds: bool
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "exceeds": self.exceeds,
            "message": self.message,
            "requested": self.requested,
            "requested_min": self.requested_min,
            "unit": self.unit,
            "allowance": self.allowance,
            "exceeds_initial_trial": self.exceeds_initial_trial,
            "frequency_exceeds": self.frequency_exceeds,
            "source": self.limit.source_label,
            "edition": self.limit.edition,
            "treatment": self.limit.treatment,
            "condition": self.limit.condition,
            "verified": self.limit.verified,
        }


def _kind_candidates(request: QuantityRequest, limits: Iterable[QuantityRule]) -> list[QuantityRule]:
    limits = list(limits)
    for kind in (request.treatment, *TREATMENT_FALLBACKS.get(request.treatment or "", ())):
        matching = [limit for limit in limits if limit.kind == kind]
        if matching:
            return matching
    return []


def _region_applies(limit: QuantityRule, region: str | None) -> bool:
    regions = limit.body_regions
    if not regions:
        return True
    if region is not None:
        return region in regions
    # With no region stated, a region's allowance may apply, but never a "not recommended for this region".
    return limit.max_visits > 0


def applicable_limits(
    request: QuantityRequest, limits: Iterable[QuantityRule], *, diagnosis: str | None = None
) -> list[QuantityRule]:
    """The limits that apply to `request` (see the `guidelines.quantity` docstring). For each body region of the
    request, the limits come from the highest-ranked guideline family that has any for it: the MTUS first, ACOEM and
    ODG where the MTUS is silent (MTUS manipulation limits cover the low back; the neck's come from the ODG)."""
    if request.treatment not in THERAPY_KINDS:
        return []
    candidates = [limit for limit in _kind_candidates(request, limits) if limit.postoperative == request.postoperative]
    words = f"{request.text} {diagnosis or ''}".lower()
    chosen: list[QuantityRule] = []
    for region in request.body_regions or (None,):
        in_region = [limit for limit in candidates if _region_applies(limit, region)]
        for rank in sorted({limit.evidence_rank for limit in in_region}):
            family = [limit for limit in in_region if limit.evidence_rank == rank]
            specific = [
                limit for limit in family if limit.condition_terms and any(t in words for t in limit.condition_terms)
            ]
            general = [limit for limit in family if not limit.condition_terms]
            if specific or general or family:
                chosen.extend(limit for limit in specific or general or family if limit not in chosen)
                break
    return chosen


def _frequency_bounds(text: str) -> tuple[int, int] | None:
    match = re.search(rf"(?P<f1>{FNUM})(?:{RANGE}(?P<f2>{FNUM}))?\s*(?:x|times?|visits?)?\s*(?:a|per|/)\s*week", text)
    return number_range(match, "f1", "f2") if match else None


_VISIT_UNITS = frozenset({"visits", "sessions", "treatments", "full-day sessions"})


def _comparable(requested: str | None, allowed: str) -> bool:
    """Visits, sessions and treatments count alike; hours or tablets are not compared with visits."""
    return requested is None or requested == allowed or (requested in _VISIT_UNITS and allowed in _VISIT_UNITS)


def check_quantity(
    request: QuantityRequest, limits: Iterable[QuantityRule], *, diagnosis: str | None = None
) -> list[QuantityFinding]:
    """One finding per applicable limit; none when the request states no count or no limit applies.

    A finding reads "requested 12 visits; MTUS Chronic Pain Medical Treatment 2016, Physical medicine treatment
    allows 9-10 visits over 8 weeks for myalgia and myositis". `diagnosis` (free text) selects the limits written for
    a particular diagnosis (CRPS, arthritis, a surgery)."""
    if request.count is None:
        return []
    findings = []
    for limit in applicable_limits(request, limits, diagnosis=diagnosis):
        if not _comparable(request.unit, limit.unit):
            continue
        unit = unit_label(request.count, request.unit or limit.unit)
        requested = f"{request.count_min}-{request.count}" if request.count_min else f"{request.count}"
        condition = re.sub(r"\s*\(not recommended\)", "", limit.condition)
        if limit.max_visits == 0 and not limit.total_with_improvement and not limit.initial_trial:
            allowance = 0
            message = f"requested {requested} {unit}; {limit.source_label} does not recommend {limit.treatment}"
            message += f" for {condition}" if condition else ""
        else:
            allowance = limit.allowance(initial=request.initial)
            message = f"requested {requested} {unit}; {limit.source_label} allows {limit.describe()}"
            message += f" for {condition}" if condition else ""
            message += f" ({limit.frequency})" if limit.frequency else ""
        frequency_exceeds = False
        bounds = _frequency_bounds(limit.frequency) if limit.frequency else None
        if bounds and request.frequency_per_week and request.frequency_per_week > bounds[1]:
            frequency_exceeds = True
            message += f"; {request.frequency_per_week} times a week is more often than that"
        if not limit.verified:
            message += " (this limit is not yet verified against the guideline's text)"
        trial = limit.initial_trial
        findings.append(
            QuantityFinding(
                limit=limit,
                requested=request.count,
                requested_min=request.count_min,
                unit=unit,
                allowance=allowance,
                exceeds=request.count > allowance,
                exceeds_initial_trial=None if trial is None else request.count > trial,
                frequency_exceeds=frequency_exceeds,
                message=message,
            )
        )
    return findings


def exceeds_guidelines(findings: list[QuantityFinding]) -> bool:
    """True when the request is above the largest applicable allowance, i.e. above every applicable limit."""
    return bool(findings) and all(finding.exceeds for finding in findings)


def check_request_text(text: str, limits: Iterable[QuantityRule], *, diagnosis: str | None = None) -> dict[str, Any]:
    """The request read from `text` and its findings, as JSON-ready data ({"request": ..., "findings": [...],
    "exceeds": bool})."""
    request = parse_request(text)
    findings = check_quantity(request, limits, diagnosis=diagnosis)
    return {
        "request": request.as_dict(),
        "findings": [finding.as_dict() for finding in findings],
        "exceeds": exceeds_guidelines(findings),
    }
