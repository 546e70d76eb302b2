import copy
import datetime
import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from audit.models import AccessEvent
from cases.interchange import InterchangeError, export_document, import_document, schema
from cases.lifecycle import Status
from cases.models import Case, CaseTransition, Category, Determination, DisputedItem, ItemDecision
from cases.services import intake
from core.models import Party
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db


def with_clock(document: dict) -> dict:
    """The document as the portal exports it: each case with its ``clock``, computed here from the dates by the
    rules of LC 4610.6(d) (no drug list is loaded, so the track is the priority; no records notice, no records due)."""
    expected = copy.deepcopy(document)
    for case in expected["cases"]:
        dates = case["dates"]
        known = [dates["application_received"], dates["records_received"]]
        start = datetime.date.fromisoformat(max(known)) if all(known) else None
        days = 3 if case["priority"] == "expedited" else 30
        due = start + datetime.timedelta(days=days) if start else None
        case["clock"] = {
            "track": case["priority"],
            "starts_on": start.isoformat() if start else None,
            "due_on": due.isoformat() if due else None,
            "records_due_on": None,
        }
    return expected


# The example of CASE-FORMAT.md, word for word.
EXAMPLE = {
    "format": "imr-case/1",
    "cases": [
        {
            "case_number": "CM16-0230548",
            "priority": "standard",
            "status": "closed",
            "claim_number": "05A1234567",
            "dates": {
                "injury": "2016-11-01",
                "ur_determination": "2016-12-01",
                "application_received": "2016-12-01",
                "assigned": "2016-12-06",
                "records_received": None,
                "decision": "2017-01-04",
            },
            "employee": {"name": "Jane Roe", "date_of_birth": None, "age": 60, "sex": "male"},
            "employer": {"name": "Acme Produce"},
            "claims_administrator": {"name": "Golden State Claims", "adjuster": "Pat Doe"},
            "employee_attorney": None,
            "requesting_provider": {"name": "Sam Lee, MD", "specialty": "Orthopedic Surgery", "organization": None},
            "diagnosis": {"description": "neck strain", "icd10": "S16.1XXA"},
            "reviewer": {"licensure": ["Texas"], "certifications": ["Preventive Medicine", "Occupational Medicine"]},
            "clinical_case_summary": "The injured worker is a 60 year old male ...",
            "items": [
                {
                    "description": "Acupuncture 3 times a week for 2 weeks, neck, right hand and head",
                    "category": "Therapies",
                    "ur_outcome": "denied",
                    "original_request": None,
                    "authorized": None,
                    "claims_administrator_basis": {
                        "mtus": [{"chapter": "Acupuncture Treatment 2007", "sections": []}],
                        "non_mtus": [],
                    },
                    "determination": {
                        "decision": "overturned",
                        "basis": {"mtus": [{"chapter": "Acupuncture Treatment 2007", "sections": []}], "non_mtus": []},
                        "rationale": "The MTUS Acupuncture Guidelines states ... is medically necessary.",
                    },
                }
            ],
        }
    ],
}


def open_case(**changes) -> dict:
    """An intake case as a state feed would send it: no number, no status, every party named."""
    case = {
        "priority": "expedited",
        "claim_number": "CLM-2026-0042",
        "dates": {
            "injury": "2025-03-14",
            "ur_determination": "2026-10-02",
            "application_received": "2026-10-20",
            "assigned": None,
            "records_received": None,
            "decision": None,
        },
        "employee": {"name": "Dana Example", "date_of_birth": "1971-05-09", "age": None, "sex": "female"},
        "employer": {"name": "Central Valley Packing"},
        "claims_administrator": {"name": "Harbor Claims Services", "adjuster": "Lee Adjuster"},
        "employee_attorney": {"name": "Morgan Counsel", "firm": "Counsel & Partners LLP"},
        "requesting_provider": {
            "name": "Avery Doctor, MD",
            "specialty": "Pain Medicine",
            "organization": "Valley Spine",
        },
        "diagnosis": {"description": "Lumbar disc displacement", "icd10": "M51.26"},
        "reviewer": None,
        "clinical_case_summary": None,
        "items": [
            {
                "description": "Lumbar epidural steroid injection L4-L5",
                "category": "Injections",
                "ur_outcome": "modified",
                "original_request": "Lumbar epidural steroid injection L4-L5 and L5-S1",
                "authorized": "Lumbar epidural steroid injection L5-S1",
                "claims_administrator_basis": {
                    "mtus": [
                        {
                            "chapter": "Chronic Pain Medical Treatment 2016",
                            "sections": ["Epidural steroid injections (ESIs)"],
                        }
                    ],
                    "non_mtus": [],
                },
            }
        ],
    }
    case.update(changes)
    return case


