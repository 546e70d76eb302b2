"""Webhooks sent to a real HTTP server on 127.0.0.1: signed so that README's few lines of Python accept them, retried
after a refusal, given up after the last try, and shown to the organization's manager with every answer code."""

from __future__ import annotations

import json
import socket
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AccessEvent
from cases.services import assignment
from tests.factories import reviewer_profile, specialty_fit, waiting_case
from tests.parties.conftest import sign_in
from tests.webhooks.conftest import endpoint_for, manager_of, organization, readme_signature_check
from webhooks import signing, tasks
from webhooks.models import Delivery

pytestmark = pytest.mark.django_db


def _assign(case, admin_user, reviewer):
    """The real assignment service: offered, then accepted with the attestation (the parties' "assigned")."""
    specialty_fit()
    reviewer_profile(reviewer)
    assignment.offer_case(case, reviewer, by=admin_user)
    assignment.accept_case(case, by=reviewer, attestation_text=assignment.attestation_text(case))


def test_an_assignment_reaches_the_organizations_server_signed_as_readme_says(
    receiver, admin_user, reviewer, django_capture_on_commit_callbacks
):
    acme = organization("Acme Claims Services")
    endpoint = endpoint_for(acme, receiver.url)
    case = waiting_case(claims_administrator=acme, employee_name="Zebulon Featherstonehaugh")

    with django_capture_on_commit_callbacks(execute=True):
        _assign(case, admin_user, reviewer)

    assert len(receiver.received) == 1
    request = receiver.received[0]
    is_from_the_imr_portal = readme_signature_check()
    assert is_from_the_imr_portal(request.body, request.headers["imr-signature"], endpoint.secret)
    # The check refuses a changed body, another secret and an old signature (a replay).
    assert not is_from_the_imr_portal(
        request.body.replace(b"in_review", b"withdrawn"), request.headers["imr-signature"], endpoint.secret
    )
    assert not is_from_the_imr_portal(request.body, request.headers["imr-signature"], "whsec_someone-else")
    old = signing.signature(endpoint.secret, int(timezone.now().timestamp()) - 3600, request.body)
    assert not is_from_the_imr_portal(request.body, old, endpoint.secret)
    message = json.loads(request.body)
    delivery = Delivery.objects.get()
    assert message == {
        "event": "case.assigned",
        "id": delivery.event_id,
        "occurred_at": message["occurred_at"],
        "case_number": case.case_number,
        "status": "in_review",
        "links": {"case": f"http://127.0.0.1:8000/api/v1/cases/{case.case_number}"},
    }
    assert request.headers["imr-event"] == "case.assigned"
    assert request.headers["imr-event-id"] == delivery.event_id
    assert request.headers["content-type"] == "application/json"
    # Nothing medical, no worker's name, never the reviewer.
    text = request.body.decode()
    for secret in ("Zebulon", "Featherstonehaugh", reviewer.last_name, reviewer.username, case.diagnosis, "M51"):
        assert secret not in text
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("delivered", 1, 200)
    assert delivery.delivered_at is not None


def test_a_refused_delivery_waits_is_tried_again_and_the_manager_sees_both_answers(
    receiver, admin_user, reviewer, client, django_capture_on_commit_callbacks
):
    acme = organization("Acme Claims Services")
    endpoint = endpoint_for(acme, receiver.url)
    case = waiting_case(claims_administrator=acme)
    receiver.answers = [500]

    with django_capture_on_commit_callbacks(execute=True):
        _assign(case, admin_user, reviewer)

    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("pending", 1, 500)
    assert "Answered 500" in delivery.last_error and "our database is down" in delivery.last_error
    wait = delivery.next_attempt_at - timezone.now()
    assert timedelta(seconds=50) < wait <= timedelta(minutes=1)
    # The sweep leaves it alone until its time has come...
    assert tasks.send_pending_deliveries() == {"requeued": 0, "queued": 0}
    assert len(receiver.received) == 1
    # ...and sends it once it has.
    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    assert tasks.send_pending_deliveries() == {"requeued": 0, "queued": 1}

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("delivered", 2, 200)
    assert len(receiver.received) == 2
    first, second = receiver.received
    assert first.body == second.body and first.headers["imr-event-id"] == second.headers["imr-event-id"]
    assert (first.headers["imr-attempt"], second.headers["imr-attempt"]) == ("1", "2")
    assert readme_signature_check()(second.body, second.headers["imr-signature"], endpoint.secret)

    manager = manager_of(acme, "acme-manager")
    sign_in(client, manager)
    listing = client.get(reverse("webhooks:endpoint", args=[endpoint.pk]))
    page = client.get(reverse("webhooks:delivery", args=[delivery.pk]))

    assert listing.status_code == page.status_code == 200
    row = listing.content.decode().split('id="deliveries"')[1]
    assert case.case_number in row and "Delivered" in row
    tries = page.content.decode().split('id="tries"')[1].split("</table>")[0]
    assert [cell for cell in ("500", "200") if f'<td class="text-end">{cell}</td>' in tries] == ["500", "200"]
    assert "our database is down" in tries
    # Both pages are in the access log with the case they showed.
    logged = AccessEvent.objects.filter(username="acme-manager", case_number=case.case_number)
    assert set(logged.values_list("action", flat=True)) == {"webhooks:endpoint", "webhooks:delivery"}


