"""The case page's next step for each user (open the workspace, review for QA, assign or reassign, answer an offer)
is drawn from ``cases/rules.py``, and the accept and decline pages enforce the same rules: who may answer an offer is
written once."""

import re

import pytest
from django.urls import reverse

from cases.lifecycle import Status
from cases.models import Assignment, Case
from cases.services import assignment, determinations
from tests.factories import case_in_review, reviewer_profile, specialty_fit, waiting_case

pytestmark = pytest.mark.django_db

NEXT_STEPS = ("Open workspace", "Review determination", "Assign", "Reassign", "Accept or decline")
BASIS = {
    "mtus": [{"chapter": "Chronic Pain Medical Treatment 2016", "sections": ["Physical Medicine"]}],
    "non_mtus": [],
}


@pytest.fixture
def profiles(reviewer):
    specialty_fit()
    return reviewer_profile(reviewer)


def _next_steps(client, user, case: Case) -> list[str]:
    client.force_login(user)
    html = client.get(case.get_absolute_url()).content.decode()
    return [text for text in re.findall(r'<a class="btn [^"]*" href="[^"]*">([^<]*)</a>', html) if text in NEXT_STEPS]


def _in_qa(reviewer) -> Case:
    case = case_in_review(reviewer, items=1)
    draft = determinations.start_or_get_draft(case, by=reviewer)
    decision = {"decision": "upheld", "basis": BASIS, "rationale": "No gain. The request is not medically necessary."}
    decisions = {item.pk: decision for item in case.items.all()}
    determinations.save_draft(draft, by=reviewer, revision=0, summary="Summary.", decisions=decisions)
    determinations.submit_determination(draft, by=reviewer)
    return case


def test_each_user_sees_the_next_step_their_rules_and_the_cases_state_allow(
    client, admin_user, reviewer, qa_user, profiles
):
    waiting = waiting_case()
    offered = waiting_case()
    assignment.offer_case(offered, reviewer, by=admin_user)
    in_review = case_in_review(reviewer)
    in_qa = _in_qa(reviewer)

    seen = {
        (who, state): _next_steps(client, user, case)
        for who, user in (("admin", admin_user), ("reviewer", reviewer), ("qa", qa_user))
        for state, case in (("waiting", waiting), ("offered", offered), ("in_review", in_review), ("qa", in_qa))
        if case.reviewer_id == user.pk or who != "reviewer"
    }

    assert seen == {
        ("admin", "waiting"): ["Assign"],
        ("admin", "offered"): ["Reassign"],
        ("admin", "in_review"): ["Reassign"],
        ("admin", "qa"): [],
        ("reviewer", "offered"): ["Accept or decline"],
        ("reviewer", "in_review"): ["Open workspace"],
        ("reviewer", "qa"): ["Open workspace"],
        ("qa", "waiting"): [],
        ("qa", "offered"): [],
        ("qa", "in_review"): [],
        ("qa", "qa"): ["Review determination"],
    }


def test_an_administrator_may_decline_an_offer_for_the_reviewer_but_never_accept_it(
    client, admin_user, reviewer, profiles
):
    case = waiting_case()
    assignment.offer_case(case, reviewer, by=admin_user)
    client.force_login(admin_user)

    accepted = client.post(reverse("cases:accept", args=[case.case_number]), {"attest": "yes"})
    declined = client.post(reverse("cases:decline", args=[case.case_number]), {"reason": "The reviewer is on leave."})

    assert (accepted.status_code, declined.status_code) == (403, 302)
    offer = Assignment.objects.get(case=case)
    assert (offer.state, offer.end_reason) == (Assignment.State.DECLINED, "Declined for the reviewer.")
    assert Case.objects.get(pk=case.pk).status == Status.RECORDS_RECEIVED


def test_an_offer_already_accepted_cannot_be_answered_again(client, admin_user, reviewer, profiles):
    case = waiting_case()
    assignment.offer_case(case, reviewer, by=admin_user)
    client.force_login(reviewer)
    client.post(reverse("cases:accept", args=[case.case_number]), {"attest": "yes"})

    again = client.post(reverse("cases:accept", args=[case.case_number]), {"attest": "yes"})
    declined = client.post(reverse("cases:decline", args=[case.case_number]), {"reason": "Changed my mind."})

    assert (again.status_code, declined.status_code) == (403, 403)
    assert Case.objects.get(pk=case.pk).status == Status.IN_REVIEW
    assert Assignment.objects.get(case=case).state == Assignment.State.ACCEPTED
