"""A case's own assignment page at any size of the roster: the eligible reviewers ranked as over the whole roster,
the qualified ones who cannot take the case listed with the reasons, the others counted by qualification rule, a
fixed number of queries, and an offer to a reviewer not shown refused with the rules' words."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from cases.lifecycle import Status
from cases.models import Case
from cases.services import assignment, matching
from reviewers.models import ReviewerProfile
from reviewers.qualification import qualification_problems, roster_profiles, roster_queryset, unqualified_counts
from tests.factories import (
    UserFactory,
    affiliate,
    reviewer_profile,
    roster_reviewer,
    specialty_fit,
    waiting_case,
)
from tests.reviewers.test_qualification import DAY, RULE_EDGES, TODAY

pytestmark = pytest.mark.django_db


def _page(client, case: Case):
    return client.get(reverse("cases:assign", args=[case.case_number]))


def _messages(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.fixture
def roster():
    """Two eligible reviewers, two qualified ones blocked (a conflict, a full load), three not qualified today."""
    specialty_fit()
    return {
        "ana": roster_reviewer("ana", capacity=4, open_cases=1),
        "ben": roster_reviewer("ben", capacity=4),
        "cleo": roster_reviewer("cleo"),
        "dora": roster_reviewer("dora", capacity=1, open_cases=1),
        "eve": roster_reviewer("eve", active=False),
        "fay": roster_reviewer("fay", certifications=[], away_from=datetime.date.today() - DAY),
        "gus": roster_reviewer("gus", credentials_verified_on=None),
    }


def test_the_page_lists_the_qualified_who_cannot_take_the_case_and_counts_the_others_by_rule(admin_client, roster):
    case = waiting_case()
    affiliate(roster["cleo"], case.employer)

    response = _page(admin_client, case)

    page = response.context["roster"]
    assert response.status_code == 200
    assert [candidate.profile for candidate in page.eligible] == [roster["ben"], roster["ana"]]
    assert page.blocked == [
        (roster["cleo"], [f"Conflict of interest: affiliated with employer {case.employer.name}."]),
        (roster["dora"], ["At capacity: 1 open case of 1."]),
    ]
    assert page.blocked_by_reason == [("At capacity", 1), ("Conflict of interest", 1)]
    assert (page.not_qualified, page.cannot_take) == (3, 5)
    assert page.not_qualified_by_rule == {
        "inactive on the roster": 1,
        "away": 1,
        "no board certification on file": 1,
        "credentials not verified in the last 36 months": 1,
    }
    text = response.content.decode()
    assert 'Not qualified today: 3 reviewers (<a href="/reviewers/?assignable=no">' in text
    assert "<li>No board certification on file: 1</li>" in text
    assert "<li>At capacity: 1 reviewer, listed below</li>" in text
    assert "Reviewer Eve" not in text  # not qualified: counted, not listed


def test_the_eligible_and_the_qualified_blocked_are_those_of_the_whole_roster(admin_client, roster):
    case = waiting_case()
    affiliate(roster["ana"], case.claims_administrator)

    page = matching.rank_case(case)
    eligible, blocked = matching.rank_reviewers(case, matching.RosterSnapshot.load())

    shown = [(candidate.profile, candidate.score, candidate.reasons) for candidate in page.eligible]
    assert shown == [(candidate.profile, candidate.score, candidate.reasons) for candidate in eligible]
    assert page.blocked == [(profile, reasons) for profile, reasons in blocked if not qualification_problems(profile)]
    assert page.not_qualified == len(blocked) - len(page.blocked) == 3


def test_the_reviewer_who_has_the_case_is_neither_listed_nor_counted(admin_client, admin_user, roster):
    case = waiting_case()
    assignment.offer_case(case, roster["ben"].user, by=admin_user)
    ReviewerProfile.objects.filter(pk=roster["ben"].pk).update(active=False)

    page = _page(admin_client, case).context["roster"]

    assert page.not_qualified == 3  # eve, fay and gus; not ben, who has the case
    assert roster["ben"] not in [profile for profile, _ in page.blocked]
    assert [candidate.profile for candidate in page.eligible] == [roster["cleo"], roster["ana"]]


@pytest.mark.parametrize("edge", list(RULE_EDGES))
def test_the_counts_by_rule_follow_the_rules_at_their_edges(edge):
    change, qualified = RULE_EDGES[edge]
    profile = reviewer_profile(UserFactory(), credentials_verified_on=TODAY - 30 * DAY)
    if callable(change):
        change(profile)
    else:
        ReviewerProfile.objects.filter(pk=profile.pk).update(**change)
    (loaded,) = roster_profiles(ReviewerProfile.objects.filter(pk=profile.pk))

    total, by_rule = unqualified_counts(ReviewerProfile.objects.filter(pk=profile.pk), TODAY)

    assert total == (0 if qualified else 1)
    assert sum(by_rule.values()) == len(qualification_problems(loaded, on=TODAY))


def test_the_page_costs_the_same_queries_for_a_small_roster_and_a_large_one(
    admin_client, roster, django_assert_num_queries
):
    case = waiting_case()
    with django_assert_num_queries(17) as small:
        assert _page(admin_client, case).status_code == 200
    for index in range(30):
        roster_reviewer(f"away{index}", away_from=datetime.date.today())
    for index in range(5):
        affiliate(roster_reviewer(f"tied{index}"), case.employer)
    for index in range(5):
        roster_reviewer(f"full{index}", capacity=1, open_cases=1)

    with django_assert_num_queries(len(small.captured_queries)):
        response = _page(admin_client, case)

    page = response.context["roster"]
    assert roster_queryset().count() == 47
    assert (len(page.eligible), len(page.blocked), page.not_qualified) == (3, 1 + 10, 3 + 30)


def test_an_offer_to_a_reviewer_not_shown_is_refused_with_the_reason(admin_client, roster):
    case = waiting_case()
    eve = roster["eve"].user

    url = reverse("cases:assign", args=[case.case_number])

    response = admin_client.post(url, {"action": "offer", "reviewer": eve.pk})
    refused = _messages(response)
    admin_client.get(url)  # shows, and so uses up, the message
    missing = admin_client.post(url, {"action": "offer", "reviewer": "not a number"})

    assert response.status_code == missing.status_code == 302
    assert refused == [f"{eve.get_full_name()} cannot be offered case {case.case_number}: Inactive on the roster."]
    assert _messages(missing) == ["Choose a reviewer from the list."]
    case.refresh_from_db()
    assert (case.status, case.reviewer_id) == (Status.RECORDS_RECEIVED, None)
