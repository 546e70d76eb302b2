"""The assignment page, the bulk "assign the queue" and the reviewer's "My cases" home."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils.html import escape

from cases.lifecycle import Status
from cases.models import Assignment, Case, Determination
from cases.services import assignment
from tests.factories import affiliate, reviewer_profile, specialty_fit, waiting_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def profiles(reviewer, other_reviewer):
    specialty_fit()
    return reviewer_profile(reviewer), reviewer_profile(other_reviewer)


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_assignment_page_ranks_eligible_reviewers_and_shows_the_conflicted_apart(admin_client, profiles):
    first, second = profiles
    case = waiting_case()
    affiliate(second, case.employer, "Former employee")

    response = admin_client.get(reverse("cases:assign", args=[case.case_number]))

    assert response.status_code == 200
    assert [c.profile for c in response.context["eligible"]] == [first]
    assert response.context["blocked"] == [
        (second, [f"Conflict of interest: affiliated with employer {case.employer.name}."])
    ]
    text = response.content.decode()
    assert f"Conflict of interest: affiliated with employer {case.employer.name}." in text
    assert "Specialty fit 100% (Therapies 100%)" in text


def test_one_click_on_the_assignment_page_offers_the_case(admin_client, reviewer, profiles):
    case = waiting_case()

    response = admin_client.post(
        reverse("cases:assign", args=[case.case_number]), {"action": "offer", "reviewer": reviewer.pk}
    )

    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.status, case.reviewer_id) == (Status.ASSIGNED, reviewer.pk)
    assert Assignment.objects.get(case=case).via == "page"


def test_the_assignment_page_refuses_a_conflicted_reviewer_posted_by_hand(admin_client, other_reviewer, profiles):
    case = waiting_case()
    affiliate(profiles[1], case.claims_administrator)

    response = admin_client.post(
        reverse("cases:assign", args=[case.case_number]), {"action": "offer", "reviewer": other_reviewer.pk}
    )

    assert response.status_code == 302
    assert _messages(response) == [
        f"{other_reviewer.get_full_name()} cannot be offered case {case.case_number}: Conflict of interest: "
        f"affiliated with claims administrator / insurer {case.claims_administrator.name}."
    ]
    case.refresh_from_db()
    assert (case.status, case.reviewer_id) == (Status.RECORDS_RECEIVED, None)


def test_reassigning_from_the_assignment_page_needs_a_reason(
    admin_client, admin_user, reviewer, other_reviewer, profiles
):
    case = waiting_case()
    assignment.offer_case(case, reviewer, by=admin_user)
    url = reverse("cases:assign", args=[case.case_number])

    refused = admin_client.post(url, {"action": "reassign", "reviewer": other_reviewer.pk, "reason": ""})
    done = admin_client.post(url, {"action": "reassign", "reviewer": other_reviewer.pk, "reason": "Workload"})

    assert _messages(refused) == ["Say why the case is reassigned."]
    assert done.status_code == 302
    assert Case.objects.get(pk=case.pk).reviewer_id == other_reviewer.pk


@pytest.mark.parametrize("role", ["reviewer", "qa_user", "staff_user"])
def test_only_administrators_open_the_assignment_pages(client, request, role, profiles):
    case = waiting_case()
    user = request.getfixturevalue(role)
    client.force_login(user)

    # A waiting case is not visible to these roles: it answers as a case that does not exist.
    assert client.get(reverse("cases:assign", args=[case.case_number])).status_code == 404
    if role == "reviewer":  # the reviewer's own case is visible, and the page is still refused
        case.reviewer = user
        case.save(update_fields=["reviewer"])
        assert client.get(reverse("cases:assign", args=[case.case_number])).status_code == 403
    assert client.get(reverse("cases:assign_queue")).status_code == 403
    assert client.post(reverse("cases:assign_queue"), {"pair": f"{case.pk}:1"}).status_code == 403


def test_bulk_proposal_is_shown_then_applied_on_confirmation(admin_client, reviewer, other_reviewer, profiles):
    first, second = profiles
    first.capacity = second.capacity = 2
    first.save()
    second.save()
    cases = [waiting_case() for _ in range(5)]
    affiliate(second, cases[0].employer)

    shown = admin_client.get(reverse("cases:assign_queue"))

    proposal = shown.context["proposal"]
    assert len(proposal) == 4  # two each: capacity caps the fifth out
    assert (cases[0], second) not in proposal
    assert [case.pk for case in shown.context["unmatched"]] == [
        case.pk for case in cases if case.pk not in {c.pk for c, _ in proposal}
    ]
    assert Assignment.objects.count() == 0  # nothing happens before confirmation
    pairs = [f"{case.pk}:{profile.user_id}" for case, profile in proposal]

    applied = admin_client.post(reverse("cases:assign_queue"), {"pair": pairs})

    assert applied.status_code == 302
    assert _messages(applied) == ["4 cases offered to reviewers."]
    assert sorted(Case.objects.filter(status=Status.ASSIGNED).values_list("reviewer_id", flat=True)) == sorted(
        [reviewer.pk, reviewer.pk, other_reviewer.pk, other_reviewer.pk]
    )
    assert set(Assignment.objects.values_list("via", flat=True)) == {"bulk"}


def test_bulk_apply_refuses_a_conflicted_pair_slipped_into_the_form(admin_client, other_reviewer, profiles):
    case = waiting_case()
    affiliate(profiles[1], case.employer)

    response = admin_client.post(reverse("cases:assign_queue"), {"pair": [f"{case.pk}:{other_reviewer.pk}"]})

    assert _messages(response) == [
        f"{case.case_number} not offered: {other_reviewer.get_full_name()} cannot be offered case "
        f"{case.case_number}: Conflict of interest: affiliated with employer {case.employer.name}."
    ]
    assert Case.objects.get(pk=case.pk).reviewer_id is None


# -- My cases ----------------------------------------------------------------------------------------------------


def _sections(response) -> dict[str, list[str]]:
    return {key: [row["case"].case_number for row in rows] for key, _, rows in response.context["sections"]}


def test_my_cases_sorts_the_reviewers_cases_into_sections(client, admin_user, reviewer, other_reviewer, profiles):
    offered, in_review, returned, submitted = (waiting_case() for _ in range(4))
    others = waiting_case()
    for case in (offered, in_review, returned, submitted):
        assignment.offer_case(case, reviewer, by=admin_user)
    assignment.offer_case(others, other_reviewer, by=admin_user)
    for case in (in_review, returned, submitted):
        assignment.accept_case(case, by=reviewer, attestation_text="I attest.")
    Determination.objects.create(case=returned, version=1, state=Determination.State.RETURNED, author=reviewer)
    Determination.objects.create(
        case=returned, version=2, state=Determination.State.DRAFT, author=reviewer, origin="revision"
    )
    from cases.services.lifecycle import transition

    transition(submitted, Status.QA, by=reviewer)
    client.force_login(reviewer)

    response = client.get(reverse("cases:my_cases"))

    assert response.status_code == 200
    assert _sections(response) == {
        "offered": [offered.case_number],
        "returned": [returned.case_number],
        "in_review": [in_review.case_number],
        "done": [submitted.case_number],
    }
    text = response.content.decode()
    assert others.case_number not in text
    assert escape(assignment.attestation_text(offered)) in text
    assert "Overdue by" in text  # each row shows the statutory clock


def test_my_cases_costs_the_same_queries_for_one_case_and_for_many(
    client, admin_user, reviewer, profiles, django_assert_num_queries
):
    profiles[0].capacity = 20
    profiles[0].save()
    client.force_login(reviewer)
    assignment.offer_case(waiting_case(), reviewer, by=admin_user)
    with django_assert_num_queries(9) as one:  # the open cases, the 50 latest done, 3 prefetches, the session, the log
        client.get(reverse("cases:my_cases"))
    for _ in range(6):
        assignment.offer_case(waiting_case(items=2), reviewer, by=admin_user)
    with django_assert_num_queries(len(one.captured_queries)):
        client.get(reverse("cases:my_cases"))


def test_a_reviewer_accepts_an_offer_by_ticking_the_attestation(client, admin_user, reviewer, profiles):
    case = waiting_case()
    assignment.offer_case(case, reviewer, by=admin_user)
    client.force_login(reviewer)
    url = reverse("cases:accept", args=[case.case_number])

    unticked = client.post(url, {})
    ticked = client.post(url, {"attest": "yes"})

    assert _messages(unticked) == [f"To accept {case.case_number}, tick the box to attest that you have no conflict."]
    assert ticked.status_code == 302
    offer = Assignment.objects.get(case=case)
    assert offer.state == Assignment.State.ACCEPTED
    assert offer.attestation_text == assignment.attestation_text(case)
    assert Case.objects.get(pk=case.pk).status == Status.IN_REVIEW


def test_a_reviewer_declines_with_a_reason_and_the_case_leaves_their_list(client, admin_user, reviewer, profiles):
    case = waiting_case()
    assignment.offer_case(case, reviewer, by=admin_user)
    client.force_login(reviewer)

    response = client.post(reverse("cases:decline", args=[case.case_number]), {"reason": "Away at a conference."})

    assert response.status_code == 302
    assert Case.objects.get(pk=case.pk).status == Status.RECORDS_RECEIVED
    assert Assignment.objects.get(case=case).decline_reason == "Away at a conference."
    assert client.get(case.get_absolute_url()).status_code == 404


def test_another_reviewer_cannot_accept_or_decline_someone_elses_offer(
    client, admin_user, reviewer, other_reviewer, profiles
):
    case = waiting_case()
    assignment.offer_case(case, reviewer, by=admin_user)
    client.force_login(other_reviewer)

    assert client.post(reverse("cases:accept", args=[case.case_number]), {"attest": "yes"}).status_code == 404
    assert client.post(reverse("cases:decline", args=[case.case_number]), {"reason": "x"}).status_code == 404
    assert Assignment.objects.get(case=case).state == Assignment.State.OFFERED
