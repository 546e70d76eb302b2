"""The workspace page, autosave, submission and the letter preview, over HTTP."""

import json
import posixpath
import re
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.lifecycle import Status
from cases.models import Determination
from cases.services import determinations
from tests.factories import CaseFactory, case_in_review
from tests.pdftext import pdftotext

pytestmark = pytest.mark.django_db

BASIS = {
    "mtus": [{"chapter": "Chronic Pain Medical Treatment 2016", "sections": ["Physical Medicine"]}],
    "non_mtus": [],
}
NOT_NECESSARY = "No functional improvement is documented. The request is not medically necessary."


def _autosave(client, case, payload):
    return client.post(
        reverse("cases:autosave", args=[case.case_number]), data=json.dumps(payload), content_type="application/json"
    )


def test_the_reviewer_opens_the_workspace_with_records_items_and_the_clock(client, reviewer):
    case = case_in_review(reviewer, items=2, documents=2)
    client.force_login(reviewer)
    response = client.get(reverse("cases:workspace", args=[case.case_number]))
    html = response.content.decode()
    assert response.status_code == 200
    document = case.documents.first()
    assert f'data-url="{reverse("cases:document", args=[case.case_number, document.pk])}"' in html
    assert html.count('class="card mb-3 item-panel"') == 2
    assert f"Due {case.due_date:%m/%d/%Y}" in html
    assert 'id="record-viewer"' in html
    assert 'src="/static/js/workspace.js"' in html
    assert Determination.objects.get(case=case).state == "draft"


def test_a_modified_item_shows_the_original_request_and_the_authorized_part(client, reviewer):
    case = case_in_review(reviewer, items=1)
    case.items.update(ur_outcome="modified", original_request="PT x 12", authorized="PT x 6", description="PT x 6 more")
    client.force_login(reviewer)
    html = client.get(reverse("cases:workspace", args=[case.case_number])).content.decode()
    assert '<dt class="col-sm-4">Original request</dt><dd class="col-sm-8">PT x 12</dd>' in html
    assert '<dd class="col-sm-8">PT x 6</dd>' in html
    assert "<strong>PT x 6 more</strong>" in html


def test_another_reviewer_gets_404_and_other_roles_403(
    client, reviewer, other_reviewer, admin_user, qa_user, staff_user
):
    case = case_in_review(reviewer)
    url = reverse("cases:workspace", args=[case.case_number])
    client.force_login(other_reviewer)
    assert client.get(url).status_code == 404
    assert _autosave(client, case, {"revision": 0}).status_code == 404
    client.force_login(staff_user)
    assert client.get(url).status_code == 404
    client.force_login(admin_user)
    assert client.get(url).status_code == 403
    client.force_login(qa_user)
    assert client.get(url).status_code == 403
    assert Determination.objects.count() == 0


def _workspace_queries(client, reviewer, items, documents):
    case = case_in_review(reviewer, items=items, documents=documents)
    url = reverse("cases:workspace", args=[case.case_number])
    client.get(url)  # the first visit starts the draft
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_the_workspace_page_issues_the_same_number_of_queries_for_1_and_for_6_items_and_8_documents(client, reviewer):
    client.force_login(reviewer)
    small = _workspace_queries(client, reviewer, items=1, documents=1)
    large = _workspace_queries(client, reviewer, items=6, documents=8)
    assert small == large


def test_autosave_answers_the_new_revision_and_the_remaining_problems(client, reviewer):
    case = case_in_review(reviewer, items=1)
    (item,) = case.items.all()
    client.force_login(reviewer)
    client.get(reverse("cases:workspace", args=[case.case_number]))
    response = _autosave(
        client,
        case,
        {"revision": 0, "summary": "Summary", "decisions": {str(item.pk): {"decision": "upheld", "basis": BASIS}}},
    )
    body = response.json()
    assert response.status_code == 200
    assert (body["status"], body["revision"]) == ("saved", 1)
    assert [problem["field"] for problem in body["problems"]] == ["rationale"]
    assert body["problems"][0]["anchor"] == f"div_id_item-{item.pk}-rationale"


