"""One way to ask for a case's letters (``letters.services.requests.request_letters``): QA's approval, the staff's and
the administrator's buttons and beat's sweep all go through the same state check, write the same audit row and queue
the same task after the commit; the services never import the tasks."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.urls import reverse

from cases.lifecycle import Status
from cases.services import determinations
from core.models import AuditEvent
from letters import services
from letters.models import Letter
from letters.tasks import generate_missing_letters
from tests import factories
from tests.factories import case_in_review

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
BASIS = {
    "mtus": [{"chapter": "Chronic Pain Medical Treatment 2016", "sections": ["Physical Medicine"]}],
    "non_mtus": [],
}
NOT_NECESSARY = "No functional improvement is documented. The request is not medically necessary."


@pytest.fixture
def case(qa_user, reviewer):
    return factories.determined_case(qa=qa_user, reviewer=reviewer)


def requests_logged(case) -> list[tuple[str | None, str]]:
    rows = AuditEvent.objects.filter(action="letter.requested", object_id=str(case.pk)).order_by("pk")
    return [(row.actor and row.actor.username, row.detail["case"]) for row in rows]


def signed_letters(case) -> list[tuple[str, int]]:
    return sorted(Letter.objects.filter(case=case, state="signed").values_list("rendition", "version"))


def test_the_administrators_generate_button_checks_the_case_and_writes_the_audit_row(
    case, admin_client, admin_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(reverse("letters:generate", args=[case.case_number]))

    assert response.status_code == 302
    assert requests_logged(case) == [("intake", case.case_number)]
    assert signed_letters(case) == [("parties", 1), ("public", 1)]


def test_generate_on_a_case_whose_letters_are_signed_is_refused_and_queues_nothing(
    case, admin_client, django_capture_on_commit_callbacks
):
    services.generate_letters(case)
    case.refresh_from_db()

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = admin_client.post(reverse("letters:generate", args=[case.case_number]), follow=True)

    assert [str(message) for message in response.context["messages"]] == [
        f"{case.case_number} is letter signed: its letters are made already."
    ]
    assert callbacks == []
    assert requests_logged(case) == []


def test_qa_approval_asks_for_the_letter_the_same_way_in_the_name_of_qa(
    client, reviewer, qa_user, django_capture_on_commit_callbacks
):
    case = case_in_review(reviewer, items=1)
    draft = determinations.start_or_get_draft(case, by=reviewer)
    item = case.items.get()
    decisions = {item.pk: {"decision": "upheld", "basis": BASIS, "rationale": NOT_NECESSARY}}
    determinations.save_draft(draft, by=reviewer, revision=0, summary="Summary v1.", decisions=decisions)
    determinations.submit_determination(draft, by=reviewer)
    client.force_login(qa_user)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("cases:qa_review", args=[case.case_number]), {"action": "approve"})

    assert response.status_code == 302
    assert requests_logged(case) == [("qa", case.case_number)]
    assert signed_letters(case) == [("parties", 1), ("public", 1)]
    case.refresh_from_db()
    assert case.status == Status.LETTER_SIGNED


def test_the_sweep_asks_for_a_missing_letter_the_same_way_in_the_name_of_the_system(
    case, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        asked = generate_missing_letters(stale_after_minutes=0)

    assert asked == 1
    assert requests_logged(case) == [(None, case.case_number)]
    assert signed_letters(case) == [("parties", 1), ("public", 1)]


def test_the_register_of_a_signed_case_offers_no_button_that_could_only_be_refused(case, admin_client):
    services.generate_letters(case)

    page = admin_client.get(reverse("letters:case_register", args=[case.case_number])).content.decode()

    assert reverse("letters:generate", args=[case.case_number]) not in page
    assert reverse("letters:request", args=[case.case_number]) not in page


def test_the_letter_services_never_import_the_letter_tasks():
    imports = []
    for path in sorted((ROOT / "letters").glob("services*")) + sorted((ROOT / "letters").glob("services/*.py")):
        if path.is_dir():
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [f"{node.module}.{alias.name}" for alias in node.names]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                continue
            imports += [f"{path.relative_to(ROOT)}: {name}" for name in names if name.startswith("letters.tasks")]

    assert imports == []