def test_after_the_last_try_the_delivery_has_failed_and_the_manager_may_try_it_once_more(
    receiver, client, django_capture_on_commit_callbacks
):
    acme = organization("Acme Claims Services")
    endpoint = endpoint_for(acme, receiver.url)
    delivery = Delivery.objects.create(
        endpoint=endpoint,
        event="webhook.test",
        event_id="evt_x",
        payload={"event": "webhook.test"},
        attempts=tasks.MAX_ATTEMPTS - 1,
    )
    receiver.answers = [503, 503]

    assert tasks.send_delivery(delivery.pk) == "failed"
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.next_attempt_at) == ("failed", tasks.MAX_ATTEMPTS, None)
    assert tasks.send_pending_deliveries()["queued"] == 0

    sign_in(client, manager_of(acme, "acme-manager"))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("webhooks:retry", args=[delivery.pk]))
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("failed", tasks.MAX_ATTEMPTS + 1)  # one more try, refused again
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("webhooks:retry", args=[delivery.pk]))
    delivery.refresh_from_db()
    assert (delivery.status, delivery.last_status_code, len(receiver.received)) == ("delivered", 200, 3)


def test_no_answer_at_all_is_a_failed_try_with_the_reason():
    acme = organization("Acme Claims Services")
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    endpoint = endpoint_for(acme, f"http://127.0.0.1:{port}/hooks")
    delivery = Delivery.objects.create(endpoint=endpoint, event="webhook.test", event_id="evt_y", payload={})

    assert tasks.send_delivery(delivery.pk) == "retry"
    delivery.refresh_from_db()
    assert (delivery.status, delivery.last_status_code) == ("pending", None)
    assert delivery.last_error.startswith("No answer:")
    assert delivery.tries.get().status_code is None


def test_a_redirect_is_not_followed(receiver):
    """An answer 3xx is a failed try: the portal posts to the address the organization gave, nowhere else."""
    acme = organization("Acme Claims Services")
    endpoint = endpoint_for(acme, receiver.url)
    delivery = Delivery.objects.create(endpoint=endpoint, event="webhook.test", event_id="evt_z", payload={})
    receiver.answers = [307]

    assert tasks.send_delivery(delivery.pk) == "retry"
    delivery.refresh_from_db()
    assert (delivery.last_status_code, len(receiver.received)) == (307, 1)


def test_a_worker_that_died_mid_try_leaves_the_delivery_to_the_sweep(receiver):
    acme = organization("Acme Claims Services")
    endpoint = endpoint_for(acme, receiver.url)
    delivery = Delivery.objects.create(
        endpoint=endpoint,
        event="webhook.test",
        event_id="evt_w",
        payload={},
        status="sending",
        attempts=1,
        next_attempt_at=timezone.now() - timedelta(seconds=1),  # its lease ran out
    )

    assert tasks.send_pending_deliveries() == {"requeued": 1, "queued": 1}
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, len(receiver.received)) == ("delivered", 2, 1)


def test_the_retry_waits_double_each_time_up_to_the_cap():
    waits = [tasks.retry_wait(n) for n in range(1, tasks.MAX_ATTEMPTS)]

    assert [wait.total_seconds() / 60 for wait in waits] == [1, 2, 4, 8, 16, 32, 64, 128, 256]
    assert tasks.retry_wait(20) == tasks.RETRY_CAP
