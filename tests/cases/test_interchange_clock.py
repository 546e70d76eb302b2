"""imr-case/1 and the clock: ``items[].kind``, ``dates.records_requested`` and ``records_request_method`` imported;
each case's ``clock`` exported, checked against dates worked out by hand (CASE-FORMAT.md, "Dispute kind and the
clock"); an exported document, clock included, imports again."""

import copy

import pytest

from cases.interchange import export_document, import_document
from cases.models import Case
from tests.cases.test_interchange import open_case
from tests.cases.test_tracks import load_starter_list

pytestmark = pytest.mark.django_db


def _item(description, category, kind=None):
    item = {
        "description": description,
        "category": category,
        "ur_outcome": "denied",
        "original_request": None,
        "authorized": None,
        "claims_administrator_basis": None,
    }
    if kind:
        item["kind"] = kind
    return item


def _case(number, priority, received, records, items, requested=None, method=None):
    case = open_case(priority=priority)
    case.update(case_number=number, status="records_received" if records else "records_requested", items=items)
    case["dates"].update(ur_determination="2026-01-02", application_received=received, records_received=records)
    if requested:
        case["dates"].update(records_requested=requested, records_request_method=method)
    return case


THERAPY = _item("Physical therapy 2 x 4, lumbar", "Therapies")
# (case, its clock as worked out by hand)
CASES = [
    # Standard: records 3/10 + 30 days = 4/9; mailed notice 3/2 + 15 = 3/17.
    (
        _case("CM26-0000101", "standard", "2026-03-02", "2026-03-10", [THERAPY], "2026-03-02", "mail"),
        {"track": "standard", "starts_on": "2026-03-10", "due_on": "2026-04-09", "records_due_on": "2026-03-17"},
    ),
    # Expedited: 11/24 + 3 = 11/27 (the Friday holiday is not skipped); electronic notice, 24 hours: 11/25.
    (
        _case("CM26-0000102", "expedited", "2026-11-24", "2026-11-24", [THERAPY], "2026-11-24", "electronic"),
        {"track": "expedited", "starts_on": "2026-11-24", "due_on": "2026-11-27", "records_due_on": "2026-11-25"},
    ),
    # Formulary by its kind: 11/25 + 5 working days (11/26 and 11/27 holidays) = 12/4; notice 11/25 + 12 = 12/7.
    (
        _case(
            "CM26-0000103",
            "standard",
            "2026-11-25",
            "2026-11-25",
            [_item("Compounded flurbiprofen cream", "Pharmaceuticals", "formulary_drug")],
            "2026-11-25",
            "electronic",
        ),
        {"track": "formulary", "starts_on": "2026-11-25", "due_on": "2026-12-04", "records_due_on": "2026-12-07"},
    ),
    # Mixed, the drug recognized from the drug list through a brand name: Mon 11/9 + 5 working days (Veterans Day
    # 11/11 skipped) = 11/17.
    (
        _case("CM26-0000104", "standard", "2026-11-09", "2026-11-09", [_item("Norco 10/325 #60", None), THERAPY]),
        {"track": "formulary", "starts_on": "2026-11-09", "due_on": "2026-11-17", "records_due_on": None},
    ),
    # Formulary, records still awaited: no clock yet; mailed notice Fri 11/20 + 15 = Sat 12/5 (not moved).
    (
        _case(
            "CM26-0000105",
            "standard",
            "2026-11-20",
            None,
            [_item("Tramadol 50 mg #60", "Pharmaceuticals")],
            "2026-11-20",
            "mail",
        ),
        {"track": "formulary", "starts_on": None, "due_on": None, "records_due_on": "2026-12-05"},
    ),
]


@pytest.fixture
def imported(db):
    load_starter_list()
    import_document({"format": "imr-case/1", "cases": [copy.deepcopy(case) for case, _ in CASES]})


def test_the_export_carries_each_cases_clock_as_worked_out_by_hand(imported):
    exported = {case["case_number"]: case for case in export_document()["cases"]}
    assert {number: case["clock"] for number, case in exported.items()} == {
        case["case_number"]: clock for case, clock in CASES
    }


def test_the_kind_and_the_records_notice_are_imported_and_exported_as_given(imported):
    case = Case.objects.get(case_number="CM26-0000103")
    assert (case.items.get().kind, case.records_requested.isoformat(), case.records_request_method) == (
        "formulary_drug",
        "2026-11-25",
        "electronic",
    )
    exported = {case["case_number"]: case for case in export_document()["cases"]}
    for case, _ in CASES:
        assert {key: value for key, value in exported[case["case_number"]].items() if key != "clock"} == case


def test_an_exported_document_with_its_clock_imports_again_and_the_clock_is_ignored(imported):
    document = export_document()
    document["cases"][0]["clock"] = {"track": "expedited", "starts_on": None, "due_on": "1999-01-01"}
    result = import_document(document, update=True)
    assert len(result.updated) == len(CASES)
    assert Case.objects.get(case_number="CM26-0000101").due_date.isoformat() == "2026-04-09"
