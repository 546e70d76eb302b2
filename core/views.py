import logging
import os
import time

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from core import roles

logger = logging.getLogger(__name__)


def home(request: HttpRequest) -> HttpResponse:
    """Send each user to where their day starts."""
    user = request.user
    if roles.is_administrator(user):
        return redirect("cases:list")
    if roles.is_reviewer(user):
        return redirect("cases:my_cases")
    if roles.is_qa(user):
        return redirect("cases:qa_queue")
    if roles.is_staff_member(user):
        return redirect("letters:center")
    return render(request, "core/no_role.html", status=403)


def _timed(check) -> dict:
    """Run one health check: ``{"ok": True, "ms": ...}`` and what it reports, or ``{"ok": False, "error": ...}``."""
    started = time.monotonic()
    try:
        result = {"ok": True, **(check() or {})}
    except Exception as error:  # noqa: BLE001 - every failure of a dependency is reported, none raised
        logger.warning("Health check %s failed: %s", check.__name__, error)
        result = {"ok": False, "error": f"{type(error).__name__}: {error}"[:300]}
    result["ms"] = round((time.monotonic() - started) * 1000, 1)
    return result


def _database() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return {"vendor": connection.vendor}


def _redis() -> dict:
    if not settings.REDIS_URL:
        return {"configured": False}
    import redis

    client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=2)
    try:
        client.ping()
    finally:
        client.close()
    return {"configured": True}


def _storage() -> dict:
    """Each storage answers (S3: the bucket is reachable with our credentials; local: the folder is writable)."""
    from django.core.files.storage import FileSystemStorage, storages

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


def _outbox() -> dict:
    from django.db.models import Count, Min, Q

    from core.models import OutboxEmail

    now = timezone.now()
    waiting = Q(status__in=[OutboxEmail.Status.QUEUED, OutboxEmail.Status.SENDING])
    counts = OutboxEmail.objects.exclude(status=OutboxEmail.Status.SENT).aggregate(
        queued=Count("pk", filter=waiting),
        retrying=Count("pk", filter=waiting & Q(attempts__gt=0)),
        failed=Count("pk", filter=Q(status=OutboxEmail.Status.FAILED)),
        oldest=Min("created_at", filter=waiting),
    )
    oldest = counts.pop("oldest")
    counts["oldest_queued_minutes"] = round((now - oldest).total_seconds() / 60, 1) if oldest else None
    return counts


def _letters() -> dict:
    from django.db.models import Count, Min, Q

    from cases.lifecycle import Status
    from cases.models import Case
    from letters.models import Letter

    now = timezone.now()
    backlog = Case.objects.filter(status=Status.DETERMINED).aggregate(
        cases=Count("pk"), oldest=Min("determinations__qa_at", filter=Q(determinations__state="approved"))
    )
    states = Letter.objects.filter(state__in=[Letter.State.GENERATING, Letter.State.FAILED]).aggregate(
        generating=Count("pk", filter=Q(state=Letter.State.GENERATING)),
        failed=Count("pk", filter=Q(state=Letter.State.FAILED)),
    )
    oldest = backlog["oldest"]
    return {
        "cases_waiting": backlog["cases"],
        "oldest_waiting_minutes": round((now - oldest).total_seconds() / 60, 1) if oldest else None,
        **states,
    }


@login_not_required
@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """For the load balancer and monitoring: 200 when the database, Redis (if configured) and the storage answer,
    503 when one does not. Also the outbox and the letter backlog, as counts (no names, no medical data)."""
    checks = {"database": _timed(_database), "redis": _timed(_redis), "storage": _timed(_storage)}
    healthy = all(check["ok"] for check in checks.values())
    body = {"status": "ok" if healthy else "unavailable", "checks": checks}
    if checks["database"]["ok"]:
        body["outbox"] = _timed(_outbox)
        body["letters"] = _timed(_letters)
    return JsonResponse(body, status=200 if healthy else 503)


@login_not_required
def error_403(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "403.html", status=403)


@login_not_required
def error_404(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "404.html", status=404)


@login_not_required
def error_500(request: HttpRequest) -> HttpResponse:
    try:
        return render(request, "500.html", status=500)
    except Exception:  # noqa: BLE001 - e.g. the database is down: the page's menus need the user's roles
        logger.exception("The error page could not be rendered with the request; rendered without it")
        body = loader.get_template("500.html").render({"organization_name": settings.IMR_ORGANIZATION_NAME})
        return HttpResponse(body, status=500)
