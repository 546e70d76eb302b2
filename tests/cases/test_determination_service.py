"""Drafts, the two-tab conflict, the lock after submission, returns and approvals: cases.determinations."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from cases.lifecycle import Status
from cases.models import Assignment, Determination
from cases.services import determinations
from cases.wording import final_determination
from core.models import AuditEvent
from letters.models import Rendition
from letters.rendering import letter_context
from tests.factories import case_in_review

pytestmark = pytest.mark.django_db

BASIS = {
    "mtus": [{"chapter": "Chronic Pain Medical Treatment 2016", "sections": ["Physical Medicine"]}],
    "non_mtus": [],
}
NOT_NECESSARY = "No functional improvement is documented. The request is not medically necessary."


def _decided(case, **overrides):
    values = {"decision": "upheld", "basis": BASIS, "basis_none": False, "rationale": NOT_NECESSARY, **overrides}
    return {item.pk: dict(values) for item in case.items.all()}


def _submitted(reviewer, items=2):
    case = case_in_review(reviewer, items=items)
    draft = determinations.start_or_get_draft(case, by=reviewer)
    determinations.save_draft(draft, by=reviewer, revision=0, summary="A 45 year old worker.", decisions=_decided(case))
    determinations.submit_determination(draft, by=reviewer)
    return case, draft


def test_opening_the_workspace_twice_gives_the_same_draft_with_one_decision_per_item(reviewer):
    case = case_in_review(reviewer, items=3)
    first = determinations.start_or_get_draft(case, by=reviewer)
    second = determinations.start_or_get_draft(case, by=reviewer)
    assert second.pk == first.pk
    assert (first.version, first.state, first.revision) == (1, "draft", 0)
    assert sorted(first.decisions.values_list("item_id", flat=True)) == sorted(case.items.values_list("pk", flat=True))


def test_only_the_assigned_reviewer_starts_a_draft(reviewer, other_reviewer):
    case = case_in_review(reviewer)
    with pytest.raises(PermissionDenied):
        determinations.start_or_get_draft(case, by=other_reviewer)
    assert Determination.objects.count() == 0


def test_saving_a_draft_stores_the_values_and_bumps_the_revision(reviewer):
    case = case_in_review(reviewer, items=1)
    draft = determinations.start_or_get_draft(case, by=reviewer)
    (item,) = case.items.all()
    saved = determinations.save_draft(
        draft,
        by=reviewer,
        revision=0,
        summary="Summary",
        decisions={str(item.pk): {"decision": "overturned", "basis": BASIS, "rationale": "It is medically necessary."}},
    )
    row = saved.decisions.get()
    assert (saved.revision, saved.clinical_case_summary, saved.saved_by) == (1, "Summary", reviewer)
    assert (row.decision, row.basis, row.rationale) == ("overturned", BASIS, "It is medically necessary.")


def test_a_save_from_a_second_tab_with_an_old_revision_is_refused_with_the_other_tabs_revision_and_time(reviewer):
    case = case_in_review(reviewer, items=1)
    (item,) = case.items.all()
    draft = determinations.start_or_get_draft(case, by=reviewer)
    determinations.save_draft(draft, by=reviewer, revision=0, decisions={item.pk: {"rationale": "Tab one."}})
    with pytest.raises(determinations.DraftConflict) as conflict:
        determinations.save_draft(draft, by=reviewer, revision=0, decisions={item.pk: {"rationale": "Tab two."}})
    draft.refresh_from_db()
    assert conflict.value.revision == 1
    assert conflict.value.saved_at == draft.updated_at
    assert conflict.value.messages[0].startswith(
        f"This determination was saved in another tab or window by {reviewer.get_full_name()} at "
        f"{timezone.localtime(draft.updated_at):%m/%d/%Y} {timezone.localtime(draft.updated_at).hour % 12 or 12}:"
        f"{timezone.localtime(draft.updated_at):%M %p %Z} (revision 1)."
    )
    assert draft.decisions.get().rationale == "Tab one."


def test_a_bad_value_saves_nothing(reviewer):
    case = case_in_review(reviewer, items=2)
    first, second = case.items.all()
    draft = determinations.start_or_get_draft(case, by=reviewer)
    with pytest.raises(ValidationError) as error:
        determinations.save_draft(
            draft,
            by=reviewer,
            revision=0,
            summary="New summary",
            decisions={first.pk: {"rationale": "Fine."}, second.pk: {"decision": "maybe"}},
        )
    assert error.value.messages == [f"decisions[{second.pk}].decision: must be 'upheld', 'overturned' or empty."]
    draft.refresh_from_db()
    assert (draft.revision, draft.clinical_case_summary) == (0, "")
    assert list(draft.decisions.values_list("rationale", flat=True)) == ["", ""]


def test_an_item_of_another_case_is_refused(reviewer):
    case = case_in_review(reviewer, items=1)
    other = case_in_review(reviewer, items=1)
    draft = determinations.start_or_get_draft(case, by=reviewer)
    stranger = other.items.get()
    with pytest.raises(ValidationError) as error:
        determinations.save_draft(draft, by=reviewer, revision=0, decisions={stranger.pk: {"rationale": "x"}})
    assert error.value.messages == [f"decisions[{stranger.pk}]: no such disputed item on case {case.case_number}."]


def test_submission_is_refused_while_problems_remain(reviewer):
    case = case_in_review(reviewer, items=2)
    draft = determinations.start_or_get_draft(case, by=reviewer)
    with pytest.raises(determinations.IncompleteDetermination) as incomplete:
        determinations.submit_determination(draft, by=reviewer)
    assert [problem.field for problem in incomplete.value.problems] == [
        "summary",
        "decision",
        "basis",
        "rationale",
        "decision",
        "basis",
        "rationale",
    ]
    case.refresh_from_db()
    assert (case.status, Determination.objects.get().state) == (Status.IN_REVIEW, "draft")


def test_submitting_locks_the_determination_and_moves_the_case_to_qa(reviewer):
    case, draft = _submitted(reviewer)
    case.refresh_from_db()
    draft.refresh_from_db()
    assert (case.status, draft.state, draft.is_locked) == (Status.QA, "submitted", True)
    assert case.transitions.last().note == "Determination version 1 submitted to clinical QA."
    with pytest.raises(determinations.DeterminationLocked):
        determinations.save_draft(draft, by=reviewer, revision=draft.revision, summary="Changed after submission")
    draft.refresh_from_db()
    assert draft.clinical_case_summary == "A 45 year old worker."
    with pytest.raises(determinations.DeterminationLocked):
        determinations.submit_determination(draft, by=reviewer)


def test_submission_snapshots_the_reviewers_credentials_from_the_roster(reviewer):
    from reviewers.models import Licence, ReviewerProfile, Specialty

    profile = ReviewerProfile.objects.create(user=reviewer, weekly_practice_hours=30)
    profile.certifications.add(Specialty.objects.create(name="Orthopedic Surgery"))
    Licence.objects.create(profile=profile, state="CA", number="A1", expires_on=datetime.date(2099, 1, 1))
    case, draft = _submitted(reviewer)
    case.refresh_from_db()
    assert case.reviewer_credentials == {"licensure": ["California"], "certifications": ["Orthopedic Surgery"]}


def test_qa_returns_with_comments_and_the_reviewer_gets_a_new_draft_version(reviewer, qa_user):
    case, submitted = _submitted(reviewer)
    first, second = case.items.all()
    draft = determinations.return_determination(
        submitted, by=qa_user, comment="Cite the section.", item_comments={first.pk: "Which section?"}
    )
    submitted.refresh_from_db()
    case.refresh_from_db()
    assert (submitted.state, submitted.qa_by, submitted.qa_comment) == ("returned", qa_user, "Cite the section.")
    assert dict(submitted.decisions.values_list("item_id", "qa_comment")) == {first.pk: "Which section?", second.pk: ""}
    assert (draft.version, draft.state, draft.origin, draft.based_on, draft.author) == (
        2,
        "draft",
        "revision",
        submitted,
        reviewer,
    )
    assert list(draft.decisions.values_list("rationale", flat=True)) == [NOT_NECESSARY, NOT_NECESSARY]
    assert case.status == Status.IN_REVIEW
    assert determinations.start_or_get_draft(case, by=reviewer).pk == draft.pk


def test_a_return_without_any_comment_is_refused(reviewer, qa_user):
    case, submitted = _submitted(reviewer)
    with pytest.raises(determinations.DeterminationError):
        determinations.return_determination(submitted, by=qa_user, comment=" ", item_comments={})
    submitted.refresh_from_db()
    assert submitted.state == "submitted"


def test_a_reviewer_cannot_return_or_approve(reviewer):
    case, submitted = _submitted(reviewer)
    with pytest.raises(PermissionDenied):
        determinations.approve_determination(submitted, by=reviewer)
    with pytest.raises(PermissionDenied):
        determinations.return_determination(submitted, by=reviewer, comment="x")


def test_approval_determines_the_case_today_and_queues_the_letter_after_commit(
    reviewer, qa_user, django_capture_on_commit_callbacks
):
    case, submitted = _submitted(reviewer)
    Assignment.objects.create(case=case, reviewer=reviewer, state=Assignment.State.ACCEPTED)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        approved = determinations.approve_determination(submitted, by=qa_user)
    case.refresh_from_db()
    assert approved.pk == submitted.pk
    assert (approved.state, approved.qa_by) == ("approved", qa_user)
    assert (case.status, case.decision_date) == (Status.DETERMINED, timezone.localdate())
    assert Assignment.objects.get(case=case).state == Assignment.State.COMPLETED
    assert len(callbacks) == 1
    assert AuditEvent.objects.filter(action="determination.approved").count() == 1


def test_a_qa_wording_edit_is_a_new_version_authored_by_qa(reviewer, qa_user):
    case, submitted = _submitted(reviewer)
    first, second = case.items.all()
    edited_text = "No functional improvement is documented. Therefore, the request is not medically necessary."
    approved = determinations.approve_determination(
        submitted, by=qa_user, edits={"summary": "A 45-year-old worker.", "rationales": {first.pk: edited_text}}
    )
    submitted.refresh_from_db()
    assert (submitted.state, approved.state) == ("superseded", "approved")
    assert (approved.version, approved.author, approved.origin, approved.based_on) == (2, qa_user, "qa_edit", submitted)
    assert approved.clinical_case_summary == "A 45-year-old worker."
    assert list(approved.decisions.values_list("rationale", flat=True)) == [edited_text, NOT_NECESSARY]
    assert list(submitted.decisions.values_list("rationale", flat=True)) == [NOT_NECESSARY, NOT_NECESSARY]


def test_a_qa_edit_that_contradicts_the_decision_is_refused_and_nothing_changes(reviewer, qa_user):
    case, submitted = _submitted(reviewer)
    first = case.items.first()
    with pytest.raises(determinations.IncompleteDetermination):
        determinations.approve_determination(
            submitted, by=qa_user, edits={"rationales": {first.pk: "The request is medically necessary."}}
        )
    case.refresh_from_db()
    submitted.refresh_from_db()
    assert (case.status, submitted.state, Determination.objects.count()) == (Status.QA, "submitted", 1)


def test_approving_an_unchanged_text_does_not_make_a_new_version(reviewer, qa_user):
    case, submitted = _submitted(reviewer)
    rationales = {row.item_id: row.rationale for row in submitted.decisions.all()}
    approved = determinations.approve_determination(
        submitted, by=qa_user, edits={"summary": submitted.clinical_case_summary, "rationales": rationales}
    )
    assert (approved.pk, Determination.objects.count()) == (submitted.pk, 1)


def test_the_letter_context_reads_as_the_letter(reviewer):
    case = case_in_review(reviewer, items=1)
    (item,) = case.items.all()
    item.ur_outcome, item.original_request, item.authorized = "modified", "PT x 12", "PT x 6"
    item.description = "PT x 6 more"
    item.save()
    draft = determinations.start_or_get_draft(case, by=reviewer)
    determinations.save_draft(draft, by=reviewer, revision=0, decisions=_decided(case))
    context = letter_context(case, draft, rendition=Rendition.PARTIES, preview=True)
    (line,) = context["items"]
    assert line.heading_text == (
        "PT x 12 was the original request. PT x 6 was authorized by the Claims Administrator. The remaining IMR "
        "eligible portion of the original request, PT x 6 more is: Upheld"
    )
    assert " ".join(line.reviewer_line) == (
        "MAXIMUS guideline: Decision based on MTUS Chronic Pain Medical Treatment 2016, Section(s): Physical Medicine."
    )
    assert " ".join(line.claims_administrator_line) == (
        "Claims Administrator guideline: Decision based on MTUS Chronic Pain Medical Treatment 2016, Section(s): "
        "Physical Medicine."
    )
    assert context["final_determination"] == "Uphold"


def test_final_determination_of_the_whole_case():
    assert final_determination(["upheld", "upheld"]) == "Uphold"
    assert final_determination(["overturned", "overturned"]) == "Overturn"
    assert final_determination(["upheld", "overturned"]) == "Partial Overturn"


def test_a_submitted_determination_keeps_citing_the_section_text_in_force_when_it_was_cited(reviewer, qa_user):
    """Editing a library section after a reviewer cited it leaves the determination's citation on the old text."""
    from guidelines.services import update_section
    from tests.factories import GuidelineSectionFactory

    section = GuidelineSectionFactory(name="Physical Medicine", recommendation="Allow 9-10 visits over 8 weeks.")
    version = section.versions.get()
    case = case_in_review(reviewer, items=1)
    (item,) = case.items.all()
    draft = determinations.start_or_get_draft(case, by=reviewer)
    decisions = _decided(case)
    decisions[item.pk]["guideline_refs"] = [{"id": section.pk, "version_id": version.pk, "name": section.name}]
    determinations.save_draft(draft, by=reviewer, revision=0, summary="A 45 year old worker.", decisions=decisions)
    determinations.submit_determination(draft, by=reviewer)

    update_section(section, by=qa_user, recommendation="Allow 6 visits.", note="Updated guideline")

    decision = draft.decisions.get()
    cited = decision.citations.get().section_version
    assert (cited.pk, cited.recommendation) == (version.pk, "Allow 9-10 visits over 8 weeks.")
    assert section.versions.count() == 2
    # A QA wording edit makes a new version: it still cites the version the reviewer picked.
    (edited,) = [item.pk for item in case.items.all()]
    approved = determinations.approve_determination(
        draft, by=qa_user, edits={"rationales": {edited: "No improvement is shown. It is not medically necessary."}}
    )
    assert approved.version == 2
    assert approved.decisions.get().citations.get().section_version.pk == version.pk
