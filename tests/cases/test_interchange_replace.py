"""Replacing existing cases by import ("replace existing cases", ``import_cases --update``) never erases a case's
history: a case that a reviewer was offered, or that has a determination written in the portal or a letter, is
refused with its JSON path and the reason, and the whole import with it (issue 20, finding 6)."""

import copy
import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from cases.lifecycle import Status
from cases.models import Assignment, Case, Determination, DisputedItem
from cases.services import assignment, determinations
from tests.cases.test_interchange import EXAMPLE, open_case
from tests.factories import reviewer_profile, specialty_fit, waiting_case

pytestmark = pytest.mark.django_db

BASIS = {
    "mtus": [{"chapter": "Chronic Pain Medical Treatment 2016", "sections": ["Physical Medicine"]}],
    "non_mtus": [],
}


@pytest.fixture
def profile(reviewer):
    specialty_fit()
    return reviewer_profile(reviewer)


def accepted_case(admin_user, reviewer) -> Case:
    case = waiting_case(items=2)
    assignment.offer_case(case, reviewer, by=admin_user)
    assignment.accept_case(case, by=reviewer, attestation_text="I have no conflict of interest with this case.")
    case.refresh_from_db()
    return case


def case_in_review_with_a_draft(admin_user, reviewer) -> Case:
    case = accepted_case(admin_user, reviewer)
    determinations.start_or_get_draft(case, by=reviewer)
    return case


def case_in_qa(admin_user, reviewer) -> Case:
    case = accepted_case(admin_user, reviewer)
    draft = determinations.start_or_get_draft(case, by=reviewer)
    decisions = {
        item.pk: {"decision": "upheld", "basis": BASIS, "rationale": "The request is not medically necessary."}
        for item in case.items.all()
    }
    determinations.save_draft(draft, by=reviewer, revision=0, summary="Summary v1.", decisions=decisions)
    determinations.submit_determination(draft, by=reviewer)
    case.refresh_from_db()
    return case


def exported_as_received(tmp_path, *cases: Case) -> dict:
    """The cases exported by the command, then turned back to "received" as a hostile re-import would."""
    out = tmp_path / "exported.json"
    call_command("export_cases", *[arg for case in cases for arg in ("--case", case.case_number)], "-o", str(out))
    document = json.loads(out.read_text(encoding="utf-8"))
    for exported in document["cases"]:
        exported["status"] = "received"
    return document


def history() -> tuple:
    """Everything a replacement must leave alone, in a comparable form."""
    return (
        list(Case.objects.order_by("case_number").values_list("case_number", "status", "reviewer_id")),
        list(Determination.objects.order_by("case__case_number", "version").values_list("case_id", "version", "state")),
        list(Assignment.objects.order_by("pk").values_list("case_id", "reviewer_id", "state")),
        list(DisputedItem.objects.order_by("pk").values_list("pk", "description")),
    )


def test_replacing_cases_in_review_and_in_qa_is_refused_and_keeps_their_versions(
    tmp_path, admin_user, reviewer, profile
):
    in_review = case_in_review_with_a_draft(admin_user, reviewer)
    in_qa = case_in_qa(admin_user, reviewer)
    source = tmp_path / "replace.json"
    source.write_text(json.dumps(exported_as_received(tmp_path, in_review, in_qa)), encoding="utf-8")
    before = history()
    errors = io.StringIO()

    with pytest.raises(CommandError, match=f"Nothing imported: 2 errors in {source}."):
        call_command("import_cases", str(source), "--update", stderr=errors)

    first, second = sorted([in_review, in_qa], key=lambda case: case.case_number)
    assert errors.getvalue().splitlines() == [
        f"cases[0].case_number: case {first.case_number} cannot be replaced: it has {reasons(first)}, "
        "history that a replacement would erase or contradict; correct the case in the portal instead",
        f"cases[1].case_number: case {second.case_number} cannot be replaced: it has {reasons(second)}, "
        "history that a replacement would erase or contradict; correct the case in the portal instead",
    ]
    assert history() == before
    assert [(d.case_id, d.version, d.state) for d in Determination.objects.order_by("case__case_number")] == sorted(
        [(in_review.pk, 1, "draft"), (in_qa.pk, 1, "submitted")], key=lambda row: row[0]
    )


