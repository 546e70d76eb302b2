import re

import pytest
from django.urls import reverse

from cases.lifecycle import Status
from tests import factories


def _listed(response) -> list[str]:
    return re.findall(r'<a class="text-nowrap" href="[^"]+">([^<]+)</a>', response.content.decode())


@pytest.fixture
def cases(db):
    factories.CaseFactory(case_number="CM16-0000001", status=Status.CLOSED)
    factories.CaseFactory(case_number="CM16-0000002", status=Status.CLOSED)
    factories.CaseFactory(case_number="CM26-0000003", status=Status.RECEIVED)


def test_the_working_case_list_leaves_the_historical_cases_out(admin_client, cases):
    assert _listed(admin_client.get(reverse("cases:list"))) == ["CM26-0000003"]


def test_the_historical_cases_are_one_tick_away(admin_client, cases):
    listed = _listed(admin_client.get(reverse("cases:list"), {"historical": "on"}))

    assert sorted(listed) == ["CM16-0000001", "CM16-0000002", "CM26-0000003"]


def test_the_closed_state_lists_the_historical_cases(admin_client, cases):
    assert sorted(_listed(admin_client.get(reverse("cases:list"), {"status": "closed"}))) == [
        "CM16-0000001",
        "CM16-0000002",
    ]
