"""Redis stopped while a reviewer submits and QA approves: a private redis-server (its own port) is stopped for real,
with a real worker running against it. The submission and the approval are saved, the requests answer in seconds,
the case page tells the user the letter will follow, and once Redis is back the same worker and beat's sweeps make the
letter and send the mail queued during the outage: nothing lost, nothing doubled."""

from __future__ import annotations

import json
import time
from datetime import timedelta

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cases.lifecycle import Status
from cases.models import Determination
from core.models import OutboxEmail
from core.notifications import queue_email
from letters.models import Letter
from tests.factories import case_in_review
from tests.faults.conftest import assert_letters_exactly_once
from tests.faults.servers import wait_until

pytestmark = [pytest.mark.faults, pytest.mark.worker]

BASIS = [{"chapter": "Chronic Pain Medical Treatment 2016", "sections": ["Physical Medicine"]}]
RATIONALE = "No functional improvement is documented. The request is not medically necessary."


def _submission(case, draft) -> dict:
    data = {"revision": str(draft.revision), "summary": "A 45 year old worker with low back pain since 01/05/2026."}
    for item in case.items.all():
        prefix = f"item-{item.pk}"
        data |= {
            f"{prefix}-decision": "upheld",
            f"{prefix}-mtus": json.dumps(BASIS),
            f"{prefix}-refs": "[]",
            f"{prefix}-non_mtus": "",
            f"{prefix}-rationale": RATIONALE,
        }
    return data


def test_a_submission_and_approval_during_a_redis_outage_are_saved_and_the_letter_follows(
    worker_env, processes, private_redis, reviewer, qa_user, settings, tmp_path
):
    env = {**worker_env, "LETTER_SWEEP_SECONDS": "2", "OUTBOX_SWEEP_SECONDS": "2", "CLOCK_INTERVAL_SECONDS": "3600"}
    worker = processes.worker(env, tmp_path / "worker.log", concurrency=1)
    wait_until(lambda: worker.children(), 60, what="the worker's pool process")
    case = case_in_review(reviewer, items=1)
    reviewer_client, qa_client = Client(), Client()
    reviewer_client.force_login(reviewer)
    qa_client.force_login(qa_user)
    reviewer_client.get(reverse("cases:workspace", args=[case.case_number]))
    draft = Determination.objects.get(case=case)

    private_redis.stop()  # Redis is down from here

    started = time.monotonic()
    submitted = reviewer_client.post(
        reverse("cases:submit_determination", args=[case.case_number]), _submission(case, draft), follow=True
    )
    assert submitted.status_code == 200
    assert f"Determination version 1 of {case.case_number} submitted to clinical QA." in submitted.content.decode()
    approved = qa_client.post(reverse("cases:qa_review", args=[case.case_number]), {"action": "approve"}, follow=True)
    assert approved.status_code == 200
    assert f"{case.case_number} approved: the case is determined." in approved.content.decode()
    with transaction.atomic():
        email = queue_email("case_offered", ["reviewer1@example.org"], {"case_number": case.case_number})
    assert time.monotonic() - started < 20  # the broker's failure does not hang the requests
    case.refresh_from_db()
    assert case.status == Status.DETERMINED
    assert Determination.objects.get(case=case, state="approved").version == 1
    assert Letter.objects.filter(case=case).count() == 0
    page = qa_client.get(case.get_absolute_url()).content.decode()
    assert "Queued: the letter is being rendered and signed. This list follows its progress." in page
    register = qa_client.get(reverse("letters:case_register", args=[case.case_number])).content.decode()
    assert "No letter yet. It is queued and appears here when signed." in register
    email.refresh_from_db()
    assert (email.status, email.attempts) == (OutboxEmail.Status.QUEUED, 0)

    # Redis comes back on the same port; the worker that lived through the outage reconnects, beat sweeps.
    private_redis.start()
    Determination.objects.filter(case=case, state="approved").update(qa_at=timezone.now() - timedelta(minutes=11))
    processes.beat(env, tmp_path / "beat.log", tmp_path / "beat-schedule")
    try:
        wait_until(lambda: Letter.objects.filter(case=case, state="signed").count() == 2, 240, what="the letters")
        wait_until(lambda: OutboxEmail.objects.get(pk=email.pk).status == OutboxEmail.Status.SENT, 60, what="mail")
    except AssertionError:
        raise AssertionError(worker.output()) from None
    assert worker.process.poll() is None  # the same worker process, never restarted
    assert_letters_exactly_once(case, settings.PRIVATE_DIR / "letters")
    email.refresh_from_db()
    assert (email.status, email.attempts) == (OutboxEmail.Status.SENT, 1)
