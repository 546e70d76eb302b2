"""The letter center at scale: the parties' letters still to serve come first, read from the marker ``served`` that
recording a service sets (letters/migrations/0006_letter_served.py), not from a ``NOT EXISTS`` over the services
asked of every current letter (9.5 s at 1,000,000 cases, benchmarks/RESULTS-load.md)."""

from __future__ import annotations

import html
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from letters import services
from letters.models import ImmutableLetterError, Letter
from tests import factories
from tests.letters.helpers import signed_on_decision_day

pytestmark = pytest.mark.django_db

ROW = re.compile(r'<a class="text-nowrap" href="[^"]+">([^<]+)</a></td>\s*<td data-label="Rendition">([^<]+)</td>')


def _rows(client, **params) -> list[tuple[str, str]]:
    page = client.get(reverse("letters:center"), params).content.decode()
    return [(number, html.unescape(rendition).split()[0]) for number, rendition in ROW.findall(page)]


@pytest.fixture
def two_cases(qa_user):
    cases = []
    for number in ("CM26-0000001", "CM26-0000002"):
        case = factories.determined_case(qa=qa_user, case_number=number)
        case.employee_address = "12 Elm Street\nFresno, CA 93701"
        case.save(update_fields=["employee_address"])
        cases.append((case, *signed_on_decision_day(services.generate_letters(case))))
    return cases


def _serve(client, letter: Letter, day: str = "2026-11-12"):
    response = client.post(
        reverse("letters:service", args=[letter.pk]),
        {"served_on": day, "recipients": ["employee"], "method_employee": "mail"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]


def test_service_through_the_page_marks_the_letter_served_and_moves_it_after_those_still_to_serve(
    two_cases, client, staff_user
):
    (first, first_parties, first_public), (_, second_parties, _) = two_cases
    client.force_login(staff_user)
    # Nothing served: both parties' letters first, by case number (same signing day), then the public copies.
    assert _rows(client) == [
        ("CM26-0000001", "Parties'"),
        ("CM26-0000002", "Parties'"),
        ("CM26-0000001", "Public"),
        ("CM26-0000002", "Public"),
    ]

    _serve(client, first_parties)

    assert list(Letter.objects.order_by("pk").values_list("pk", "served")) == [
        (first_parties.pk, True),
        (first_public.pk, False),
        (second_parties.pk, False),
        (two_cases[1][2].pk, False),
    ]
    assert _rows(client) == [
        ("CM26-0000002", "Parties'"),  # the only letter still to serve
        ("CM26-0000001", "Parties'"),
        ("CM26-0000001", "Public"),
        ("CM26-0000002", "Public"),
    ]
    assert _rows(client, served="yes") == [("CM26-0000001", "Parties'")]
    assert _rows(client, served="no") == [
        ("CM26-0000002", "Parties'"),
        ("CM26-0000001", "Public"),
        ("CM26-0000002", "Public"),
    ]
    # A second service of the same letter leaves it served (and the page as it was).
    _serve(client, first_parties, day="2026-11-13")
    assert first_parties.services.count() == 2
    assert _rows(client, served="yes") == [("CM26-0000001", "Parties'")]


def test_the_marker_leaves_the_signed_letter_frozen_and_a_stale_copy_does_not_unset_it(two_cases, client, staff_user):
    (_, parties, _), _ = two_cases
    stale = Letter.objects.get(pk=parties.pk)  # read before the service
    client.force_login(staff_user)
    _serve(client, parties)

    stale.save()  # e.g. a letter read before the service, saved after it
    assert Letter.objects.get(pk=parties.pk).served is True
    stale.sha256 = "0" * 64
    with pytest.raises(ImmutableLetterError, match="sha256"):
        stale.save()
    with pytest.raises(ImmutableLetterError):
        Letter.objects.filter(pk=parties.pk).update(sha256="0" * 64)
    assert Letter.objects.get(pk=parties.pk).sha256 == parties.sha256


@pytest.mark.parametrize("params", [{}, {"served": "yes"}])
def test_the_page_reads_its_order_from_the_index_whose_first_key_is_still_to_serve(
    two_cases, client, staff_user, params
):
    client.force_login(staff_user)
    if params:
        _serve(client, two_cases[0][1])
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("letters:center"), params).status_code == 200
    (select,) = [
        q["sql"] for q in queries if q["sql"].startswith('SELECT "letters_letter"."id"') and "LIMIT" in q["sql"]
    ]
    with connection.cursor() as cursor:
        # With so few rows a scan is cheapest; forbidden here, the plan shows whether the ORDER BY matches the index.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute(f"EXPLAIN {select}")
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "letter_current_to_serve" in plan, plan
    if params:  # the served letters: the scan starts past the letters still to serve (an index condition)
        assert re.search(r"Index Cond: .*NOT served\)\) = false\)", plan), plan
