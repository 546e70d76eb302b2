"""The counts per state that the case table's triggers keep (``CaseStateCount``), against a real count."""

import pytest
from django.db import connection
from django.db.models import Count
from django.urls import reverse

from cases.models import Case, CaseStateCount
from cases.services import lifecycle
from tests.factories import CaseFactory, case_in_review

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="the counting triggers are PostgreSQL's (CI runs on PostgreSQL)"
    ),
]


def counted() -> dict[str, int]:
    return dict(Case.objects.order_by().values_list("status").annotate(n=Count("*")))


def kept() -> dict[str, int]:
    return {status: n for status, n in CaseStateCount.objects.values_list("status", "count") if n}


def test_the_counts_follow_every_insert_move_bulk_update_and_delete(reviewer, admin_user):
    cases = [CaseFactory() for _ in range(4)]
    assert kept() == counted() == {"received": 4}

    case_in_review(reviewer, by=admin_user)
    lifecycle.transition(cases[0], "eligible", by=admin_user)
    assert kept() == counted() == {"received": 3, "eligible": 1, "in_review": 1}

    Case.objects.filter(pk__in=[cases[1].pk, cases[2].pk]).update(status="withdrawn")
    Case.objects.filter(pk=cases[3].pk).update(employee_name="Someone Else")  # no state changed
    assert kept() == counted() == {"received": 1, "eligible": 1, "in_review": 1, "withdrawn": 2}

    closed = Case.objects.bulk_create(
        [CaseFactory.build(status="closed", employer=None, claims_administrator=None) for _ in range(3)]
    )
    cases[3].delete()  # cases without a timeline (a case's transitions are append-only)
    Case.objects.filter(pk=closed[0].pk).delete()
    assert kept() == counted() == {"eligible": 1, "in_review": 1, "withdrawn": 2, "closed": 2}


def test_rebuild_counts_what_a_load_without_triggers_wrote():
    CaseFactory()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute("UPDATE cases_case SET status = 'closed'")
        cursor.execute("SET LOCAL session_replication_role = origin")
    assert kept() == {"received": 1}  # the triggers did not run

    CaseStateCount.rebuild()

    assert kept() == counted() == {"closed": 1}


def test_the_case_list_shows_the_kept_counts_to_an_administrator_and_counts_for_others(admin_client, client, reviewer):
    for _ in range(3):
        CaseFactory()
    mine = case_in_review(reviewer)

    page = admin_client.get(reverse("cases:list"))
    client.force_login(reviewer)
    own = client.get(reverse("cases:my_cases"))

    assert [(state, n) for state, _, n in page.context["state_counts"]] == [("received", 3), ("in_review", 1)]
    assert '>Received <span class="badge text-bg-secondary">3</span>' in page.content.decode()
    assert own.status_code == 200
    from cases.selectors import state_counts

    assert state_counts(reviewer) == [("in_review", "In review", 1)] and mine.reviewer == reviewer
