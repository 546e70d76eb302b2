"""The case list's search at scale: the matches are found first and then sorted (cases.selectors.case_list), and the
page is the same whether they are fewer than the list counts or more (then the list's order is walked as before)."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases import selectors
from tests import factories

pytestmark = pytest.mark.django_db


def _numbers(client, **params) -> list[str]:
    return [case.case_number for case in client.get(reverse("cases:list"), params).context["page"]]


def test_a_search_lists_the_same_cases_in_the_same_order_below_and_above_the_cap(admin_client, monkeypatch):
    today = datetime.date.today()
    for number in range(6):
        factories.CaseFactory(
            employee_name=f"Ana Villanueva {number}", due_date=today + datetime.timedelta(days=9 - number)
        )
    for number in range(4):
        factories.CaseFactory(employee_name=f"Other Person {number}")

    found = _numbers(admin_client, q="villanueva")
    assert len(found) == 6
    with CaptureQueriesContext(connection) as below:
        admin_client.get(reverse("cases:list"), {"q": "villanueva"})

    monkeypatch.setattr(selectors.CappedPaginator, "cap", 3)  # more matches than the list counts: the order walked
    assert _numbers(admin_client, q="villanueva") == found[:3]
    monkeypatch.setattr(selectors.CappedPaginator, "cap", 5000)
    assert _numbers(admin_client, q="VILLANUEVA 3") == [n for n in found if n in _numbers(admin_client, q="anueva 3")]
    with CaptureQueriesContext(connection) as again:
        admin_client.get(reverse("cases:list"), {"q": "villanueva", "status": "open"})
    assert len(again) == len(below)  # one query more than the list without a search, whatever the matches
