import io
import json

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.urls import reverse

from cases.interchange import export_document
from cases.lifecycle import Status
from cases.models import Assignment, Case, Determination, DisputedItem
from devtools.demo import cases as demo
from devtools.demo import core as core_demo
from tests.cases.test_interchange import with_clock

pytestmark = pytest.mark.django_db


def counts() -> dict[str, int]:
    """Rows of every model of the project (letters, audit, outbox and guideline rows included).

    Audit rows of the guideline library's loader are left out: it records every load, also one that changed nothing
    (``guidelines.library_loaded``), which is a record of the run, not demo data made twice.
    """
    from core.models import AuditEvent

    rows = {model._meta.label: model._default_manager.count() for model in apps.get_models()}
    rows["core.AuditEvent"] = AuditEvent.objects.exclude(action="guidelines.library_loaded").count()
    return rows


def seed_demo(capture_on_commit) -> None:
    """``manage.py seed_demo`` as it runs outside tests: the work queued after commit (e-mails, the letter task of
    each QA approval) runs too, in-process."""
    with capture_on_commit(execute=True):
        call_command("seed_demo", stdout=io.StringIO())


def seed_cases() -> dict:
    """The users, the roster the cases are assigned from, then the cases (as seed_demo orders them)."""
    from devtools.demo import reviewers as reviewers_demo

    users = core_demo.seed(password="demo-password", log=lambda message: None)
    reviewers_demo.seed(users=users, log=lambda message: None)
    demo.seed(users=users, log=lambda message: None)
    return users


# One seeding a test, checked from every side, then seeded again: seed_demo takes seconds, and each check below reads
# the same demo.


def test_seed_demo_gives_every_state_and_each_reviewer_a_full_day_and_a_second_run_changes_no_count(
    client, django_capture_on_commit_callbacks
):
    seed_demo(django_capture_on_commit_callbacks)
    check_every_state_and_clock_colour()
    for username, done in (("reviewer1", [Status.QA, Status.SERVED]), ("reviewer2", [Status.LETTER_SIGNED, Status.QA])):
        check_reviewer_day(_home_sections(client, username), done)
    first = counts()  # after the pages read (their sessions and access-log rows)

    seed_demo(django_capture_on_commit_callbacks)

    assert counts() == first
    assert first["cases.Case"] == 136 + len(demo.DEMO_CASES)
    assert first["letters.Letter"] == 4
    assert first["letters.Service"] == 1


def test_the_cases_are_every_published_case_as_published_and_open_ones_with_pdfs_and_seeding_twice_changes_nothing():
    seed_cases()
    first = counts()
    exported = export_document()
    check_every_published_case_as_published()
    check_open_demo_cases()

    seed_cases()

    assert counts() == first
    assert export_document() == exported


def test_seed_demo_is_refused_under_production_settings(settings):
    settings.PRODUCTION = True

    with pytest.raises(CommandError, match="seed_demo is refused under production settings"):
        call_command("seed_demo", stdout=io.StringIO())

    assert Case.objects.count() == 0


def check_every_published_case_as_published() -> None:
    published = json.loads(demo.PUBLISHED_CASES.read_text(encoding="utf-8"))
    exported = export_document(Case.objects.filter(status=Status.CLOSED))
    assert exported == with_clock(published)  # the export adds each case's clock (CASE-FORMAT.md)
    assert len(published["cases"]) == 136


def check_every_state_and_clock_colour() -> None:
    """Every state and every clock colour appear among the demo cases."""
    states = set(Case.objects.values_list("status", flat=True))
    assert states == set(Status.values)
    demo_cases = Case.objects.filter(claim_number__startswith=demo.DEMO_CLAIM_PREFIX)
    reviewers_cases = demo_cases.filter(reviewer__username__in=["reviewer1", "reviewer2"])
    assert {case.clock.key for case in reviewers_cases} == {"on_track", "at_risk", "overdue", "met"}
    assert {case.clock.key for case in demo_cases} == {
        "not_started",
        "stopped",
        "on_track",
        "at_risk",
        "overdue",
        "met",
        "late",
    }
    expedited = demo_cases.filter(priority="expedited", reviewer__isnull=False)
    assert sorted(expedited.values_list("reviewer__username", flat=True)) == ["reviewer1", "reviewer2", "reviewer2"]


