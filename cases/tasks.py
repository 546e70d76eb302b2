"""Celery tasks of the cases app. Each is idempotent: safe to run twice, or every few minutes by beat."""

from __future__ import annotations

import logging

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from cases.services import assignment, reminders

logger = logging.getLogger(__name__)


@shared_task(name="cases.tasks.run_statutory_clock")
def run_statutory_clock() -> dict[str, int]:
    """The statutory clock (beat): reviewer reminders, overdue escalations, records reminders and chases, and reminders
    of offers not yet answered. Each message is sent once, however often this runs (the outbox's dedupe keys)."""
    today = timezone.localdate()
    with transaction.atomic():
        reminders.ensure_templates()
    counts = {}
    for name, job in (
        ("reviewer_reminders", reminders.reviewer_reminders),
        ("overdue_escalations", reminders.overdue_escalations),
        ("records_reminders", reminders.records_reminders),
        ("records_chases", reminders.records_chases),
    ):
        with transaction.atomic():
            counts[name] = job(today)
    with transaction.atomic():
        counts["offer_reminders"] = assignment.remind_pending_offers()
    logger.info("Statutory clock: %s", counts)
    return counts
