"""Content-Security-Policy reports: browsers post violations of the policy here (``report-uri``)."""

from __future__ import annotations

import json
import logging
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from accounts import security
from accounts.models import CspReport

log = logging.getLogger(__name__)

CSP_REPORT_MAX_BYTES = 16 * 1024
CSP_REPORT_MAX_KINDS = 2000


def _text(value, limit: int) -> str:
    return str(value or "")[:limit]


def _path_of(uri: str) -> str:
    try:
        parts = urlsplit(uri)
    except ValueError:
        return uri[:300]
    return (parts.path or uri)[:300]  # no query string: it may carry search terms


@csrf_exempt
@login_not_required
@require_POST
def csp_report(request: HttpRequest) -> HttpResponse:
    """Browsers post violations of the policy here (report-uri); each kind is counted once, with a count."""
    if not security.rate_limit(
        "csp-report", security.client_ip(request), limit=settings.IMR_CSP_REPORTS_PER_MINUTE, window=60
    ):
        return HttpResponse(status=429)
    length = int(request.META.get("CONTENT_LENGTH") or 0)
    if length > CSP_REPORT_MAX_BYTES:
        return HttpResponse(status=413)
    try:
        payload = json.loads(request.read(CSP_REPORT_MAX_BYTES + 1)[:CSP_REPORT_MAX_BYTES] or b"{}")
    except (ValueError, UnicodeDecodeError):
        return HttpResponse(status=400)
    report = payload.get("csp-report") if isinstance(payload, dict) else None
    if not isinstance(report, dict):
        return HttpResponse(status=400)
    if any(isinstance(value, str) and "\x00" in value for value in report.values()):
        return HttpResponseBadRequest(
            "Bad report: a field holds a NUL character.", content_type="text/plain; charset=utf-8"
        )
    line = report.get("line-number")
    kind = {
        "directive": _text(report.get("effective-directive") or report.get("violated-directive"), 100),
        "blocked_uri": _path_of(_text(report.get("blocked-uri"), 2000)),
        "document_path": _path_of(_text(report.get("document-uri"), 2000)),
        "source_file": _path_of(_text(report.get("source-file"), 2000)),
    }
    if not kind["directive"]:
        return HttpResponse(status=400)
    updated = CspReport.objects.filter(**kind).update(count=F("count") + 1, last_seen=timezone.now())
    if not updated:
        if CspReport.objects.count() >= CSP_REPORT_MAX_KINDS:
            kind = {"directive": "(other)", "blocked_uri": "", "document_path": "", "source_file": ""}
            if CspReport.objects.filter(**kind).update(count=F("count") + 1, last_seen=timezone.now()):
                return HttpResponse(status=204)
        try:
            with transaction.atomic():
                CspReport.objects.create(
                    **kind,
                    line_number=line if isinstance(line, int) and 0 <= line < 2**31 else None,
                    sample=_text(report.get("script-sample"), 200),
                )
        except IntegrityError:  # the same kind, reported at the same moment
            CspReport.objects.filter(**kind).update(count=F("count") + 1, last_seen=timezone.now())
    log.warning("CSP violation: %s blocked %s on %s", kind["directive"], kind["blocked_uri"], kind["document_path"])
    return HttpResponse(status=204)
