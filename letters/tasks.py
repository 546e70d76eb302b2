"""Letter generation in the background: thin wrappers over ``letters.services`` (which never import this module).

Each task takes ids, reloads the rows and is safe to run twice.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from celery import shared_task
from celery.signals import worker_process_init
from django.db import OperationalError
from django.utils import timezone

from cases.lifecycle import Status
from cases.models import Case, Determination
from letters import pdf
from letters.rendering import LetterNotReady
from letters.services.errors import LetterError
from letters.services.generation import generate_letters
from letters.services.requests import request_letters

logger = logging.getLogger(__name__)


@worker_process_init.connect
def _warm_up_letter_engine(**_kwargs) -> None:
    # Fonts and stylesheet loaded once per prefork child, before the first letter (letters/pdf.py).
    pdf.warm_up()


@shared_task(
    name="letters.tasks.generate_letters_task",
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=5,
    acks_late=True,
)
def generate_letters_task(case_id: int) -> str:
    """Render, sign and register both renditions of the case's letter (queued by ``request_letters``, after commit).

    A case that is gone or has no approved determination is skipped; letters already signed for the approved
    determination are left as they are, so a retried or doubled task never makes a second letter.
    """
    case = Case.objects.filter(pk=case_id).first()
    if case is None:
        return "gone"
    try:
        letters = generate_letters(case)
    except LetterNotReady as error:
        logger.warning("%s", error)
        return "not-ready"
    return ", ".join(f"{letter.rendition} v{letter.version} {letter.state}" for letter in letters)


@shared_task(name="letters.tasks.generate_missing_letters")
def generate_missing_letters(stale_after_minutes: int = 10) -> int:
    """Beat: ask again for the letters of determined cases that still have none, e.g. because the broker was down
    when QA approved, or a worker died mid-letter. Cases approved in the last minutes are left to their own task; a
    doubled request does no harm (generation is idempotent). Returns how many cases were asked for."""
    cutoff = timezone.now() - timedelta(minutes=stale_after_minutes)
    cases = list(
        Case.objects.filter(
            pk__in=Case.objects.filter(
                status=Status.DETERMINED,
                determinations__state=Determination.State.APPROVED,
                determinations__qa_at__lte=cutoff,
            ).values("pk")
        ).order_by("pk")
    )
    asked = 0
    for case in cases:
        try:
            request_letters(case, by=None)
        except LetterError as error:  # moved on since the query (its letters were signed meanwhile)
            logger.info("%s", " ".join(error.messages))
        else:
            asked += 1
    if asked:
        plural = "" if asked == 1 else "s"
        logger.info("Asked again for the letters of %d determined case%s left without one", asked, plural)
    return asked
