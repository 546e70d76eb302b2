"""The checks /healthz runs, registered by the app that owns what is checked, so `core` names no other app.

Two kinds: a *dependency* (the database, Redis, the storage) makes /healthz answer 503 when it fails; a *backlog*
(the outbox, the letters waiting) is a set of counts, reported only while the database answers. Core registers its
own below; another app registers its checks in a `health.py` module, which `CoreConfig.ready` imports from every
installed app (`autodiscover_modules("health")`, the way the admin finds `admin.py`)."""

import logging
import os
import time
from collections.abc import Callable
from typing import Any

import redis
from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.db import connection
from django.db.models import Count, Min, Q
from django.utils import timezone

from core.models import OutboxEmail

logger = logging.getLogger(__name__)

Check = Callable[[], dict[str, Any] | None]

DEPENDENCIES: dict[str, Check] = {}
BACKLOGS: dict[str, Check] = {}


def register_dependency(name: str, check: Check) -> None:
    """`check` raises when the dependency does not answer (then /healthz is 503); it may return details to show."""
    DEPENDENCIES[name] = check


def register_backlog(name: str, check: Check) -> None:
    """`check` returns counts (no names, no medical data); it runs only while the database answers."""
    BACKLOGS[name] = check


def timed(check: Check) -> dict[str, Any]:
    """Run one check: ``{"ok": True, "ms": ...}`` and what it reports, or ``{"ok": False, "error": ...}``."""
    started = time.monotonic()
    try:
        result = {"ok": True, **(check() or {})}
    except Exception as error:  # noqa: BLE001 - every failure of a dependency is reported, none raised
        logger.warning("Health check %s failed: %s", getattr(check, "__name__", check), error)
        result = {"ok": False, "error": f"{type(error).__name__}: {error}"[:300]}
    result["ms"] = round((time.monotonic() - started) * 1000, 1)
    return result


def report() -> tuple[bool, dict[str, Any]]:
    """Whether every dependency answers, and the body /healthz shows."""
    checks = {name: timed(check) for name, check in DEPENDENCIES.items()}
    healthy = all(check["ok"] for check in checks.values())
    body: dict[str, Any] = {"status": "ok" if healthy else "unavailable", "checks": checks}
    if checks.get("database", {}).get("ok"):
        body.update({name: timed(check) for name, check in BACKLOGS.items()})
    return healthy, body


def minutes_since(moment) -> float | None:
    return round((timezone.now() - moment).total_seconds() / 60, 1) if moment else None


def _database() -> dict[str, Any]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return {"vendor": connection.vendor}


def _redis() -> dict[str, Any]:
    if not settings.REDIS_URL:
        return {"configured": False}
    client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=2)
    try:
        client.ping()
    finally:
        client.close()
    return {"configured": True}


def _storage() -> dict[str, Any]:
    """Each storage answers (S3: the bucket is reachable with our credentials; local: the folder is writable)."""
    backends = {}
    for alias in ("default", "letters"):
        storage = storages[alias]
        if isinstance(storage, FileSystemStorage):
            os.makedirs(storage.location, exist_ok=True)
            if not os.access(storage.location, os.W_OK | os.X_OK):
                raise PermissionError(f"The {alias} storage folder is not writable.")
        else:
            storage.exists("healthz-probe")
        backends[alias] = type(storage).__name__
    return {"backend": settings.IMR_STORAGE, "backends": backends}


def _outbox() -> dict[str, Any]:
    waiting = Q(status__in=[OutboxEmail.Status.QUEUED, OutboxEmail.Status.SENDING])
    counts = OutboxEmail.objects.exclude(status=OutboxEmail.Status.SENT).aggregate(
        queued=Count("pk", filter=waiting),
        retrying=Count("pk", filter=waiting & Q(attempts__gt=0)),
        failed=Count("pk", filter=Q(status=OutboxEmail.Status.FAILED)),
        oldest=Min("created_at", filter=waiting),
    )
    counts["oldest_queued_minutes"] = minutes_since(counts.pop("oldest"))
    return counts


register_dependency("database", _database)
register_dependency("redis", _redis)
register_dependency("storage", _storage)
register_backlog("outbox", _outbox)
