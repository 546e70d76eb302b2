import io
import json

import pytest
from django.core.management import CommandError, call_command

from cases import demo
from cases.interchange import export_document
from cases.lifecycle import Status
from cases.models import Assignment, Case, CaseDocument, CaseTransition, Determination, DisputedItem, ItemDecision
from core import demo as core_demo
from core.models import Party

pytestmark = pytest.mark.django_db

# Signed and served cases need a signed letter: the letters area seeds those from the determined demo cases.
STATES_NOT_SEEDED_HERE = {Status.LETTER_SIGNED, Status.SERVED}


def counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (Case, DisputedItem, CaseDocument, CaseTransition, Assignment, Determination, ItemDecision, Party)
    }


def seed_cases() -> dict:
    """The users, the roster the cases are assigned from, then the cases (as seed_demo orders them)."""
    from reviewers import demo as reviewers_demo

    users = core_demo.seed(password="demo-password", log=lambda message: None)
    reviewers_demo.seed(users=users, log=lambda message: None)
    demo.seed(users=users, log=lambda message: None)
    return users


def test_seed_demo_twice_gives_the_same_data():
    call_command("seed_demo", stdout=io.StringIO())
    first = counts()

    call_command("seed_demo", stdout=io.StringIO())

    assert counts() == first
    assert first["Case"] == 136 + len(demo.DEMO_CASES)


def test_seeding_the_cases_twice_changes_nothing():
    seed_cases()
    first = counts()
    exported = export_document()

    seed_cases()

    assert counts() == first
    assert export_document() == exported


def test_seed_demo_is_refused_under_production_settings(settings):
    settings.PRODUCTION = True

    with pytest.raises(CommandError, match="seed_demo is refused under production settings"):
        call_command("seed_demo", stdout=io.StringIO())

    assert Case.objects.count() == 0


def test_the_demo_has_every_real_published_case_exactly_as_published():
    seed_cases()

    published = json.loads(demo.PUBLISHED_CASES.read_text(encoding="utf-8"))
    exported = export_document(Case.objects.filter(status=Status.CLOSED))
    assert exported == published
    assert len(published["cases"]) == 136


def test_every_state_appears_among_the_demo_cases():
    seed_cases()

    states = set(Case.objects.values_list("status", flat=True))
    assert states == set(Status.values) - STATES_NOT_SEEDED_HERE


def test_each_demo_reviewer_has_open_cases_offered_or_accepted():
    users = seed_cases()

    for username in ("reviewer1", "reviewer2"):
        reviewer = users[username]
        open_cases = Case.objects.open().filter(reviewer=reviewer)
        live = Assignment.objects.filter(reviewer=reviewer, state__in=["offered", "accepted"])
        assert open_cases.count() >= 2, username
        assert set(live.values_list("case__status", flat=True)) <= {Status.ASSIGNED, Status.IN_REVIEW, Status.QA}
    assert Case.objects.get(status=Status.ASSIGNED).assignments.get().state == Assignment.State.OFFERED


def test_the_open_demo_cases_have_real_pdfs_a_timeline_and_items_in_several_categories():
    seed_cases()

    demo_cases = Case.objects.filter(claim_number__startswith=demo.DEMO_CLAIM_PREFIX)
    assert demo_cases.count() == 13
    for case in demo_cases:
        kinds = set(case.documents.values_list("kind", flat=True))
        assert {"application", "ur_decision"} <= kinds
        assert case.documents.filter(page_count=1).count() == case.documents.count()
        assert case.transitions.last().to_status == case.status
        assert case.transitions.first().to_status == Status.RECEIVED
    categories = set(DisputedItem.objects.filter(case__in=demo_cases).values_list("category", flat=True))
    assert len(categories) == 8


def test_the_demo_pdf_reads_back_as_one_page_with_its_text():
    import io as _io

    from pypdf import PdfReader

    data = demo.demo_pdf("UR decision (re-issued)", ["Line one", "Line two"])

    reader = PdfReader(_io.BytesIO(data))
    assert len(reader.pages) == 1
    assert reader.pages[0].extract_text().splitlines() == ["UR decision (re-issued)", "Line one", "Line two"]
