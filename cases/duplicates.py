"""Likely duplicates of an application, found before a new case is saved, and the applications that may be joined
into one determination (8 CCR 9792.10.4(a): same employee, requesting physician and date of injury)."""

from __future__ import annotations

from django.db.models import Q

from cases.lifecycle import ASSIGNABLE_STATES, Status
from cases.models import Case

# A case may be joined, or receive a joined case, only before a reviewer has it: its items are then still to decide.
JOINABLE_STATES = frozenset({Status.RECEIVED, *ASSIGNABLE_STATES})


def _same_worker(name: str) -> Q:
    return Q(employee_name__iexact=" ".join((name or "").split()))


def likely_duplicates(values: dict, *, exclude_pk: int | None = None) -> list[Case]:
    """Cases that are probably this application again: the same worker and claim number, or the same worker, date of
    injury, requesting physician and UR date. ``values`` are the intake form's cleaned data."""
    name = (values.get("employee_name") or "").strip()
    if not name:
        return []
    tests = Q()
    claim = (values.get("claim_number") or "").strip()
    if claim:
        tests |= Q(claim_number__iexact=claim)
    physician = " ".join((values.get("requesting_provider_name") or "").split())
    injury, ur = values.get("date_of_injury"), values.get("ur_determination_date")
    if physician and injury and ur:
        tests |= Q(date_of_injury=injury, ur_determination_date=ur, requesting_provider__name__iexact=physician)
    if not tests:
        return []
    found = Case.objects.filter(_same_worker(name) & tests)
    if exclude_pk is not None:
        found = found.exclude(pk=exclude_pk)
    return list(found.order_by("-case_number")[:10])


def joinable(case: Case) -> list[Case]:
    """Open cases this one may be joined into: the same employee, requesting physician and date of injury."""
    if case.status not in JOINABLE_STATES or not (
        case.employee_name and case.requesting_provider_id and case.date_of_injury
    ):
        return []
    return list(
        Case.objects.filter(
            _same_worker(case.employee_name),
            requesting_provider_id=case.requesting_provider_id,
            date_of_injury=case.date_of_injury,
            status__in=JOINABLE_STATES,
            joined_into__isnull=True,
        )
        .exclude(pk=case.pk)
        .order_by("case_number")
    )


def cannot_join(case: Case, lead: Case | None) -> str:
    """Why ``case`` cannot be joined into ``lead`` (empty when it can)."""
    if lead is None:
        return "Name the case to join this one into."
    if lead.pk == case.pk:
        return "A case cannot be joined into itself."
    if lead not in joinable(case):
        return (
            f"Case {case.case_number} cannot be joined into {lead.case_number}: joined applications have the same "
            "employee, requesting physician and date of injury, and neither may be with a reviewer yet (9792.10.4(a))."
        )
    return ""
