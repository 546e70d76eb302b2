"""The access log's search page and its CSV export, for administrators."""

import csv
import datetime

from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from audit import log
from audit.forms import AccessLogFilterForm
from audit.labels import ACTION_LABELS
from audit.models import AccessEvent
from core.permissions import permission_required
from core.services import record_event

PAGE_SIZE = 50  # as the portal's other lists; rendering a row costs more than finding it at 100,000,000 rows
CSV_CHUNK = 2000
CSV_COLUMNS = [
    "at",
    "username",
    "kind",
    "action",
    "object_type",
    "object_id",
    "case_number",
    "outcome",
    "method",
    "path",
    "ip",
    "user_agent",
]


LOG_READ = "access_log"


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def filter_events(params: dict) -> QuerySet:
    events = AccessEvent.objects.all()
    if params.get("user"):
        events = events.filter(username__iexact=params["user"].strip())
    if params.get("case_number"):
        events = events.filter(case_number__iexact=params["case_number"].strip())
    if params.get("date_from"):
        events = events.filter(at__gte=_start_of(params["date_from"]))
    if params.get("date_to"):
        events = events.filter(at__lt=_start_of(params["date_to"] + datetime.timedelta(days=1)))
    if params.get("action"):
        events = events.filter(action=params["action"].strip())
    else:  # reads of the log itself are recorded (object type "access_log"), and shown when asked for by action
        events = events.exclude(object_type=LOG_READ)
    if params.get("kind"):
        events = events.filter(kind=params["kind"])
    if params.get("outcome"):
        events = events.filter(outcome=params["outcome"])
        if params["outcome"] != AccessEvent.Outcome.ALLOWED:  # in the words of the refusals' partial index
            events = events.exclude(outcome=AccessEvent.Outcome.ALLOWED)
    return events.order_by("-at", "-pk")


@require_GET
@never_cache
@permission_required("audit.view_access_log")
def access_log(request: HttpRequest) -> HttpResponse:
    """Who read or changed what: newest first, a page at a time (no total count: the log grows without end)."""
    form = AccessLogFilterForm(request.GET or None)
    params = form.cleaned_data if form.is_valid() else {}
    try:
        page = max(int(request.GET.get("page", 1)), 1)
    except ValueError:
        page = 1
    page = min(page, 10_000)
    start = (page - 1) * PAGE_SIZE
    rows = list(filter_events(params)[start : start + PAGE_SIZE + 1]) if not form.errors else []
    # Reading the log is a read too (its rows name cases; its paths hold searches by name): after the query, so the
    # page does not show its own row.
    log.record(request, object_type=LOG_READ)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/access_log.html",
        {
            "form": form,
            "events": rows[:PAGE_SIZE],
            "page": page,
            "has_next": len(rows) > PAGE_SIZE,
            "query": query.urlencode(),
            # The actions suggested are the named ones: a DISTINCT over the log would read all of it.
            "actions": sorted(ACTION_LABELS),
        },
    )


class _Echo:
    def write(self, value: str) -> str:
        return value


def _cell(value) -> str:
    text = "" if value is None else str(value)
    # A spreadsheet runs a cell that starts with = + - @ as a formula: paths and user agents are the client's text.
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _keyset(events: QuerySet, chunk: int = CSV_CHUNK):
    """The CSV's columns of ``events`` (ordered newest first), a chunk at a time, each chunk one query that starts
    after the last row of the one before (by ``at`` and id): an index scan of the partitions that hold it, whatever the
    log's size. (``iterator()`` in autocommit declares a cursor WITH HOLD, which makes PostgreSQL read the whole
    result before the first row: minutes over the whole log.)"""
    after = None
    while True:
        page = events if after is None else events.filter(Q(at__lt=after[0]) | Q(at=after[0], pk__lt=after[1]))
        rows = list(page.values_list("pk", *CSV_COLUMNS)[:chunk])
        for _pk, *row in rows:
            yield row
        if len(rows) < chunk:
            return
        after = (rows[-1][1], rows[-1][0])


@require_GET
@never_cache
@permission_required("audit.view_access_log")
def access_log_csv(request: HttpRequest) -> HttpResponse:
    form = AccessLogFilterForm(request.GET or None)
    if request.GET and not form.is_valid():
        return HttpResponse(
            "; ".join(f"{form.fields[name].label}: {' '.join(errors)}" for name, errors in form.errors.items()),
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    params = form.cleaned_data if request.GET else {}
    record_event(request.user, "access_log.exported", request.user, filters={k: str(v) for k, v in params.items() if v})
    # The rows up to now: the export's own row (written next) is not part of what it exports.
    last = AccessEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    log.record(request, object_type=LOG_READ, export="csv")
    writer = csv.writer(_Echo())

    def lines():
        yield writer.writerow(CSV_COLUMNS)
        for event in _keyset(filter_events(params).filter(pk__lte=last)):
            at, *rest = event
            yield writer.writerow([timezone.localtime(at).isoformat(), *map(_cell, rest)])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="access-log-{timezone.localdate():%Y-%m-%d}.csv"'
    return response
