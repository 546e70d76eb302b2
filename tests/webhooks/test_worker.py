"""A real Celery worker (prefork, against Redis) sends a webhook after the commit of the assignment; refused, the
delivery waits; the beat sweep, once its time has come, has the worker send it again."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from cases.services import assignment
from tests.conftest import wait_for
from tests.factories import reviewer_profile, specialty_fit, waiting_case
from tests.webhooks.conftest import endpoint_for, organization, readme_signature_check
from webhooks.models import Delivery
from webhooks.tasks import send_pending_deliveries

pytestmark = [pytest.mark.worker]


def _wait(worker, predicate):
    try:
        return wait_for(predicate, timeout=120)
    except AssertionError:
        worker.terminate()
        output = worker.stdout.read().decode(errors="replace")[-3000:]
        rows = list(Delivery.objects.values_list("status", "attempts", "last_status_code", "last_error"))
        raise AssertionError(f"deliveries: {rows}; worker output: {output}") from None


def test_a_real_worker_delivers_after_commit_and_again_after_a_refusal(
    celery_worker_process, receiver, admin_user, reviewer
):
    acme = organization("Acme Claims Services")
    endpoint = endpoint_for(acme, receiver.url, events=["case.assigned"])
    case = waiting_case(claims_administrator=acme)
    specialty_fit()
    reviewer_profile(reviewer)
    receiver.answers = [500]

    with transaction.atomic():
        assignment.offer_case(case, reviewer, by=admin_user)
        assignment.accept_case(case, by=reviewer, attestation_text="I attest.")
        assert receiver.received == []  # nothing leaves before the commit

    # A worker on a loaded machine takes its time to start (the letters' worker test waits as long).
    refused = _wait(celery_worker_process, lambda: Delivery.objects.filter(attempts=1, last_status_code=500).first())
    assert refused.status == "pending"
    assert refused.next_attempt_at > timezone.now()
    Delivery.objects.filter(pk=refused.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    assert send_pending_deliveries()["queued"] == 1  # queued to the worker, not run here

    delivered = _wait(celery_worker_process, lambda: Delivery.objects.filter(pk=refused.pk, status="delivered").first())
    assert (delivered.attempts, delivered.last_status_code) == (2, 200)
    assert list(delivered.tries.values_list("number", "status_code")) == [(1, 500), (2, 200)]
    last = receiver.received[-1]
    assert readme_signature_check()(last.body, last.headers["imr-signature"], endpoint.secret)
