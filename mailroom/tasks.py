"""The mailroom's task: read a stored scanned batch and file it. Idempotent (a second run skips what was done), so a
worker that dies mid-batch loses nothing: the message is delivered again (acks late, reject on worker lost), and
``resume_batches`` (beat) queues again a batch left waiting or reading for longer than a batch may take."""

from __future__ import annotations

from celery import shared_task
from django.db.models import Q
from django.utils import timezone

from mailroom import services
from mailroom.models import ScanBatch


@shared_task(name="mailroom.tasks.process_batch")
def process_batch(batch_id: int) -> str:
    return services.process(batch_id).status


@shared_task(name="mailroom.tasks.resume_batches")
def resume_batches() -> int:
    """Queue again the batches a dead worker or a broker outage left behind."""
    cutoff = timezone.now() - services.STALE_AFTER
    stale = ScanBatch.objects.filter(
        Q(status=ScanBatch.Status.QUEUED, uploaded_at__lt=cutoff)
        | Q(status=ScanBatch.Status.READING, started_at__lt=cutoff)
    ).values_list("pk", flat=True)
    for batch_id in stale:
        process_batch.delay(batch_id)
    return len(stale)