def refused(document: dict, **options) -> list[str]:
    before = (Case.objects.count(), DisputedItem.objects.count(), Party.objects.count(), CaseTransition.objects.count())
    with pytest.raises(InterchangeError) as raised:
        import_document(document, **options)
    after = (Case.objects.count(), DisputedItem.objects.count(), Party.objects.count(), CaseTransition.objects.count())
    assert after == before
    return raised.value.errors


# -- the example and the real letters ------------------------------------------------------------------------


def test_the_example_of_the_format_imports_and_exports_unchanged(admin_user):
    result = import_document(copy.deepcopy(EXAMPLE), by=admin_user)

    case = Case.objects.get(case_number="CM16-0230548")
    assert [c.case_number for c in result.created] == ["CM16-0230548"]
    assert (case.status, case.employer.name, case.requesting_provider.name) == (
        "closed",
        "Acme Produce",
        "Sam Lee, MD",
    )
    assert case.reviewer_credentials == EXAMPLE["cases"][0]["reviewer"]
    determination = case.determinations.get()
    assert (determination.version, determination.state) == (1, Determination.State.APPROVED)
    assert list(ItemDecision.objects.values_list("decision", flat=True)) == ["overturned"]
    assert list(case.transitions.values_list("from_status", "to_status", "by")) == [("", "closed", admin_user.pk)]
    assert export_document() == with_clock(EXAMPLE)


def test_every_real_published_letter_imports_and_exports_identically(published_document):
    expected = copy.deepcopy(published_document)

    result = import_document(published_document)

    assert len(result.created) == len(expected["cases"]) == 136
    assert export_document() == with_clock(expected)


def test_an_imported_case_number_moves_the_number_sequence_past_it():
    import_document(copy.deepcopy(EXAMPLE))

    with transaction.atomic():
        assert intake.next_case_number(2016) == "CM16-0230549"


def test_an_open_case_without_a_number_gets_the_next_one_and_starts_received(admin_user):
    result = import_document({"format": "imr-case/1", "cases": [open_case()]}, by=admin_user)

    case = result.created[0]
    assert case.case_number == f"CM{timezone.localdate().year % 100:02d}-0000001"
    assert case.status == Status.RECEIVED
    assert case.requesting_provider.organization.name == "Valley Spine"
    assert case.determinations.count() == 0
    assert list(case.transitions.values_list("from_status", "to_status")) == [("", "received")]
    exported = export_document()["cases"][0]
    assert (
        exported
        == with_clock({"cases": [{"case_number": case.case_number, "status": "received", **open_case()}]})["cases"][0]
    )
    assert list(exported) == [*EXAMPLE["cases"][0], "clock"]


def test_the_schema_lists_the_portals_own_states_and_categories():
    definitions = schema()["$defs"]
    assert definitions["case"]["properties"]["status"]["enum"] == Status.values
    assert definitions["item"]["properties"]["category"]["enum"] == [*Category.values, None]


# -- errors: every one with its path, and nothing saved -------------------------------------------------------


def test_a_bad_decision_is_refused_with_its_path_and_nothing_is_saved(published_document):
    published_document["cases"][3]["items"][0]["determination"]["decision"] = "partially upheld"

    assert refused(published_document) == ['cases[3].items[0].determination.decision: must be "upheld" or "overturned"']


def test_a_bad_date_is_refused_with_its_path():
    document = copy.deepcopy(EXAMPLE)
    document["cases"][0]["dates"]["injury"] = "2016-02-30"
    document["cases"][0]["dates"]["decision"] = "01/04/2017"

    assert refused(document) == [
        'cases[0].dates.decision: must be a date written YYYY-MM-DD ("01/04/2017" is not a date)',
        'cases[0].dates.injury: must be a date written YYYY-MM-DD ("2016-02-30" is not a date)',
    ]


def test_a_missing_required_key_and_an_unknown_key_are_refused_with_their_paths():
    document = copy.deepcopy(EXAMPLE)
    del document["cases"][0]["items"][0]["determination"]["rationale"]
    del document["cases"][0]["priority"]
    document["cases"][0]["employee"]["ssn"] = "000-00-0000"

    assert refused(document) == [
        "cases[0].employee.ssn: is not a field of imr-case/1",
        "cases[0].items[0].determination.rationale: is required",
        "cases[0].priority: is required",
    ]


def test_every_error_of_every_case_is_listed_at_once():
    document = {"format": "imr-case/2", "cases": [open_case(priority="urgent"), open_case(items=[])]}

    assert refused(document) == [
        'format: must be "imr-case/1"',
        'cases[0].priority: must be "standard" or "expedited"',
        "cases[1].items: must list at least 1 disputed item",
    ]