def test_two_tabs_get_a_clear_conflict_message_never_a_silent_overwrite(client, reviewer):
    case = case_in_review(reviewer, items=1)
    (item,) = case.items.all()
    client.force_login(reviewer)
    client.get(reverse("cases:workspace", args=[case.case_number]))
    first_tab = _autosave(client, case, {"revision": 0, "decisions": {str(item.pk): {"rationale": "First tab."}}})
    second_tab = _autosave(client, case, {"revision": 0, "decisions": {str(item.pk): {"rationale": "Second tab."}}})
    assert first_tab.status_code == 200
    assert second_tab.status_code == 409
    body = second_tab.json()
    assert (body["status"], body["revision"]) == ("conflict", 1)
    assert body["error"].startswith("This determination was saved in another tab or window by ")
    assert Determination.objects.get().decisions.get().rationale == "First tab."


def test_autosave_after_submission_is_refused_as_locked(client, reviewer):
    case = case_in_review(reviewer, items=1)
    (item,) = case.items.all()
    draft = determinations.start_or_get_draft(case, by=reviewer)
    determinations.save_draft(
        draft,
        by=reviewer,
        revision=0,
        summary="S",
        decisions={item.pk: {"decision": "upheld", "basis": BASIS, "rationale": NOT_NECESSARY}},
    )
    determinations.submit_determination(draft, by=reviewer)
    client.force_login(reviewer)
    response = _autosave(client, case, {"revision": 1, "summary": "Changed"})
    assert response.status_code == 409
    assert response.json()["status"] == "locked"
    draft.refresh_from_db()
    assert draft.clinical_case_summary == "S"


def test_autosave_with_bad_input_says_what_and_where(client, reviewer):
    case = case_in_review(reviewer, items=1)
    (item,) = case.items.all()
    client.force_login(reviewer)
    client.get(reverse("cases:workspace", args=[case.case_number]))
    not_json = client.post(
        reverse("cases:autosave", args=[case.case_number]), data="{", content_type="application/json"
    )
    no_revision = _autosave(client, case, {"summary": "x"})
    bad_basis = _autosave(client, case, {"revision": 0, "decisions": {str(item.pk): {"basis": {"mtus": "x"}}}})
    assert not_json.status_code == 400
    assert not_json.json()["error"].startswith("The draft could not be read: it is not JSON: Expecting property name")
    assert no_revision.status_code == 400
    assert bad_basis.json()["error"] == f"decisions[{item.pk}].basis: 'mtus' and 'non_mtus' must be lists."


def test_a_closing_tab_can_save_through_a_form_post_beacon(client, reviewer):
    case = case_in_review(reviewer, items=1)
    client.force_login(reviewer)
    client.get(reverse("cases:workspace", args=[case.case_number]))
    response = client.post(
        reverse("cases:autosave", args=[case.case_number]), {"payload": json.dumps({"revision": 0, "summary": "Kept"})}
    )
    assert response.status_code == 200
    assert Determination.objects.get().clinical_case_summary == "Kept"


def _form_post(case, determination, *, decision="upheld", rationale=NOT_NECESSARY, summary="Summary"):
    data = {"revision": str(determination.revision), "summary": summary}
    for item in case.items.all():
        prefix = f"item-{item.pk}"
        data.update(
            {
                f"{prefix}-decision": decision,
                f"{prefix}-mtus": json.dumps(BASIS["mtus"]),
                f"{prefix}-refs": "[]",
                f"{prefix}-non_mtus": "",
                f"{prefix}-rationale": rationale,
            }
        )
    return data


def test_the_submit_button_saves_the_form_and_submits_to_qa(client, reviewer):
    case = case_in_review(reviewer, items=2)
    client.force_login(reviewer)
    client.get(reverse("cases:workspace", args=[case.case_number]))
    draft = Determination.objects.get()
    response = client.post(reverse("cases:submit_determination", args=[case.case_number]), _form_post(case, draft))
    assert response.status_code == 302
    assert response.url == case.get_absolute_url()
    case.refresh_from_db()
    draft.refresh_from_db()
    assert (case.status, draft.state) == (Status.QA, "submitted")
    assert list(draft.decisions.values_list("decision", flat=True)) == ["upheld", "upheld"]


