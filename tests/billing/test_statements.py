"""Reviewer pay: a rate per case kind, and a month's statement per reviewer, which that reviewer alone (and
administrators) may see."""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from audit.models import AccessEvent
from billing.models import ReviewerRate
from core import roles
from tests.factories import UserFactory, determined_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def rates(db):
    for kind, amount in (
        ("standard", "120.00"),
        ("expedited", "180.00"),
        ("formulary", "90.00"),
        ("ended_after_reviewer", "40.00"),
    ):
        ReviewerRate.objects.create(kind=kind, effective_from=datetime.date(2026, 1, 1), amount=Decimal(amount))
    # A raise from December: November's cases are paid at the old rate.
    ReviewerRate.objects.create(kind="standard", effective_from=datetime.date(2026, 12, 1), amount=Decimal("150.00"))


def test_a_reviewers_november_statement_pays_each_case_at_the_rate_of_its_kind(client, reviewer, rates, november_cases):
    billed, _ = november_cases
    client.force_login(reviewer)

    response = client.get(reverse("billing:statement", args=[reviewer.pk]), {"month": "2026-11", "format": "csv"})

    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    # Worked out here: three standard determinations (two of them on 2014 applications: the rate is the reviewer's,
    # not the fee's, so the same), two expedited, two formulary, one termination after the case reached them; the
    # withdrawn and ineligible cases never reached a reviewer, the other administrator's case is not theirs.
    expected = {
        billed["standard"].case_number: "120.00",
        billed["standard_2014"].case_number: "120.00",
        billed["expedited"].case_number: "180.00",
        billed["expedited_2014"].case_number: "180.00",
        billed["formulary"].case_number: "90.00",
        billed["formulary_2014"].case_number: "90.00",
        billed["terminated_after"].case_number: "40.00",
    }
    assert {row["case_number"]: row["rate"] for row in rows[:-1]} == expected
    assert rows[-1] == {"case_number": "TOTAL", "how_it_ended": "", "ended_on": "", "kind": "", "rate": "820.00"}
    assert sum(Decimal(rate) for rate in expected.values()) == Decimal("820.00")


def test_the_statement_page_shows_the_total_and_a_case_without_a_rate(client, reviewer, november_cases):
    ReviewerRate.objects.create(kind="standard", effective_from=datetime.date(2026, 1, 1), amount=Decimal("100.00"))
    client.force_login(reviewer)

    page = client.get(reverse("billing:statement", args=[reviewer.pk]), {"month": "2026-11"}).content.decode()

    assert '<td class="text-end" id="statement-total">$200.00</td>' in page
    assert page.count("no rate set") == 5


def test_a_reviewer_is_sent_to_their_own_statement(client, reviewer):
    client.force_login(reviewer)

    response = client.get(reverse("billing:statements"), {"month": "2026-11"})

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('billing:statement', args=[reviewer.pk])}?month=2026-11"


def test_another_reviewers_statement_is_not_found_and_the_refusal_is_logged(client, reviewer, other_reviewer):
    client.force_login(other_reviewer)

    response = client.get(reverse("billing:statement", args=[reviewer.pk]))

    assert response.status_code == 404
    refusal = AccessEvent.objects.get(object_type="reviewer_statement")
    assert (refusal.object_id, refusal.outcome, refusal.username) == (str(reviewer.pk), "not_found", "reviewer2")


def test_clinical_qa_and_staff_reach_no_statement(client, reviewer, qa_user, staff_user):
    for user in (qa_user, staff_user):
        client.force_login(user)
        assert client.get(reverse("billing:statements")).status_code == 403
        assert client.get(reverse("billing:statement", args=[reviewer.pk])).status_code == 403


def test_an_administrator_sees_every_reviewers_month_and_reading_one_logs_its_cases(
    admin_client, reviewer, other_reviewer, rates, november_cases
):
    index = admin_client.get(reverse("billing:statements"), {"month": "2026-11"}).content.decode()
    admin_client.get(reverse("billing:statement", args=[reviewer.pk]), {"month": "2026-11"})

    assert (
        'Riley Marchetti</a></td>\n    <td class="text-end">7</td><td class="text-end">0</td>'
        '<td class="text-end">$820.00</td>' in index
    )
    assert 'Robin Vandersloot</a></td>\n    <td class="text-end">0</td>' in index
    assert AccessEvent.objects.filter(object_type="reviewer_statement", object_id=f"{reviewer.pk}/2026-11").count() == 7


def test_a_month_written_wrong_is_named_and_the_current_month_shown(client, reviewer):
    client.force_login(reviewer)

    page = client.get(reverse("billing:statement", args=[reviewer.pk]), {"month": "November"}, follow=True)

    assert "&#x27;November&#x27; is not a month: write it as YYYY-MM, e.g. 2026-11." in page.content.decode()


def test_the_statements_of_every_reviewer_cost_the_same_queries_for_one_reviewer_and_for_many(
    admin_client, reviewer, rates, november_cases, django_assert_max_num_queries
):
    with django_assert_max_num_queries(30) as one:
        admin_client.get(reverse("billing:statements"), {"month": "2026-11"})
    queries_for_one = len(one.captured_queries)
    for number in range(6):
        other = UserFactory(username=f"paid-reviewer-{number}")
        other.groups.add(Group.objects.get_or_create(name=roles.REVIEWER)[0])
        determined_case(reviewer=other)

    with django_assert_max_num_queries(queries_for_one) as many:
        page = admin_client.get(reverse("billing:statements"), {"month": "2026-11"}).content.decode()

    assert len(many.captured_queries) == queries_for_one
    assert page.count('<td class="text-end">$120.00</td>') == 6  # each new reviewer's one standard determination
