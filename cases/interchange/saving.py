"""Writing the cases of a checked `imr-case/1` document: a case's fields from its JSON, the new cases of a batch
with their numbers, and the items, determinations and item decisions of new and replaced cases, by bulk inserts
(``core.bulk.bulk_insert``: ``COPY`` on PostgreSQL).

Changes when the models or the format's fields change: a new item field (``items[].kind``) goes in ``_items``, a new
case field in ``case_fields`` (a new date in ``spec.DATE_FIELDS``).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils import timezone

from cases.interchange.parties import Parties, contact_fields
from cases.interchange.spec import DATE_FIELDS, FORMAT
from cases.lifecycle import DECIDED_STATES, Status
from cases.models import Case, CaseNumberSequence, CaseTransition, Determination, DisputedItem, ItemDecision
from cases.services import intake, tracks
from core.bulk import bulk_insert
from core.models import Party

Pair = tuple[Case, dict[str, Any]]  # a saved case and its JSON


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def case_fields(data: dict[str, Any], parties: Parties) -> dict[str, Any]:
    """The Case fields an imr-case/1 case sets (parties included), with "" where the document has null."""
    employee = data["employee"]
    diagnosis = data["diagnosis"] or {}
    return {
        "priority": data["priority"],
        "status": data.get("status") or Status.RECEIVED,
        "claim_number": data["claim_number"] or "",
        **{name: _date(data["dates"][key]) for key, name in DATE_FIELDS.items()},
        "employee_name": employee["name"] or "",
        "employee_date_of_birth": _date(employee["date_of_birth"]),
        "employee_age": employee["age"],
        "employee_sex": employee["sex"] or "",
        **_employee_contact(employee),
        **_party_fields(data, parties),
        "diagnosis": diagnosis.get("description") or "",
        "icd10_code": (diagnosis.get("icd10") or "").upper(),
        "reviewer_credentials": data["reviewer"] if data["reviewer"] is not None else {},
        "records_requested": _date(data["dates"].get("records_requested")),
        "records_request_method": data["dates"].get("records_request_method") or Case.RecordsMethod.ELECTRONIC,
    }


def _employee_contact(employee: dict[str, Any]) -> dict[str, str]:
    """The worker's address and numbers the document gives, as Case fields (what it leaves out is kept)."""
    names = {"address_lines": "employee_address", "zip_code": "employee_zip"}
    return {names.get(field, f"employee_{field}"): value for field, value in contact_fields(employee).items()}


def _party_fields(data: dict[str, Any], parties: Parties) -> dict[str, Any]:
    claims_administrator = data["claims_administrator"] or {}
    attorney = data["employee_attorney"] or {}
    provider = data["requesting_provider"] or {}
    physician = parties.get(Party.Kind.PHYSICIAN, provider.get("name"))
    parties.place(physician, parties.get(Party.Kind.PROVIDER_GROUP, provider.get("organization")))
    employer = data["employer"] or {}
    return {
        "employer": parties.note_contact(parties.get(Party.Kind.EMPLOYER, employer.get("name")), employer),
        "claims_administrator": parties.note_contact(
            parties.get(Party.Kind.CLAIMS_ADMINISTRATOR, claims_administrator.get("name")), claims_administrator
        ),
        "adjuster_name": claims_administrator.get("adjuster") or "",
        "employee_attorney": parties.note_contact(parties.get(Party.Kind.LAW_FIRM, attorney.get("firm")), attorney),
        "attorney_name": attorney.get("name") or "",
        "requesting_provider": parties.note_contact(physician, provider),
        "provider_specialty": provider.get("specialty") or "",
    }