def test_a_submission_with_problems_stays_in_the_workspace_with_the_checklist(client, reviewer):
    case = case_in_review(reviewer, items=1)
    client.force_login(reviewer)
    client.get(reverse("cases:workspace", args=[case.case_number]))
    draft = Determination.objects.get()
    post = _form_post(case, draft, decision="overturned")
    response = client.post(reverse("cases:submit_determination", args=[case.case_number]), post, follow=True)
    html = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("cases:workspace", args=[case.case_number])
    assert "Not submitted yet: 1 thing to fix, listed below." in html
    item = case.items.get()
    assert (
        f'<a href="#div_id_item-{item.pk}-rationale">Item 1 (Physical therapy 2 visits) is Overturned, but its '
        "rationale concludes that the request is not medically necessary.</a>"
    ) in html
    case.refresh_from_db()
    assert case.status == Status.IN_REVIEW


def test_the_letter_preview_reads_as_the_letter_from_the_current_draft(client, reviewer, other_reviewer):
    case = case_in_review(reviewer, items=1)
    (item,) = case.items.all()
    draft = determinations.start_or_get_draft(case, by=reviewer)
    determinations.save_draft(
        draft,
        by=reviewer,
        revision=0,
        summary="The injured worker is a 45 year old.",
        decisions={item.pk: {"decision": "upheld", "basis": BASIS, "rationale": NOT_NECESSARY}},
    )
    client.force_login(reviewer)
    page = client.get(reverse("cases:workspace", args=[case.case_number])).content.decode()
    preview_url = reverse("letters:preview", args=[case.case_number])
    assert f'href="{preview_url}"' in page  # the workspace offers the one preview, the letters app's
    text = " ".join(pdftotext(client.get(preview_url).content).split())
    assert "HOW THE IMR FINAL DETERMINATION WAS MADE" in text
    assert "Physical therapy 2 visits: Upheld" in text
    assert (
        "MAXIMUS guideline: Decision based on MTUS Chronic Pain Medical Treatment 2016, Section(s): Physical Medicine."
    ) in text
    assert "The injured worker is a 45 year old." in text
    client.force_login(other_reviewer)
    assert client.get(preview_url).status_code == 404


def test_the_case_page_links_the_reviewer_to_the_workspace(client, reviewer, admin_user):
    case = case_in_review(reviewer, items=1, by=admin_user)
    client.force_login(reviewer)
    html = client.get(case.get_absolute_url()).content.decode()
    assert f'href="{reverse("cases:workspace", args=[case.case_number])}">Open workspace</a>' in html


def test_a_case_not_yet_in_review_redirects_to_the_case_page(client, reviewer):
    case = CaseFactory(reviewer=reviewer)
    client.force_login(reviewer)
    response = client.get(reverse("cases:workspace", args=[case.case_number]))
    assert (response.status_code, response.url) == (302, case.get_absolute_url())


def test_the_workspace_fetches_every_module_it_imports_with_the_page(client, reviewer):
    """No import waterfall on a cold load: each module workspace.js reaches by a static import is preloaded."""
    root = Path(__file__).resolve().parents[2] / "static"
    imports = re.compile(r"""\bfrom\s*["'](\.[^"']+)["']|^import\s*["'](\.[^"']+)["']""", re.MULTILINE)
    wanted, queue = set(), ["js/workspace.js"]
    while queue:
        name = queue.pop()
        if name not in wanted:
            wanted.add(name)
            source = (root / name).read_text()
            queue += [
                posixpath.normpath(posixpath.join(posixpath.dirname(name), a or b)) for a, b in imports.findall(source)
            ]
    case = case_in_review(reviewer, items=2)
    client.force_login(reviewer)

    page = client.get(reverse("cases:workspace", args=[case.case_number])).content.decode()

    preloaded = {url.split("/static/", 1)[1] for url in re.findall(r'<link rel="modulepreload" href="([^"]+)"', page)}
    assert len(wanted) == 8 and preloaded == wanted
