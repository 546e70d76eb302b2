"""Queries used by more than one page. Every case query starts from ``permissions.visible_cases``."""

from datetime import date, timedelta

from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Case as When_
from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value, When
from django.utils import timezone
from django.utils.functional import cached_property

from cases import clock
from cases.lifecycle import CLOCK_RUNNING_STATES, FINAL_STATES, Status
from cases.models import Case, CaseStateCount, DisputedItem
from cases.permissions import case_visibility_filter, visible_cases

# The states as sorted lists: a frozenset's order changes from one process to the next, and the SQL of the list's
# order must be the same every time to match its index (cases/migrations/0007_list_and_search_indexes.py).
RUNNING_STATES = sorted(CLOCK_RUNNING_STATES)
# Overdue and at-risk first (earliest due date), then cases with no clock, newest first: the case list's order,
# read from the index of the same expressions ("case_list_order").
RUNNING_FIRST = When_(When(status__in=RUNNING_STATES, then=Value(0)), default=Value(1), output_field=IntegerField())
LIST_ORDER = (RUNNING_FIRST.asc(), F("due_date").asc(nulls_last=True), F("case_number").desc())


class CappedPaginator(Paginator):
    """Pages of a long list that count at most ``cap`` rows (``SELECT COUNT(*) FROM (… LIMIT cap + 1)``): counting
    100,000 filtered rows for every page cost more than the page. Beyond the cap, ``capped`` is true, the pages stop
    at the cap (templates write "5000 or more") and a narrower filter finds the rest."""

    cap = 5000

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.capped = False

    @cached_property
    def count(self) -> int:
        found = self.object_list.order_by().values("pk")[: self.cap + 1].count()
        self.capped = found > self.cap
        return min(found, self.cap)