def _home_sections(client, username: str) -> dict[str, list]:
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username=username))
    response = client.get(reverse("cases:my_cases"))
    assert response.status_code == 200
    return {key: [row["case"] for row in rows] for key, _title, rows in response.context["sections"]}


def check_reviewer_day(sections: dict[str, list], done: list[str]) -> None:
    """Offered 1; in review 2 (one just accepted, one half written); returned by QA 1, with QA's comments;
    "submitted and done" 2: one in QA, one determined (its letter signed or served)."""
    from cases.consistency import consistency_problems

    assert {key: sorted(case.status for case in cases) for key, cases in sections.items()} == {
        "offered": [Status.ASSIGNED],
        "returned": [Status.IN_REVIEW],
        "in_review": [Status.IN_REVIEW, Status.IN_REVIEW],
        "done": done,
    }
    offered = sections["offered"][0]
    assert offered.assignments.get().state == Assignment.State.OFFERED
    # In review: one just accepted (nothing written), one with a half-written draft that cannot be submitted yet.
    drafts = sorted(
        case.determinations.filter(state=Determination.State.DRAFT).count() for case in sections["in_review"]
    )
    assert drafts == [0, 1]
    half_written = next(case for case in sections["in_review"] if case.determinations.exists())
    draft = half_written.determinations.get()
    assert draft.clinical_case_summary != ""
    assert [problem.field for problem in consistency_problems(draft)][:1] == ["rationale"]
    # Returned by QA: version 1 returned with QA's comments, version 2 the reviewer's draft copied from it.
    returned_case = sections["returned"][0]
    spec = next(spec for spec in demo.DEMO_CASES if f"{demo.DEMO_CLAIM_PREFIX}{spec.key}" == returned_case.claim_number)
    versions = list(returned_case.determinations.order_by("version").values_list("version", "state", "qa_comment"))
    assert versions == [(1, Determination.State.RETURNED, spec.qa_comment), (2, Determination.State.DRAFT, "")]
    item_comments = dict(
        returned_case.determinations.get(version=1).decisions.values_list("item__position", "qa_comment")
    )
    assert {position: text for position, text in item_comments.items() if text} == spec.qa_item_comments
    # In QA: submitted, waiting for QA; done: approved.
    in_qa, decided = sorted(sections["done"], key=lambda case: case.status != Status.QA)
    assert list(in_qa.determinations.values_list("state", flat=True)) == [Determination.State.SUBMITTED]
    assert list(decided.determinations.values_list("state", flat=True)) == [Determination.State.APPROVED]


def check_open_demo_cases() -> None:
    """The open demo cases have real PDFs, a timeline and items in several categories."""
    demo_cases = Case.objects.filter(claim_number__startswith=demo.DEMO_CLAIM_PREFIX)
    assert demo_cases.count() == 21
    for case in demo_cases:
        kinds = set(case.documents.values_list("kind", flat=True))
        assert {"application", "ur_decision"} <= kinds
        assert case.documents.filter(page_count=1).count() == case.documents.count()
        assert case.transitions.last().to_status == case.status
        assert case.transitions.first().to_status == Status.RECEIVED
    categories = set(DisputedItem.objects.filter(case__in=demo_cases).values_list("category", flat=True))
    assert len(categories) == 9


def test_the_demo_pdf_reads_back_as_one_page_with_its_text():
    import io as _io

    from pypdf import PdfReader

    data = demo.demo_pdf("UR decision (re-issued)", ["Line one", "Line two"])

    reader = PdfReader(_io.BytesIO(data))
    assert len(reader.pages) == 1
    assert reader.pages[0].extract_text().splitlines() == ["UR decision (re-issued)", "Line one", "Line two"]
