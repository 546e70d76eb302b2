"""The worker's side of the permission sweep: every URL of the worker's pages (walked from the URL configuration, so
a page added tomorrow is swept too), visited by a worker who opened case A, for case B and for a case that does not
exist. A code opens one case only: B answers exactly as a missing case does, and shows nothing of B."""

import pytest
from django.urls import reverse

from tests import factories
from tests.parties.worker_helpers import noticed_case, open_case, signed_letter
from tests.test_permissions_sweep import url_patterns

pytestmark = pytest.mark.django_db

MISSING = "CM99-9999999"


def test_a_workers_code_opens_one_case_only_on_every_worker_url(client):
    mine, code = noticed_case(
        case=factories.determined_case(employee_date_of_birth=factories.datetime.date(1980, 4, 15))
    )
    other, _ = noticed_case(case=factories.determined_case(employee_date_of_birth=factories.datetime.date(1980, 4, 15)))
    their_letter = signed_letter(other)
    assert open_case(client, mine, code).status_code == 302
    routes = [name for name, route in url_patterns() if name.startswith("worker:") and "<str:case_number>" in route]
    assert {"worker:case", "worker:send", "worker:letter"} <= set(routes)
    problems = []
    for name in routes:
        if name == "worker:staff_code":
            continue  # for administrators (cases.edit_intake through case_view): the staff sweep covers it
        extra = {"letter_id": their_letter.pk} if name == "worker:letter" else {}
        for method in ("get", "post"):
            theirs = getattr(client, method)(reverse(name, kwargs={"case_number": other.case_number, **extra}))
            missing = getattr(client, method)(reverse(name, kwargs={"case_number": MISSING, **extra}))
            body = theirs.content.decode() if not getattr(theirs, "streaming", False) else "(a file)"
            if theirs.status_code != missing.status_code or theirs.status_code not in (404, 405):
                problems.append(
                    f"{method} {name} for another case → {theirs.status_code}, missing → {missing.status_code}"
                )
            if other.employee_name in body or body == "(a file)":
                problems.append(f"{method} {name} shows the other case")
    assert problems == []
    # The worker's own case still opens: the refusals above did not end the session.
    assert client.get(reverse("worker:case", args=[mine.case_number])).status_code == 200