# The list sorted by track: the strictest deadline first (expedited, formulary, standard), then the list's order.
TRACK_FIRST = When_(
    When(track=clock.Track.EXPEDITED, then=Value(0)),
    When(track=clock.Track.FORMULARY, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


def _at_risk_q(today: date) -> Q:
    """At risk by the case's own track: 5 days left (standard), 2 (formulary), 1 (expedited)."""
    condition = Q()
    for track, days in clock.AT_RISK_DAYS.items():
        condition |= Q(track=track, due_date__lte=today + timedelta(days=days))
    return condition


def filter_cases(queryset: QuerySet, params: dict, today: date | None = None) -> QuerySet:
    today = today or timezone.localdate()
    running = Q(status__in=RUNNING_STATES)
    if status := params.get("status"):
        queryset = (
            queryset.exclude(status__in=sorted(FINAL_STATES)) if status == "open" else queryset.filter(status=status)
        )
    if priority := params.get("priority"):
        queryset = queryset.filter(priority=priority)
    if track := params.get("track"):
        queryset = queryset.filter(track=track)
    if category := params.get("category"):
        # EXISTS, not a join and DISTINCT: the list stays in its index order and stops at a page.
        queryset = queryset.filter(Exists(DisputedItem.objects.filter(case=OuterRef("pk"), category=category)))
    due = params.get("due")
    if due == "overdue":
        queryset = queryset.filter(running, due_date__lt=today)
    elif due == "at_risk":
        queryset = queryset.filter(running, due_date__gte=today).filter(_at_risk_q(today))
    elif due == "on_track":
        # A case due within the shortest at-risk window is at risk on every track: saying so lets the list's index
        # skip those dates instead of reading each of their cases' rows to test its track (7,300 rows before the
        # first page at 1,000,000 cases).
        soonest = today + timedelta(days=min(clock.AT_RISK_DAYS.values()))
        queryset = queryset.filter(running, due_date__gt=soonest).exclude(_at_risk_q(today))
    elif due == "not_started":
        queryset = queryset.filter(Q(status=Status.RECEIVED) | running, due_date__isnull=True)
    if q := (params.get("q") or "").strip():
        queryset = queryset.filter(
            Q(case_number__icontains=q) | Q(claim_number__icontains=q) | Q(employee_name__icontains=q)
        )
    return queryset


def case_list(user, params: dict) -> QuerySet:
    """The cases a user may see, filtered, in the list's order, with their parties (``with_item_counts`` adds the
    item counts to a page)."""
    queryset = visible_cases(user).select_related("employer", "claims_administrator")
    # Indexes of cases/migrations/0010 for one state or one priority. In one state the clock runs for all or for
    # none, so the list's order is the due date then the number, which only the state's index gives in order
    # (walking the list's order instead read 25,000 rows before the first served case); one priority is read from
    # the priority's index in the list's order.
    status = params.get("status")
    if not (params.get("historical") or status == Status.CLOSED):
        queryset = queryset.exclude(status=Status.CLOSED)
    if status and status != "open":
        order = LIST_ORDER[1:]
    elif params.get("priority"):
        order = ("priority", *LIST_ORDER)
    else:
        order = LIST_ORDER
    if params.get("sort") == "track":
        order = (TRACK_FIRST.asc(), *order)
    queryset = filter_cases(queryset, params)
    if (params.get("q") or "").strip():
        # A search's matches are found from the trigram indexes first, then sorted: left to the planner, it walked
        # the list's order and tested each case against the words (4.3 s at 1,000,000 cases for a name near the
        # end). When there are more than the list counts, the order is walked as before (the first page is then
        # found early); so the page is the same either way.
        found = list(queryset.order_by().values_list("pk", flat=True)[: CappedPaginator.cap + 1])
        if len(found) <= CappedPaginator.cap:
            queryset = queryset.filter(pk__in=found)
    return queryset.order_by(*order)


def with_item_counts(cases: list[Case]) -> list[Case]:
    """Sets ``item_count`` on each case of a page, in one query for the page. (As a subquery of the list's SELECT,
    PostgreSQL computed it for every row an OFFSET skipped too: 2,000 counts for page 40.)"""
    counts = dict(
        DisputedItem.objects.filter(case__in=[case.pk for case in cases])
        .order_by()
        .values_list("case")
        .annotate(n=Count("pk"))
    )
    for case in cases:
        case.item_count = counts.get(case.pk, 0)
    return cases


def state_counts(user) -> list[tuple[str, str, int]]:
    """(state, label, number of cases) for the states the user has cases in, in lifecycle order.

    A user who sees every case (an administrator) reads the counts the case table's triggers keep
    (``CaseStateCount``, PostgreSQL): ~15 rows, whatever the number of cases. Others, and SQLite, count: one query
    of one ``COUNT(*)`` per state, each an index-only scan of the status index."""
    if connection.vendor == "postgresql" and case_visibility_filter(user) is None:
        counts = dict(CaseStateCount.objects.values_list("status", "count"))
    else:
        base = visible_cases(user).order_by()
        per_state = {
            f"n_{value}": Subquery(base.filter(status=value).values("status").annotate(n=Count("*")).values("n")[:1])
            for value in Status.values
        }
        row = Case.objects.order_by().annotate(**per_state).values(*per_state)[:1]
        counts = {key[2:]: number for key, number in (row[0].items() if row else ())}
    return [(value, label, counts[value]) for value, label in Status.choices if counts.get(value)]


def search_records(case, query: str, *, limit: int = 50) -> list[dict]:
    """Pages of the case's documents whose text holds every word of ``query`` (case-insensitive), in document and
    page order, each with a snippet around the first word. The caller has checked access to ``case``."""
    words = [word.lower() for word in query.split() if word.strip()]
    if not words:
        return []
    hits = []
    for document in case.documents.order_by("kind", "document_date", "pk").only(
        "pk", "title", "original_name", "page_texts"
    ):
        for number, text in enumerate(document.page_texts or [], start=1):
            lowered = text.lower()
            if all(word in lowered for word in words):
                at = lowered.index(words[0])
                start = max(0, at - 80)
                snippet = ("…" if start else "") + text[start : at + 120] + ("…" if at + 120 < len(text) else "")
                hits.append(
                    {
                        "document_id": document.pk,
                        "title": document.title or document.original_name,
                        "page": number,
                        "snippet": snippet,
                    }
                )
                if len(hits) >= limit:
                    return hits
    return hits
