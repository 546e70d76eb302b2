"""The assignment queue page a page at a time, at any size of the queue and of the roster: the most urgent cases
first, the proposal the same as over the whole roster, conflict-free, and queries that do not grow."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases.models import Assignment, Case, Determination
from cases.services import bulk_assignment, matching
from cases.views.assignment import QUEUE_PAGE_SIZE
from tests.factories import (
    CaseFactory,
    affiliate,
    received_days_ago,
    roster_reviewer,
    specialty_fit,
    waiting_case,
)

pytestmark = pytest.mark.django_db


def _queue_key(case: Case) -> tuple:
    return (case.priority != "expedited", case.due_date is None, case.due_date, case.case_number)


def _pairs(response) -> list[tuple[int, int]]:
    return [(case.pk, profile.pk) for case, profile in response.context["proposal"]]


def test_the_first_page_holds_the_most_urgent_cases_and_the_next_page_the_rest(admin_client):
    specialty_fit()
    roster_reviewer("ana", capacity=40)
    roster_reviewer("ben", capacity=40)
    tied = roster_reviewer("cleo", capacity=40)
    roster_reviewer("dora", capacity=40, active=False)  # not qualified: left out of the snapshot, still counted
    recent = [waiting_case(**received_days_ago(1)) for _ in range(QUEUE_PAGE_SIZE)]
    overdue = waiting_case(**received_days_ago(60))
    expedited = waiting_case(priority="expedited", **received_days_ago(0))
    for case in recent[:5]:
        affiliate(tied, case.claims_administrator)
    everything = sorted(Case.objects.filter(pk__in=[c.pk for c in [*recent, overdue, expedited]]), key=_queue_key)

    first = admin_client.get(reverse("cases:assign_queue"))
    second = admin_client.get(reverse("cases:assign_queue"), {"page": 2})

    shown = [case for case, _ in first.context["proposal"]] + [case for case, _ in first.context["unplaced"]]
    assert sorted(case.pk for case in shown) == sorted(case.pk for case in everything[:QUEUE_PAGE_SIZE])
    assert {expedited.pk, overdue.pk} <= {case.pk for case in shown}
    later = [case for case, _ in second.context["proposal"]] + [case for case, _ in second.context["unplaced"]]
    assert sorted(case.pk for case in later) == sorted(case.pk for case in everything[QUEUE_PAGE_SIZE:])
    assert first.context["waiting_count"] == QUEUE_PAGE_SIZE + 2
    assert f"{QUEUE_PAGE_SIZE + 2} cases waiting for a reviewer" in first.content.decode()
    assert "Page 1 of 2" in first.content.decode()
    # Conflict-free, and exactly what the proposal over the same cases and the whole roster gives.
    snapshot = matching.RosterSnapshot.load()
    page_cases = list(matching.assignment_queue()[:QUEUE_PAGE_SIZE])
    plan = bulk_assignment.plan_bulk_assignment(page_cases, snapshot=snapshot)
    assert _pairs(first) == [(case.pk, profile.pk) for case, profile in plan.pairs]
    assert len(plan.pairs) == QUEUE_PAGE_SIZE
    loads = dict(snapshot.loads)
    for case, profile in first.context["proposal"]:
        assert matching.blocking_reasons(case, profile, snapshot, load=loads.get(profile.user_id, 0)) == []
        loads[profile.user_id] = loads.get(profile.user_id, 0) + 1
    assert {(case.pk, tied.pk) for case in recent[:5]}.isdisjoint(_pairs(first) + _pairs(second))
    assert Assignment.objects.count() == 0


def test_a_reviewer_left_out_as_not_qualified_is_still_counted_in_the_reason(admin_client):
    specialty_fit()
    specialty_fit("Orthopedic Surgery", "Surgery", 100)
    roster_reviewer("ana")
    roster_reviewer("ben", certifications=["Orthopedic Surgery"], credentials_verified_on=None)
    stuck = waiting_case(category="Surgery")

    response = admin_client.get(reverse("cases:assign_queue"))

    reason = "No reviewer can take it: 1 has no certified specialty that fits Surgery; 1 is not qualified now."
    assert response.context["unplaced"] == [(stuck, reason)]
    assert bulk_assignment.plan_bulk_assignment([stuck]).unplaced == [(stuck, reason)]
    assert [profile.user.username for profile in matching.RosterSnapshot.load_qualified().profiles] == ["ana"]


def _queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("cases:assign_queue")).status_code == 200
    return len(queries)


def test_the_queue_costs_the_same_queries_for_one_case_and_for_many_with_a_larger_roster(admin_client):
    specialty_fit()
    ana = roster_reviewer("ana")
    waiting_case()
    admin_client.get(reverse("cases:assign_queue"))  # warm the caches (session, library)
    one = _queries(admin_client)

    ben = roster_reviewer("ben", open_cases=2)
    roster_reviewer("cleo", active=False)
    cases = [waiting_case(items=2, **received_days_ago(n)) for n in range(6)]
    affiliate(ben, cases[0].employer)
    _accepted_and_submitted(ana, days=3)

    assert _queries(admin_client) == one


def _accepted_and_submitted(profile, *, days: float, accepted_days_ago: float = 10, submitted: bool = True):
    """A case the reviewer accepted ``accepted_days_ago`` and first submitted ``days`` later."""
    now = timezone.now()
    accepted_at = now - datetime.timedelta(days=accepted_days_ago)
    case = CaseFactory(status="qa", reviewer=profile.user)
    Assignment.objects.create(
        case=case,
        reviewer=profile.user,
        state=Assignment.State.ACCEPTED,
        offered_at=accepted_at,
        responded_at=accepted_at,
    )
    if submitted:
        Determination.objects.create(
            case=case,
            version=1,
            state=Determination.State.RETURNED,
            author=profile.user,
            submitted_at=accepted_at + datetime.timedelta(days=days),
        )
        Determination.objects.create(
            case=case,
            version=2,
            state=Determination.State.SUBMITTED,
            author=profile.user,
            submitted_at=accepted_at + datetime.timedelta(days=days + 2),
        )
    return case


def test_turnaround_is_the_median_of_the_days_to_the_first_submission_of_the_last_ninety_days():
    ana = roster_reviewer("ana")
    ben = roster_reviewer("ben")
    _accepted_and_submitted(ana, days=2)
    _accepted_and_submitted(ana, days=4)
    _accepted_and_submitted(ana, days=30, accepted_days_ago=120)  # accepted before the window
    _accepted_and_submitted(ana, days=1, submitted=False)  # not submitted yet
    written_by_another = _accepted_and_submitted(ben, days=1)
    Determination.objects.filter(case=written_by_another).update(author=ana.user)

    turnaround = matching.recent_turnaround([ana.user_id, ben.user_id], timezone.localdate())

    assert turnaround == {ana.user_id: 3.0}


def test_the_snapshot_reads_the_turnaround_of_the_qualified_reviewers_who_are_scored():
    ana = roster_reviewer("ana")
    away = roster_reviewer("ben", away_from=timezone.localdate())
    _accepted_and_submitted(ana, days=2)
    _accepted_and_submitted(away, days=5)

    snapshot = matching.RosterSnapshot.load()

    assert snapshot.turnaround == {ana.user_id: 2.0}
    assert matching.recent_turnaround([away.user_id], timezone.localdate()) == {away.user_id: 5.0}
