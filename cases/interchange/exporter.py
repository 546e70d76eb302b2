"""Export cases as an `imr-case/1` document: every key present, in the order of CASE-FORMAT.md, null where empty.

An imported case exports as it was imported. Determinations are exported for decided cases only, from their latest
approved determination; a case still under review has none (the format leaves the key out).

Changes when the exported form changes (an export-only key such as the clock goes in ``export_case``).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet

from cases.interchange.parties import contact_object
from cases.interchange.spec import DATE_FIELDS, FORMAT
from cases.lifecycle import DECIDED_STATES
from cases.models import Case, Determination, DisputedItem, ItemDecision
from core.models import Party


def _or_none(value: str) -> str | None:
    return value or None


def _basis(value: dict | None) -> dict[str, Any]:
    """A basis in its exported form; keys that other parts of the portal add (library links) are left out."""
    value = value or {}
    mtus = []
    for citation in value.get("mtus", []):
        exported = {"chapter": citation["chapter"], "sections": list(citation.get("sections", []))}
        if citation.get("pages"):
            exported["pages"] = citation["pages"]
        mtus.append(exported)
    return {"mtus": mtus, "non_mtus": list(value.get("non_mtus", []))}


def _party_object(**values: Any) -> dict[str, Any] | None:
    return values if any(value is not None for value in values.values()) else None


def _item(item: DisputedItem, decision: ItemDecision | None) -> dict[str, Any]:
    exported: dict[str, Any] = {
        "description": item.description,
        "category": _or_none(item.category),
        "ur_outcome": item.ur_outcome,
        "original_request": _or_none(item.original_request),
        "authorized": _or_none(item.authorized),
        "claims_administrator_basis": _basis(item.claims_administrator_basis)
        if item.claims_administrator_basis
        else None,
    }
    if item.kind:  # optional in the format: absent means the portal decides (the export's clock says how)
        exported["kind"] = item.kind
    if decision is not None:
        exported["determination"] = {
            "decision": decision.decision,
            "basis": _basis(decision.basis),
            "rationale": decision.rationale,
        }
    return exported


def _determination(case: Case) -> Determination | None:
    """The determination a decided case exports: its latest approved version (none while under review)."""
    approved = [d for d in case.determinations.all() if d.state == Determination.State.APPROVED]
    return max(approved, key=lambda d: d.version) if approved and case.status in DECIDED_STATES else None


def _employee(case: Case) -> dict[str, Any]:
    return {
        "name": _or_none(case.employee_name),
        "date_of_birth": case.employee_date_of_birth.isoformat() if case.employee_date_of_birth else None,
        "age": case.employee_age,
        "sex": _or_none(case.employee_sex),
        **contact_object(
            lines=case.employee_address,
            city=case.employee_city,
            state=case.employee_state,
            zip_code=case.employee_zip,
            email=case.employee_email,
            fax=case.employee_fax,
            phone=case.employee_phone,
        ),
    }


def _party_contact(party: Party | None) -> dict[str, Any]:
    """How a party is served, as the format carries it ({} without a party)."""
    if party is None:
        return {}
    return contact_object(
        lines=party.address_lines,
        city=party.city,
        state=party.state,
        zip_code=party.zip_code,
        email=party.email,
        fax=party.fax,
        phone=party.phone,
    )


def _parties(case: Case) -> dict[str, Any]:
    """The party objects of a case, in the format's order."""
    provider = case.requesting_provider
    organization = provider.organization if provider is not None else None
    return {
        "employer": _party_object(name=case.employer.name, **_party_contact(case.employer)) if case.employer else None,
        "claims_administrator": _party_object(
            name=case.claims_administrator.name if case.claims_administrator else None,
            adjuster=_or_none(case.adjuster_name),
            **_party_contact(case.claims_administrator),
        ),
        "employee_attorney": _party_object(
            name=_or_none(case.attorney_name),
            firm=case.employee_attorney.name if case.employee_attorney else None,
            **_party_contact(case.employee_attorney),
        ),
        "requesting_provider": _party_object(
            name=provider.name if provider else None,
            specialty=_or_none(case.provider_specialty),
            organization=organization.name if organization else None,
            **_party_contact(provider),
        ),
    }


def _reviewer(case: Case) -> dict[str, list[str]] | None:
    credentials = case.reviewer_credentials
    if not credentials:
        return None
    return {
        "licensure": list(credentials.get("licensure", [])),
        "certifications": list(credentials.get("certifications", [])),
    }


def _dates(case: Case) -> dict[str, str | None]:
    dates = {key: getattr(case, name).isoformat() if getattr(case, name) else None for key, name in DATE_FIELDS.items()}
    if case.records_requested:  # optional in the format: written only when the notice was sent
        dates["records_requested"] = case.records_requested.isoformat()
        dates["records_request_method"] = case.records_request_method
    return dates


def export_case(case: Case) -> dict[str, Any]:
    """One case as imr-case/1. Expects the prefetching of ``export_queryset`` (or costs a few queries)."""
    determination = _determination(case)
    decisions = {decision.item_id: decision for decision in determination.decisions.all()} if determination else {}
    return {
        "case_number": case.case_number,
        "priority": case.priority,
        "status": case.status,
        "claim_number": _or_none(case.claim_number),
        "dates": _dates(case),
        "employee": _employee(case),
        **_parties(case),
        "diagnosis": _party_object(description=_or_none(case.diagnosis), icd10=_or_none(case.icd10_code)),
        "reviewer": _reviewer(case),
        "clinical_case_summary": _or_none(determination.clinical_case_summary) if determination else None,
        "items": [_item(item, decisions.get(item.pk)) for item in case.items.all()],
        "clock": _clock(case),
    }


def _clock(case: Case) -> dict[str, str | None]:
    """The portal's own computation of the deadlines (CASE-FORMAT.md, "Dispute kind and the clock")."""
    days = {"starts_on": case.clock_starts_on, "due_on": case.due_date, "records_due_on": case.records_due_date}
    return {"track": case.track, **{key: day.isoformat() if day else None for key, day in days.items()}}


def export_queryset(queryset: QuerySet) -> QuerySet:
    """The cases with everything the export reads, in case number order."""
    return (
        queryset.select_related(
            "employer", "claims_administrator", "employee_attorney", "requesting_provider__organization"
        )
        .prefetch_related(
            Prefetch("items", queryset=DisputedItem.objects.order_by("position", "pk")),
            Prefetch(
                "determinations",
                queryset=Determination.objects.filter(state=Determination.State.APPROVED).prefetch_related("decisions"),
            ),
        )
        .order_by("case_number")
    )


def export_document(queryset: QuerySet | None = None) -> dict[str, Any]:
    """The cases of ``queryset`` (all cases when None) as an imr-case/1 document."""
    queryset = Case.objects.all() if queryset is None else queryset
    return {"format": FORMAT, "cases": [export_case(case) for case in export_queryset(queryset)]}
