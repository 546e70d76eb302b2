"""Letter generation in the background. The task takes a case id, reloads the case and is safe to run twice."""

from __future__ import annotations

import logging

from celery import shared_task
from celery.signals import worker_process_init
from django.db import OperationalError

from cases.models import Case, Determination
from letters import pdf
from letters.rendering import LetterNotReady

logger = logging.getLogger(__name__)


@worker_process_init.connect
def _warm_up_letter_engine(**_kwargs) -> None:
    # Fonts and stylesheet loaded once per prefork child, before the first letter (letters/pdf.py).
    pdf.warm_up()


@shared_task(
    name="letters.tasks.generate_letter",
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=5,
    acks_late=True,
)
def generate_letter(case_id: int) -> str:
    """Render, sign and register both renditions of the case's letter (queued by QA approval, after commit).

    A case that is gone or has no approved determination is skipped; letters already signed for the approved
    determination are left as they are, so a retried or doubled task never makes a second letter.
    """
    from letters import services

    case = Case.objects.filter(pk=case_id).first()
    if case is None:
        return "gone"
    try:
        letters = services.generate_letters(case)
    except LetterNotReady as error:
        logger.warning("%s", error)
        return "not-ready"
    return ", ".join(f"{letter.rendition} v{letter.version} {letter.state}" for letter in letters)


@shared_task(name="letters.tasks.generate_missing_letters")
def generate_missing_letters(stale_after_minutes: int = 10) -> int:
    """Beat: queue the letters of determined cases that still have none, e.g. because the broker was down when QA
    approved, or a worker died mid-letter. Cases approved in the last minutes are left to their own task; a doubled
    task does no harm (generation is idempotent). Returns how many cases were queued."""
    from datetime import timedelta

    from django.utils import timezone

    from cases.lifecycle import Status

    cutoff = timezone.now() - timedelta(minutes=stale_after_minutes)
    case_ids = list(
        Case.objects.filter(
            status=Status.DETERMINED,
            determinations__state=Determination.State.APPROVED,
            determinations__qa_at__lte=cutoff,
        )
        .values_list("pk", flat=True)
        .distinct()
        .order_by("pk")
    )
    for case_id in case_ids:
        generate_letter.delay(case_id)
    if case_ids:
        logger.info(
            "Queued the letters of %d determined case%s left without one",
            len(case_ids),
            "" if len(case_ids) == 1 else "s",
        )
    return len(case_ids)