def test_a_case_number_twice_in_the_file_is_refused():
    document = {
        "format": "imr-case/1",
        "cases": [open_case(case_number="CM26-0000007"), open_case(), open_case(case_number="CM26-0000007")],
    }

    assert refused(document) == ["cases[2].case_number: CM26-0000007 appears twice in the file (also cases[0])"]


def test_an_existing_case_number_is_refused_without_update():
    CaseFactory(case_number="CM16-0230548")

    assert refused(copy.deepcopy(EXAMPLE)) == [
        "cases[0].case_number: case CM16-0230548 already exists; "
        "import with update (replace existing cases) to replace it"
    ]


def test_a_bad_icd10_code_is_refused():
    document = {
        "format": "imr-case/1",
        "cases": [open_case(diagnosis={"description": "Back pain", "icd10": "X99.999"})],
    }

    assert refused(document) == [
        "cases[0].diagnosis.icd10: X99.999 is not an ICD-10-CM code (e.g. M51.26 or S16.1XXA)."
    ]


def test_the_rules_for_modified_items_and_decided_cases_are_checked():
    closed = copy.deepcopy(EXAMPLE["cases"][0])
    closed["dates"]["decision"] = None
    del closed["items"][0]["determination"]
    item = open_case()["items"][0] | {"original_request": None, "authorized": None}
    received = open_case(items=[item, EXAMPLE["cases"][0]["items"][0]], clinical_case_summary="A summary.")

    assert refused({"format": "imr-case/1", "cases": [closed, received]}) == [
        'cases[0].dates.decision: is required for a decided case (status "closed")',
        'cases[0].items[0].determination: is required for a decided case (status "closed")',
        'cases[1].clinical_case_summary: must be null: only a decided case has one (status "received")',
        "cases[1].items[0].original_request: is required for a modified item (what was asked)",
        "cases[1].items[0].authorized: is required for a modified item (what the claims administrator approved)",
        "cases[1].items[1].determination: must be left out: only a decided case carries determinations "
        '(status "received")',
    ]


def test_a_document_that_is_not_json_is_refused_saying_where():
    errors = io.StringIO()
    with pytest.raises(CommandError, match="Nothing imported: 1 error in -"):
        call_command("import_cases", "-", stdin=io.StringIO("{"), stderr=errors)

    assert errors.getvalue().splitlines() == [
        "(document): is not JSON: Expecting property name enclosed in double quotes at line 1, column 2"
    ]


# -- update ----------------------------------------------------------------------------------------------------


def test_update_replaces_the_items_and_determinations_of_an_existing_case(admin_user):
    import_document(copy.deepcopy(EXAMPLE))
    document = copy.deepcopy(EXAMPLE)
    replacement = copy.deepcopy(document["cases"][0]["items"][0])
    replacement["description"] = "Chiropractic manipulation 6 visits"
    replacement["determination"]["decision"] = "upheld"
    document["cases"][0]["items"] = [replacement, copy.deepcopy(EXAMPLE["cases"][0]["items"][0])]

    result = import_document(document, update=True, by=admin_user)

    case = Case.objects.get(case_number="CM16-0230548")
    assert [c.case_number for c in result.updated] == ["CM16-0230548"]
    assert list(case.items.values_list("description", flat=True)) == [
        "Chiropractic manipulation 6 visits",
        "Acupuncture 3 times a week for 2 weeks, neck, right hand and head",
    ]
    assert Determination.objects.count() == 1
    assert export_document() == with_clock(document)


# -- commands --------------------------------------------------------------------------------------------------


def test_the_commands_import_and_export_a_file(tmp_path, published_document):
    source = tmp_path / "cases.json"
    source.write_text(json.dumps(published_document), encoding="utf-8")
    out = io.StringIO()

    call_command("import_cases", str(source), stdout=out)
    call_command("export_cases", "--case", "CM16-0213037", "--case", "CM16-0221706", "-o", str(tmp_path / "out.json"))

    assert out.getvalue().strip() == f"Imported {source}: 136 cases created, 0 replaced, 288 disputed items."
    exported = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))
    assert exported == with_clock({"format": "imr-case/1", "cases": published_document["cases"][:2]})


def test_the_import_command_prints_every_error_and_fails(tmp_path):
    document = copy.deepcopy(EXAMPLE)
    document["cases"][0]["priority"] = "soon"
    document["cases"][0]["items"][0]["ur_outcome"] = "approved"
    source = tmp_path / "bad.json"
    source.write_text(json.dumps(document), encoding="utf-8")
    errors = io.StringIO()

    with pytest.raises(CommandError, match=f"Nothing imported: 2 errors in {source}."):
        call_command("import_cases", str(source), stderr=errors)

    assert errors.getvalue().splitlines() == [
        'cases[0].items[0].ur_outcome: must be "denied" or "modified"',
        'cases[0].priority: must be "standard" or "expedited"',
    ]
    assert Case.objects.count() == 0


