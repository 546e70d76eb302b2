"""A Celery worker killed with SIGKILL in the middle of signing letters (a real prefork worker, busy on a batch).

After the kill and a restart each letter exists exactly once, signed (pdfsig finds the signature valid), with one
register row and one audit event; no half-made file is left behind. Two kills: the pool process alone (the worker's
main process sees it die and puts its task back at once), and the whole worker (main and pool: the task's message
stays unacknowledged, and beat's letter sweep queues the unfinished cases again once their grace period is over).
"""

from __future__ import annotations

import contextlib
import os
import signal
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from cases.models import Determination
from letters.models import Letter
from letters.tasks import generate_letters_task
from tests import factories
from tests.faults.conftest import assert_letters_exactly_once
from tests.faults.servers import wait_until

pytestmark = [pytest.mark.faults, pytest.mark.worker]

BATCH = 4


def _batch(qa_user) -> list:
    cases = [factories.determined_case(qa=qa_user) for _ in range(BATCH)]
    for case in cases:
        generate_letters_task.delay(case.pk)
    return cases


def _kill_mid_signing(kill, attempts: int = 5) -> Letter:
    """Wait until a letter is claimed and being rendered and signed, with at least one letter signed before it (the
    worker is well into the batch), and ``kill()`` at once. The killed process cannot change the row any more: if it
    is still "generating", the kill landed mid-signing; if the signature was committed in the instant between the
    look and the kill, try again on a later letter (``kill`` prepares the next try)."""
    for _ in range(attempts):
        claimed = wait_until(
            lambda: Letter.objects.signed().exists() and Letter.objects.filter(state=Letter.State.GENERATING).first(),
            timeout=180,
            interval=0.005,
            what="a letter in the middle of signing",
        )
        kill()
        claimed.refresh_from_db()
        if claimed.state == Letter.State.GENERATING:
            return claimed
    raise AssertionError(f"no kill landed mid-signing in {attempts} tries")


def _all_signed(cases) -> bool:
    return Letter.objects.filter(case__in=cases, state=Letter.State.SIGNED).count() == 2 * len(cases)


def test_the_pool_process_killed_mid_signing_its_task_runs_again_and_every_letter_exists_once(
    worker_env, processes, qa_user, settings, tmp_path
):
    worker = processes.worker(worker_env, tmp_path / "worker.log", concurrency=1)
    wait_until(lambda: worker.children(), 60, what="the pool process")
    cases = _batch(qa_user)

    def kill_pool_process() -> None:
        # The pool process is read at the moment of the kill: the worker may have replaced it since it started.
        killed = wait_until(lambda: worker.children(), 60, what="the pool process")
        for pid in killed:
            with contextlib.suppress(ProcessLookupError):  # it ended by itself in between: the next one is killed
                os.kill(pid, signal.SIGKILL)
        # The worker's main process starts a new pool process (for a retry, should this kill have come too late).
        wait_until(lambda: [pid for pid in worker.children() if pid not in killed], 60, what="a new pool")

    interrupted = _kill_mid_signing(kill_pool_process)

    try:
        wait_until(lambda: _all_signed(cases), timeout=240, what="every letter signed")
    except AssertionError:
        raise AssertionError(worker.output()) from None
    assert "WorkerLostError" in worker.output()  # the kill really landed on a running task
    for case in cases:
        assert_letters_exactly_once(case, settings.PRIVATE_DIR / "letters")
    assert Letter.objects.get(pk=interrupted.pk).state == Letter.State.SIGNED  # the same register row, now signed


def test_the_whole_worker_killed_mid_signing_a_restart_and_the_sweep_finish_every_letter_once(
    worker_env, processes, qa_user, settings, tmp_path
):
    workers = [processes.worker(worker_env, tmp_path / "worker.log", concurrency=1)]
    cases = _batch(qa_user)

    def kill_whole_worker() -> None:
        workers[-1].kill()  # SIGKILL to the main process and its pool at once: nothing is acknowledged or put back
        if Letter.objects.filter(state=Letter.State.GENERATING).exists():
            return
        workers.append(processes.worker(worker_env, tmp_path / f"worker-{len(workers)}.log", concurrency=1))

    interrupted = _kill_mid_signing(kill_whole_worker)
    assert not _all_signed(cases)

    # Later: the grace period of the letter sweep is over; a new worker and beat start.
    Determination.objects.filter(case__in=cases, state="approved").update(qa_at=timezone.now() - timedelta(minutes=11))
    env = {**worker_env, "LETTER_SWEEP_SECONDS": "2", "CLOCK_INTERVAL_SECONDS": "3600", "OUTBOX_SWEEP_SECONDS": "3600"}
    restarted = processes.worker(env, tmp_path / "worker-2.log", concurrency=1)
    processes.beat(env, tmp_path / "beat.log", tmp_path / "beat-schedule")
    try:
        wait_until(lambda: _all_signed(cases), timeout=240, what="every letter signed after the restart")
    except AssertionError:
        raise AssertionError(restarted.output()) from None
    for case in cases:
        assert_letters_exactly_once(case, settings.PRIVATE_DIR / "letters")
    assert Letter.objects.get(pk=interrupted.pk).state == Letter.State.SIGNED


@pytest.mark.django_db
def test_a_file_left_by_an_attempt_killed_before_its_commit_is_replaced_not_doubled(qa_user, settings):
    """The narrowest kill: the signed file written, the transaction not committed. The row is still generating; the
    next attempt writes its file under the same name instead of leaving the old one beside a second."""
    from letters import services

    case = factories.determined_case(qa=qa_user)
    letter = Letter.objects.create(
        case=case, determination=case.determinations.get(state="approved"), rendition="parties"
    )
    stale_name = letter.file.field.generate_filename(letter, services.letter_upload_name(letter))
    letter.file.storage.save(stale_name, ContentFile(b"half of a killed attempt"))

    services.generate_letters(case)

    assert_letters_exactly_once(case, settings.PRIVATE_DIR / "letters")
    assert Letter.objects.get(case=case, rendition="parties").pk == letter.pk