def reasons(case: Case) -> str:
    state = "draft" if case.status == Status.IN_REVIEW else "submitted"
    return f"an assignment (accepted) and determination v1 ({state})"


def test_a_case_only_offered_to_a_reviewer_is_not_replaced_either(tmp_path, admin_user, reviewer, profile):
    case = waiting_case()
    assignment.offer_case(case, reviewer, by=admin_user)
    document = exported_as_received(tmp_path, case)
    before = history()
    errors = io.StringIO()

    with pytest.raises(CommandError, match="Nothing imported: 1 error in -."):
        call_command("import_cases", "-", "--update", stdin=io.StringIO(json.dumps(document)), stderr=errors)

    assert errors.getvalue().splitlines() == [
        f"cases[0].case_number: case {case.case_number} cannot be replaced: it has an assignment (offered), "
        "history that a replacement would erase or contradict; correct the case in the portal instead",
    ]
    assert history() == before


def test_one_case_with_work_refuses_the_whole_import_and_every_other_error_is_still_listed(
    tmp_path, admin_user, reviewer, profile
):
    untouched = waiting_case()
    in_review = case_in_review_with_a_draft(admin_user, reviewer)
    document = exported_as_received(tmp_path, untouched, in_review)
    document["cases"].append(open_case(priority="soon"))
    index = [case["case_number"] for case in document["cases"][:2]].index(in_review.case_number)
    before = history()
    errors = io.StringIO()

    with pytest.raises(CommandError, match="Nothing imported: 2 errors in -."):
        call_command("import_cases", "-", "--update", stdin=io.StringIO(json.dumps(document)), stderr=errors)

    assert errors.getvalue().splitlines() == [
        f"cases[{index}].case_number: case {in_review.case_number} cannot be replaced: it has an assignment "
        "(accepted) and determination v1 (draft), history that a replacement would erase or contradict; "
        "correct the case in the portal instead",
        'cases[2].priority: must be "standard" or "expedited"',
    ]
    assert history() == before


def test_a_case_nobody_has_worked_on_is_still_replaced(tmp_path):
    case = waiting_case(items=2)
    document = exported_as_received(tmp_path, case)
    document["cases"][0]["items"] = document["cases"][0]["items"][:1]
    out = io.StringIO()

    call_command("import_cases", "-", "--update", stdin=io.StringIO(json.dumps(document)), stdout=out)

    case.refresh_from_db()
    assert out.getvalue().strip() == "Imported -: 0 cases created, 1 replaced, 1 disputed item."
    assert (case.status, case.items.count()) == (Status.RECEIVED, 1)


def test_a_historical_case_imported_with_its_determination_is_still_replaced():
    call_command("import_cases", "-", stdin=io.StringIO(json.dumps(EXAMPLE)), stdout=io.StringIO())
    document = copy.deepcopy(EXAMPLE)
    document["cases"][0]["items"][0]["determination"]["decision"] = "upheld"
    out = io.StringIO()

    call_command("import_cases", "-", "--update", stdin=io.StringIO(json.dumps(document)), stdout=out)

    assert out.getvalue().strip() == "Imported -: 0 cases created, 1 replaced, 1 disputed item."
    decision = Determination.objects.get().decisions.get()
    assert decision.decision == "upheld"


def test_the_import_page_refuses_to_replace_a_case_in_review(tmp_path, admin_client, admin_user, reviewer, profile):
    case = case_in_review_with_a_draft(admin_user, reviewer)
    text = json.dumps(exported_as_received(tmp_path, case)).encode()
    before = history()

    response = admin_client.post(
        reverse("cases:import"),
        {"document": SimpleUploadedFile("cases.json", text, content_type="application/json"), "update": "on"},
    )

    assert response.status_code == 200
    assert response.context["errors"] == [
        f"cases[0].case_number: case {case.case_number} cannot be replaced: it has an assignment (accepted) and "
        "determination v1 (draft), history that a replacement would erase or contradict; "
        "correct the case in the portal instead",
    ]
    assert history() == before
