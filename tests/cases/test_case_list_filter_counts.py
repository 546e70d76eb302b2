"""The case list's filters at 1,000,000 cases (issue 25 item 1): each filter's capped count is read from an index alone
(cases/migrations/0019_list_count_indexes.py), and the on-track filter, told that a case due within the shortest
at-risk window is at risk on every track, still lists exactly the cases whose clock says "on track"."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases.clock import AT_RISK_DAYS, Track
from cases.lifecycle import Status
from cases.models import Case
from tests.factories import CaseFactory, DisputedItemFactory

pytestmark = pytest.mark.django_db


def _numbers(client, **params) -> list[str]:
    response = client.get(reverse("cases:list"), params)
    assert response.status_code == 200
    return [case.case_number for case in response.context["page"].object_list]


def test_the_due_filters_list_the_cases_whose_clock_says_so_on_every_track_around_the_at_risk_windows(admin_client):
    today = timezone.localdate()
    for track in Track.values:
        for days in range(-1, max(AT_RISK_DAYS.values()) + 3):
            case = CaseFactory(status=Status.IN_REVIEW)
            # The due date is the clock's (computed on save); set here to the day each window starts and ends.
            Case.objects.filter(pk=case.pk).update(track=track, due_date=today + datetime.timedelta(days=days))
    closed = CaseFactory(status=Status.CLOSED)
    Case.objects.filter(pk=closed.pk).update(due_date=today + datetime.timedelta(days=20))
    cases = list(Case.objects.exclude(status=Status.CLOSED))
    for due in ("overdue", "at_risk", "on_track"):
        expected = sorted(case.case_number for case in cases if case.clock.key == due)
        assert sorted(_numbers(admin_client, due=due)) == expected, due
    # 3 tracks x 9 days (-1 to 7): 3 overdue; at risk from today to 5 days (standard), 2 (formulary), 1 (expedited).
    assert [len(_numbers(admin_client, due=due)) for due in ("overdue", "at_risk", "on_track")] == [3, 11, 13]


# The count of each filter (the page's ``SELECT COUNT(*)``) and the index it must be read from alone.
COUNTED_FROM = [
    ({"priority": "expedited"}, "case_priority_status"),
    ({"due": "overdue"}, "case_running_due_track"),
    ({"due": "at_risk"}, "case_running_due_track"),
    ({"due": "on_track"}, "case_running_due_track"),
    ({"category": "Surgery"}, "case_not_closed_id"),
]


@pytest.mark.parametrize(("params", "index"), COUNTED_FROM)
def test_each_filters_count_is_read_from_an_index_alone(admin_client, params, index):
    today = timezone.localdate()
    for number in range(6):
        item = DisputedItemFactory(category="Surgery" if number % 2 else "Therapies", case__priority="expedited")
        Case.objects.filter(pk=item.case_id).update(
            status=Status.IN_REVIEW, due_date=today + datetime.timedelta(days=number * 3 - 3)
        )
    with CaptureQueriesContext(connection) as queries:
        found = _numbers(admin_client, **params)
    assert found  # the count has matches to read
    (count,) = [query["sql"] for query in queries if query["sql"].startswith("SELECT COUNT(*)")]
    with connection.cursor() as cursor:
        # With so few rows a scan of the table is cheapest; forbidden here, the plan shows which index answers.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        cursor.execute(f"EXPLAIN {count}")
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert f"Index Only Scan using {index} on cases_case" in plan, plan
    assert "Index Scan" not in plan.replace("Index Only Scan", ""), plan  # no row of the table is read
