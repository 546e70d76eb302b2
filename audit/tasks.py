"""The access log's beat task: its monthly partitions made ahead (``audit.partitions``)."""

from celery import shared_task

from audit import partitions


@shared_task
def make_access_log_partitions() -> int:
    """Make the current month's partition and ``ACCESS_LOG_PARTITIONS_AHEAD`` ahead; how many were missing."""
    return partitions.make_ahead()