def test_the_import_command_with_update_replaces_and_reads_standard_input():
    import_document(copy.deepcopy(EXAMPLE))
    out = io.StringIO()

    call_command("import_cases", "-", "--update", stdin=io.StringIO(json.dumps(EXAMPLE)), stdout=out)

    assert out.getvalue().strip() == "Imported -: 0 cases created, 1 replaced, 1 disputed item."


def test_the_export_command_refuses_an_unknown_case_number():
    with pytest.raises(CommandError, match="No such case: CM99-0000001."):
        call_command("export_cases", "--case", "CM99-0000001")


# -- the upload page --------------------------------------------------------------------------------------------


def upload(document: dict | str, name: str = "cases.json") -> SimpleUploadedFile:
    text = document if isinstance(document, str) else json.dumps(document)
    return SimpleUploadedFile(name, text.encode(), content_type="application/json")


def test_an_administrator_imports_a_file_and_sees_links_to_the_cases(admin_client):
    response = admin_client.post(reverse("cases:import"), {"document": upload(EXAMPLE)})

    page = response.content.decode()
    assert response.status_code == 200
    assert "Imported: 1 case created, 0 replaced, 1 disputed item." in page
    assert '<a href="/cases/CM16-0230548/">CM16-0230548</a>' in page
    assert Case.objects.count() == 1


def test_the_upload_page_lists_every_error_with_its_path_and_saves_nothing(admin_client):
    document = copy.deepcopy(EXAMPLE)
    document["cases"][0]["items"][0]["determination"]["decision"] = "maybe"
    document["cases"][0]["dates"]["injury"] = "yesterday"

    response = admin_client.post(reverse("cases:import"), {"document": upload(document)})

    assert response.status_code == 200
    assert response.context["errors"] == [
        'cases[0].dates.injury: must be a date written YYYY-MM-DD ("yesterday" is not a date)',
        'cases[0].items[0].determination.decision: must be "upheld" or "overturned"',
    ]
    assert "Nothing was imported: 2 errors" in response.content.decode()
    assert Case.objects.count() == 0


def test_the_upload_page_replaces_existing_cases_only_when_asked(admin_client):
    import_document(copy.deepcopy(EXAMPLE))

    refused_response = admin_client.post(reverse("cases:import"), {"document": upload(EXAMPLE)})
    replaced_response = admin_client.post(reverse("cases:import"), {"document": upload(EXAMPLE), "update": "on"})

    assert refused_response.context["errors"] == [
        "cases[0].case_number: case CM16-0230548 already exists; "
        "import with update (replace existing cases) to replace it"
    ]
    assert [case.case_number for case in replaced_response.context["result"].updated] == ["CM16-0230548"]


def test_the_upload_page_says_when_the_file_is_not_json(admin_client):
    response = admin_client.post(reverse("cases:import"), {"document": upload("not json")})

    assert response.context["errors"] == ["(document): is not JSON: Expecting value at line 1, column 1"]


@pytest.mark.parametrize("role", ["reviewer", "qa_user", "staff_user"])
def test_only_administrators_may_open_the_import_page_or_export(client, role, request):
    client.force_login(request.getfixturevalue(role))

    assert client.get(reverse("cases:import")).status_code == 403
    assert client.post(reverse("cases:import"), {"document": upload(EXAMPLE)}).status_code == 403
    assert client.get(reverse("cases:export")).status_code == 403
    assert Case.objects.count() == 0


def test_an_anonymous_visitor_is_sent_to_log_in(client):
    response = client.get(reverse("cases:import"))

    assert (response.status_code, response.url.split("?")[0]) == (302, "/accounts/login/")


def test_the_export_download_holds_the_filtered_cases_and_is_audited(admin_client, admin_user):
    document = {"format": "imr-case/1", "cases": [copy.deepcopy(EXAMPLE["cases"][0]), open_case()]}
    import_document(document)

    response = admin_client.get(reverse("cases:export"), {"status": "closed"})

    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="imr-cases-')
    assert json.loads(response.content) == with_clock(EXAMPLE)
    exported = AccessEvent.objects.filter(action="cases:export")
    assert list(exported.values_list("user", "object_type", "case_number", "detail")) == [
        (admin_user.pk, "case", EXAMPLE["cases"][0]["case_number"], {"format": "imr-case/1"})
    ]
