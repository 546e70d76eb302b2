"""The API's world: two claims administrators and a law firm, each with a case naming it, and keys."""

from __future__ import annotations

import copy
from dataclasses import dataclass

import pytest

from api.keys import create_key
from api.models import Scope
from cases.services.intake import note_external_case_number
from core.models import Party
from tests.factories import CaseFactory, PartyFactory

ALL_SCOPES = list(Scope.values)

# One case of imr-case/1 as an application: a new case (no status, no determinations, no reviewer).
APPLICATION = {
    "priority": "standard",
    "claim_number": "05A1234567",
    "dates": {
        "injury": "2026-01-05",
        "ur_determination": "2026-10-01",
        "application_received": "2026-10-20",
        "assigned": None,
        "records_received": None,
        "decision": None,
    },
    "employee": {"name": "Jane Roe", "date_of_birth": "1980-04-02", "age": None, "sex": "female"},
    "employer": {"name": "Acme Produce"},
    "claims_administrator": {"name": "Golden State Claims", "adjuster": "Pat Doe"},
    "employee_attorney": None,
    "requesting_provider": {"name": "Sam Lee, MD", "specialty": "Orthopedic Surgery", "organization": None},
    "diagnosis": {"description": "neck strain", "icd10": "S16.1XXA"},
    "reviewer": None,
    "clinical_case_summary": None,
    "items": [
        {
            "description": "Acupuncture 3 times a week for 2 weeks, neck",
            "category": "Therapies",
            "ur_outcome": "denied",
            "original_request": None,
            "authorized": None,
            "claims_administrator_basis": {"mtus": [], "non_mtus": []},
        }
    ],
}


def application(**changes) -> dict:
    data = copy.deepcopy(APPLICATION)
    data.update(changes)
    return data


@dataclass
class World:
    golden: Party
    pacific: Party
    firm: Party
    golden_case: object
    pacific_case: object
    firm_case: object


@pytest.fixture
def world(db) -> World:
    golden = PartyFactory(kind=Party.Kind.CLAIMS_ADMINISTRATOR, name="Golden State Claims")
    pacific = PartyFactory(kind=Party.Kind.CLAIMS_ADMINISTRATOR, name="Pacific Claims Services")
    firm = PartyFactory(kind=Party.Kind.LAW_FIRM, name="Roe & Partners")
    world = World(
        golden=golden,
        pacific=pacific,
        firm=firm,
        golden_case=CaseFactory(claims_administrator=golden),
        pacific_case=CaseFactory(claims_administrator=pacific),
        firm_case=CaseFactory(employee_attorney=firm),
    )
    for case in (world.golden_case, world.pacific_case, world.firm_case):
        note_external_case_number(case.case_number)  # the factory's numbers are not handed out again
    return world


@pytest.fixture
def make_key():
    def make(organization, scopes=None, **fields) -> str:
        return create_key(organization, name="test system", scopes=scopes or ALL_SCOPES, **fields)[1]

    return make


def bearer(key: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}
