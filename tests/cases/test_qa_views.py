"""Clinical QA over HTTP: the queue, the review page, return with comments per item, approval with wording edits,
and every version compared side by side with who and when."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.timezone import localtime

from cases.lifecycle import Status
from cases.models import Determination
from cases.selectors import CappedPaginator
from cases.services import determinations
from tests.factories import case_in_review
from tests.pdftext import pdftotext

pytestmark = pytest.mark.django_db

BASIS = {
    "mtus": [{"chapter": "Chronic Pain Medical Treatment 2016", "sections": ["Physical Medicine"]}],
    "non_mtus": [],
}
NOT_NECESSARY = "No functional improvement is documented. The request is not medically necessary."


def _submitted(reviewer, items=2, documents=0):
    case = case_in_review(reviewer, items=items, documents=documents)
    draft = determinations.start_or_get_draft(case, by=reviewer)
    decisions = {
        item.pk: {"decision": "upheld", "basis": BASIS, "rationale": NOT_NECESSARY} for item in case.items.all()
    }
    determinations.save_draft(draft, by=reviewer, revision=0, summary="Summary v1.", decisions=decisions)
    determinations.submit_determination(draft, by=reviewer)
    return case, draft


def test_the_qa_queue_lists_submitted_determinations_oldest_first(client, reviewer, qa_user):
    older, _ = _submitted(reviewer)
    newer, _ = _submitted(reviewer)
    client.force_login(qa_user)
    html = client.get(reverse("cases:qa_queue")).content.decode()
    assert html.index(f"Review {older.case_number}") < html.index(f"Review {newer.case_number}")


# Who sees the case (its reviewer, administrators) is refused with 403; who may not even see it (correspondence staff
# see decided cases only) gets the 404 of a case that does not exist.
@pytest.mark.parametrize("role, page_status", [("reviewer", 403), ("admin_user", 403), ("staff_user", 404)])
def test_only_clinical_qa_opens_the_queue_and_the_review_page(client, request, role, page_status, reviewer):
    case, _ = _submitted(reviewer)
    client.force_login(request.getfixturevalue(role))
    assert client.get(reverse("cases:qa_queue")).status_code == 403
    assert client.get(reverse("cases:qa_review", args=[case.case_number])).status_code == page_status
    response = client.post(reverse("cases:qa_review", args=[case.case_number]), {"action": "approve"})
    assert response.status_code == page_status
    case.refresh_from_db()
    assert case.status == Status.QA


def test_the_review_page_shows_the_determination_beside_the_records(client, reviewer, qa_user):
    case, submitted = _submitted(reviewer, items=2, documents=1)
    client.force_login(qa_user)
    html = client.get(reverse("cases:qa_review", args=[case.case_number])).content.decode()
    document = case.documents.get()
    assert f'data-url="{reverse("cases:document", args=[case.case_number, document.pk])}"' in html
    assert html.count('name="comment-') == 2
    assert "Summary v1." in html


def test_qa_returns_with_comments_per_item_and_the_reviewer_sees_them(client, reviewer, qa_user):
    case, submitted = _submitted(reviewer)
    first, second = case.items.all()
    client.force_login(qa_user)
    response = client.post(
        reverse("cases:qa_review", args=[case.case_number]),
        {"action": "return", "comment": "Please revise.", f"comment-{first.pk}": "Cite the section on PT."},
    )
    assert (response.status_code, response.url) == (302, reverse("cases:qa_queue"))
    case.refresh_from_db()
    assert case.status == Status.IN_REVIEW
    client.force_login(reviewer)
    html = client.get(reverse("cases:workspace", args=[case.case_number])).content.decode()
    assert "<strong>QA:</strong> Cite the section on PT." in html
    assert ": Please revise.</div>" in html
    assert "version 2 · Draft" in html


def test_a_return_without_comment_is_refused_with_a_message(client, reviewer, qa_user):
    case, submitted = _submitted(reviewer)
    client.force_login(qa_user)
    response = client.post(reverse("cases:qa_review", args=[case.case_number]), {"action": "return"}, follow=True)
    assert "Not done: Say what the reviewer should change: a comment, or one on an item." in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.state == "submitted"


def test_approval_with_a_wording_edit_keeps_both_versions_and_shows_the_diff_with_who_and_when(
    client, reviewer, qa_user, django_capture_on_commit_callbacks
):
    case, submitted = _submitted(reviewer, items=1)
    (item,) = case.items.all()
    client.force_login(qa_user)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(
            reverse("cases:qa_review", args=[case.case_number]),
            {"action": "approve", "summary": "Summary v1, edited by QA.", f"rationale-{item.pk}": NOT_NECESSARY},
        )
    assert response.status_code == 302
    assert len(callbacks) == 1
    case.refresh_from_db()
    assert (case.status, case.decision_date is not None) == (Status.DETERMINED, True)
    versions = list(Determination.objects.filter(case=case).values_list("version", "state", "origin", "author"))
    assert versions == [(1, "superseded", "reviewer", reviewer.pk), (2, "approved", "qa_edit", qa_user.pk)]
    html = client.get(reverse("cases:qa_review", args=[case.case_number])).content.decode()
    approved = Determination.objects.get(version=2)
    assert 'Version 1 → version 2 <span class="small text-muted">(1 section changed)</span>' in html
    edited_at = localtime(approved.qa_at)
    assert (
        f"Version 2 · Wording edited by QA · {qa_user.get_full_name()} · edited "
        f"{edited_at:%m/%d/%Y} {edited_at.strftime('%I:%M %p').lstrip('0')} {edited_at.tzname()}" in html
    )
    assert edited_at.tzname() in ("PST", "PDT")
    assert "<p>Summary <del>v1.</del><ins>v1, edited by QA.</ins></p>" in html
    assert html.count('<p class="small text-muted">No change.</p>') == 1
    assert 'class="diff"' not in html


def test_the_comparison_between_a_returned_version_and_its_revision_marks_whole_words(client, reviewer, qa_user):
    case, submitted = _submitted(reviewer, items=1)
    draft = determinations.return_determination(submitted, by=qa_user, comment="Shorter.")
    determinations.save_draft(draft, by=reviewer, revision=0, summary="Summary with physical findings v2.")
    determinations.submit_determination(draft, by=reviewer)
    client.force_login(qa_user)
    html = client.get(reverse("cases:qa_review", args=[case.case_number])).content.decode()
    assert "<p>Summary <del>v1.</del><ins>with physical findings v2.</ins></p>" in html
    assert f"Version 1 · Written by the reviewer · {reviewer.get_full_name()} · submitted " in html
    assert "Version 2 · Revised by the reviewer after QA" in html


def test_an_author_name_with_markup_is_shown_escaped_never_as_a_tag(client, reviewer, qa_user):
    reviewer.first_name, reviewer.last_name = "<img src=x onerror=alert(1)>", ""
    reviewer.save()
    case, submitted = _submitted(reviewer, items=1)
    draft = determinations.return_determination(submitted, by=qa_user, comment="Shorter.")
    determinations.save_draft(draft, by=reviewer, revision=0, summary="<script>alert(2)</script> v2.")
    determinations.submit_determination(draft, by=reviewer)
    client.force_login(qa_user)
    html = client.get(reverse("cases:qa_review", args=[case.case_number])).content.decode()
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert (
        "<p><del>Summary</del><ins>&lt;script&gt;alert(2)&lt;/script&gt;</ins> <del>v1.</del><ins>v2.</ins></p>" in html
    )
    assert "<img src=x" not in html and "<script>alert(2)" not in html


def test_the_qa_page_of_a_determination_without_author_is_shown_not_a_500(client, reviewer, qa_user):
    """An imported case's determination has no author (issue 10, finding 7)."""
    case, submitted = _submitted(reviewer, items=1)
    draft = determinations.return_determination(submitted, by=qa_user, comment="Shorter.")
    determinations.save_draft(draft, by=reviewer, revision=0, summary="Summary v2.")
    determinations.submit_determination(draft, by=reviewer)
    Determination.objects.filter(case=case).update(author=None)
    client.force_login(qa_user)
    response = client.get(reverse("cases:qa_review", args=[case.case_number]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Version 2 by the system" in html
    assert "Version 1 · Written by the reviewer · not recorded (imported) · submitted " in html


def test_qas_comparison_and_the_letter_print_the_configured_organization_on_the_guideline_line(
    client, reviewer, qa_user, settings
):
    settings.IMR_ORGANIZATION_NAME = "ACME Independent Review"
    settings.IMR_ORGANIZATION_SHORT_NAME = "ACME IMR"
    case, submitted = _submitted(reviewer, items=1)
    draft = determinations.return_determination(submitted, by=qa_user, comment="Shorter.")
    (item,) = case.items.all()
    rationale = "No improvement is documented. The request is not medically necessary."
    decisions = {item.pk: {"decision": "upheld", "basis": BASIS, "rationale": rationale}}
    determinations.save_draft(draft, by=reviewer, revision=0, summary="Summary v2.", decisions=decisions)
    determinations.submit_determination(draft, by=reviewer)
    client.force_login(qa_user)

    comparison = client.get(reverse("cases:qa_review", args=[case.case_number])).content.decode()
    letter = " ".join(pdftotext(client.get(reverse("letters:preview", args=[case.case_number])).content).split())

    line = (
        "ACME IMR guideline: Decision based on MTUS Chronic Pain Medical Treatment 2016, Section(s): Physical Medicine."
    )
    assert (line in comparison, line in letter) == (True, True)
    assert ("MAXIMUS" in comparison, "MAXIMUS" in letter) == (False, False)


def test_the_qa_queue_merges_cases_in_qa_without_a_submission_by_their_last_change_and_cuts_at_its_limit(
    client, reviewer, qa_user, admin_user, monkeypatch
):
    from cases.models import Case
    from cases.services.lifecycle import transition
    from cases.views import qa

    first, _ = _submitted(reviewer)
    moved = case_in_review(reviewer)  # put in QA by hand, no determination submitted: waits since it last changed
    transition(moved, Status.QA, by=admin_user, note="Moved by hand.")
    second, _ = _submitted(reviewer)
    third, _ = _submitted(reviewer)
    client.force_login(qa_user)

    html = client.get(reverse("cases:qa_queue")).content.decode()
    order = [first, moved, second, third]
    positions = [html.index(f"Review {case.case_number}") for case in order]
    assert positions == sorted(positions)
    assert Case.objects.filter(status=Status.QA).count() == 4

    monkeypatch.setattr(qa, "QUEUE_LIMIT", 2)
    response = client.get(reverse("cases:qa_queue"))
    assert [case for case, _ in response.context["rows"]] == [first, moved]
    assert [determination is None for _, determination in response.context["rows"]] == [False, True]
    assert "The 2 oldest of 4 are shown." in response.content.decode()

    monkeypatch.setattr(CappedPaginator, "cap", 3)
    assert "The 2 oldest of 3 or more are shown." in client.get(reverse("cases:qa_queue")).content.decode()


def _queue_queries(client) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("cases:qa_queue")).status_code == 200
    return [query["sql"] for query in queries]


def test_the_qa_queue_issues_the_same_number_of_queries_for_1_and_for_many_cases_waiting(
    client, reviewer, qa_user, admin_user
):
    from cases.services.lifecycle import transition

    _submitted(reviewer)
    client.force_login(qa_user)
    one = len(_queue_queries(client))
    for _ in range(4):
        _submitted(reviewer)
    moved = case_in_review(reviewer)  # in QA without a submitted determination: found by the second walk
    transition(moved, Status.QA, by=admin_user, note="Moved by hand.")
    assert len(_queue_queries(client)) == one


def _plan(sql: str, *settings: str) -> str:
    with connection.cursor() as cursor:
        # With so few rows a scan of the table is cheapest; forbidden here, the plan shows which index answers.
        for setting in ("enable_seqscan = off", "enable_bitmapscan = off", *settings):
            cursor.execute(f"SET LOCAL {setting}")
        cursor.execute(f"EXPLAIN {sql}")
        return "\n".join(row[0] for row in cursor.fetchall())


def test_the_qa_queues_second_walk_reads_only_indexes_to_find_the_cases_in_qa_without_a_submission(
    client, reviewer, qa_user
):
    _submitted(reviewer)
    client.force_login(qa_user)
    (second_walk,) = [sql for sql in _queue_queries(client) if "NOT (EXISTS" in sql]
    plan = _plan(second_walk, "enable_sort = off")  # the walk's order from its index, not a sort of every case in QA
    # The walk by last change and the check of each case, both in indexes (no case's or determination's row read).
    assert "Index Only Scan using case_qa_updated on cases_case" in plan, plan
    assert "Index Only Scan using determination_submitted_case on cases_determination" in plan, plan


@pytest.mark.django_db(transaction=True)
def test_the_qa_queues_first_walk_runs_in_one_process_and_the_setting_ends_with_it(client, reviewer, qa_user):
    older, _ = _submitted(reviewer)
    newer, _ = _submitted(reviewer)
    client.force_login(qa_user)
    queries = _queue_queries(client)
    (first_walk,) = [sql for sql in queries if '"cases_determination"."submitted_at" AS "waiting_since"' in sql]
    setting = queries.index("SET LOCAL max_parallel_workers_per_gather = 0")
    assert queries[setting + 1] == first_walk
    with connection.cursor() as cursor:
        cursor.execute("SHOW max_parallel_workers_per_gather")
        assert cursor.fetchone()[0] != "0"  # the server's own value again: SET LOCAL ended with the walk's transaction
    with transaction.atomic():
        plan = _plan(first_walk, "max_parallel_workers_per_gather = 0", "enable_sort = off")
    assert "Index Scan using determination_submitted on cases_determination" in plan, plan
    response = client.get(reverse("cases:qa_queue"))
    assert [case for case, _ in response.context["rows"]] == [older, newer]
