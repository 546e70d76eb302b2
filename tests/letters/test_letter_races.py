"""Two people acting on the same letter at the same moment: two real requests, each in its own thread with its own
database connection, against committed data (``transaction=True``)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from letters import services
from letters.models import Letter, ServiceRecipient
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)


def at_once(*requests):
    """Run each ``request()`` in its own thread, released together by a barrier; their responses, in order."""
    barrier = threading.Barrier(len(requests))
    responses: list = [None] * len(requests)
    errors: list[BaseException] = []

    def run(index, request):
        try:
            barrier.wait(10)
            responses[index] = request()
        except BaseException as error:  # noqa: BLE001 - reported by the main thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(index, request)) for index, request in enumerate(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert errors == []
    return responses


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def case(qa_user, reviewer):
    case = factories.determined_case(qa=qa_user, reviewer=reviewer)
    case.employee_address = "12 Elm Street\nFresno, CA 93701"
    case.save(update_fields=["employee_address"])
    return case


@pytest.fixture
def letters(case):
    return services.generate_letters(case)


def test_two_simultaneous_services_on_the_same_addressee_method_and_day_are_recorded_once(
    case, letters, staff_user, admin_user
):
    url = reverse("letters:service", args=[letters[0].pk])
    form = {
        "served_on": timezone.localdate().isoformat(),
        "recipients": "employee",
        "method_employee": "mail",
        "note": "",
    }
    first, second = signed_in(staff_user), signed_in(admin_user)

    responses = at_once(lambda: first.post(url, form), lambda: second.post(url, form))

    assert sorted(response.status_code for response in responses) == [302, 400]
    assert list(ServiceRecipient.objects.values_list("key", "service__method")) == [("employee", "mail")]
    refused = next(response for response in responses if response.status_code == 400).content.decode()
    assert f"{case.employee_name} was already recorded as served by mail on" in refused


def test_a_qa_correction_and_an_administrators_correction_at_once_give_both_renditions_one_version_each(
    case, letters, qa_user, admin_user
):
    url = reverse("letters:correction", args=[case.case_number])
    by_qa, by_admin = signed_in(qa_user), signed_in(admin_user)

    responses = at_once(
        lambda: by_qa.post(url, {"reason": "QA: the claim number was misprinted."}),
        lambda: by_admin.post(url, {"reason": "Administrator: the employer's name was misspelt."}),
    )

    assert [response.status_code for response in responses] == [302, 302]
    rows = sorted(Letter.objects.filter(case=case).values_list("version", "rendition", "state", "correction_reason"))
    # The second correction builds on the first: versions 2 and 3, each with both renditions and one reason.
    reasons = {version: {reason for v, _, _, reason in rows if v == version} for version in (2, 3)}
    assert [(version, rendition, state) for version, rendition, state, _ in rows] == [
        (1, "parties", "signed"),
        (1, "public", "signed"),
        (2, "parties", "signed"),
        (2, "public", "signed"),
        (3, "parties", "signed"),
        (3, "public", "signed"),
    ]
    assert sorted(len(reasons[version]) for version in (2, 3)) == [1, 1]
    assert reasons[2] | reasons[3] == {
        "QA: the claim number was misprinted.",
        "Administrator: the employer's name was misspelt.",
    }
    current = sorted(Letter.objects.current().filter(case=case).values_list("rendition", "version"))
    assert current == [("parties", 3), ("public", 3)]