def _items(case: Case, data: dict[str, Any]) -> list[DisputedItem]:
    return [
        DisputedItem(
            case=case,
            position=position,
            description=item["description"],
            category=item["category"] or "",
            ur_outcome=item["ur_outcome"],
            original_request=item["original_request"] or "",
            authorized=item["authorized"] or "",
            claims_administrator_basis=(
                item["claims_administrator_basis"] if item["claims_administrator_basis"] is not None else {}
            ),
            kind=item.get("kind") or "",
        )
        for position, item in enumerate(data["items"])
    ]


def _decisions(determination: Determination, items: list[DisputedItem], data: dict[str, Any]) -> list[ItemDecision]:
    return [
        ItemDecision(
            determination=determination,
            item=saved,
            decision=item["determination"]["decision"],
            basis=item["determination"]["basis"],
            basis_none=not (item["determination"]["basis"]["mtus"] or item["determination"]["basis"]["non_mtus"]),
            rationale=item["determination"]["rationale"],
        )
        for saved, item in zip(items, data["items"], strict=True)
    ]


def save_items(cases: list[Pair]) -> int:
    """The items, determinations and decisions of saved cases, in three bulk inserts; returns the item count.

    The determination of a decided case is the one the document carries, approved elsewhere: version 1 with no
    author, which is how ``replacing`` tells it from a determination written in the portal."""
    items = {case.pk: _items(case, data) for case, data in cases}
    bulk_insert([item for rows in items.values() for item in rows])
    tracks.refresh_many([(case, items[case.pk]) for case, _ in cases])
    decided = [(case, data) for case, data in cases if case.status in DECIDED_STATES]
    determinations = bulk_insert(
        Determination(
            case=case,
            version=1,
            state=Determination.State.APPROVED,
            clinical_case_summary=data["clinical_case_summary"] or "",
        )
        for case, data in decided
    )
    bulk_insert(
        [
            decision
            for determination, (case, data) in zip(determinations, decided, strict=True)
            for decision in _decisions(determination, items[case.pk], data)
        ]
    )
    return sum(len(rows) for rows in items.values())


class CaseNumbers:
    """Case numbers for cases that bring none, and the sequence moved past the numbers cases bring: the sequence
    rows are locked until the import's transaction ends, as ``cases.services.intake.next_case_number`` does."""

    def __init__(self) -> None:
        self.last: dict[int, int] = {}

    def _year(self, year: int) -> int:
        if year not in self.last:
            CaseNumberSequence.objects.get_or_create(year=year)
            self.last[year] = CaseNumberSequence.objects.select_for_update().get(year=year).last_value
        return self.last[year]

    def take(self, number: str | None) -> str:
        if number:
            year, value = int(number[2:4]), int(number[5:])
            self.last[year] = max(self._year(year), value)
            return number
        year = timezone.localdate().year % 100
        self.last[year] = self._year(year) + 1
        return f"CM{year:02d}-{self.last[year]:07d}"

    def save(self) -> None:
        for year, value in self.last.items():
            intake.note_external_case_number(f"CM{year:02d}-{value:07d}")


def new_case(data: dict[str, Any], parties: Parties, numbers: CaseNumbers, *, user) -> Case:
    """An unsaved Case for a case of the document that the portal does not hold yet, numbered."""
    case = Case(case_number=numbers.take(data.get("case_number")), created_by=user)
    for name, value in case_fields(data, parties).items():
        setattr(case, name, value)
    case.update_clock(None)  # the track and due date (the items' kinds are read by ``save_items``)
    return case


def insert_cases(new: list[Pair], *, user) -> list[Pair]:
    """Insert new cases and their first step on the timeline; returns them with their keys."""
    bulk_insert([case for case, _ in new])
    if new and new[0][0].pk is None:  # a database that does not return keys from bulk inserts
        saved = Case.objects.in_bulk([case.case_number for case, _ in new], field_name="case_number")
        new = [(saved[case.case_number], data) for case, data in new]
    bulk_insert(
        CaseTransition(case=case, from_status="", to_status=case.status, by=user, note=f"Imported ({FORMAT}).")
        for case, _ in new
    )
    return new
