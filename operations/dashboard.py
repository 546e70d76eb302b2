"""The operations dashboard's figures, each read from the aggregates of ``operations.models`` (a handful of queries
whatever the number of cases): the queue, what falls due, records outstanding, throughput, the two ages, reviewers'
workload and timeliness, QA returns."""

import datetime
from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Case, DateField, F, Sum, Value, When
from django.db.models.functions import TruncWeek

from cases import clock
from cases.clock import Track
from cases.lifecycle import CLOCK_RUNNING_STATES, Status
from operations.models import DailyAge, DailyFigure, QueueCount, RecordsAwaited
from operations.sections import Section, ages

WEEKS = 12
DUE_DAYS = 7
CHART_POINTS = 25  # bars a chart of reviewers shows: the busiest (the table has more, the CSV all)


def _reviewer_label(user, *, names: bool) -> str:
    if user is None:
        return "(none)"
    return (user.get_full_name() or user.get_username()) if names else f"Reviewer #{user.pk}"


def queue_by_state(queue: Sequence[Mapping[str, Any]]) -> Section:
    totals: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in queue:
        totals[row["status"]][row["track"]] += row["count"]
    rows = [
        [Status(status).label] + [totals[status][track] for track in Track.values]
        for status in Status.values
        if status in totals
    ]
    section = Section("queue", "The queue by state and track", ["State"] + [t.label for t in Track], rows)
    return section.chart_from_columns("bar", stacked=True)


def falling_due(queue: Sequence[Mapping[str, Any]], today: datetime.date) -> Section:
    days = [today + datetime.timedelta(days=offset) for offset in range(DUE_DAYS + 1)]
    counts: dict[tuple, int] = defaultdict(int)
    for row in queue:
        if row["status"] in CLOCK_RUNNING_STATES and row["due_date"] in days:
            counts[row["due_date"], row["track"]] += row["count"]
    rows = [[f"{day:%a %m/%d}"] + [counts[day, track] for track in Track.values] for day in days]
    section = Section("due", f"Falling due in the next {DUE_DAYS} days", ["Due"] + [t.label for t in Track], rows)
    return section.chart_from_columns("bar", stacked=True)


def overdue_and_at_risk(queue: Sequence[Mapping[str, Any]], today: datetime.date) -> Section:
    counts: dict[tuple, int] = defaultdict(int)
    for row in queue:
        if row["status"] not in CLOCK_RUNNING_STATES:
            continue
        due = row["due_date"]
        if due is None:
            state = "Clock not started (records awaited)"
        else:
            state = clock.clock_state(priority=row["track"], due=due, decided_on=None, running=True, today=today).key
            state = {"overdue": "Overdue", "at_risk": "At risk", "on_track": "On track"}[state]
        counts[state, row["track"]] += row["count"]
    labels = ["Overdue", "At risk", "On track", "Clock not started (records awaited)"]
    rows = [[label] + [counts[label, track] for track in Track.values] for label in labels]
    section = Section("risk", "Overdue and at risk", ["Clock"] + [t.label for t in Track], rows)
    section.note = "At risk: due within " + ", ".join(
        f"{days} days ({Track(track).label.split(' (')[0].lower()})" for track, days in clock.AT_RISK_DAYS.items()
    )
    return section.chart_from_columns("bar", stacked=True)


def records_outstanding(today: datetime.date) -> Section:
    late: dict[str, int] = defaultdict(int)
    waiting: dict[str, int] = defaultdict(int)
    awaited = RecordsAwaited.objects.filter(count__gt=0).values_list(
        "claims_administrator__name", "track", "records_requested", "records_request_method", "count"
    )
    for name, track, requested, method, count in awaited:
        due = clock.records_due_date(track, requested, method)
        (late if due is not None and due < today else waiting)[name or "(none)"] += count
    names = sorted(set(late) | set(waiting), key=lambda name: (-late[name], -waiting[name], name))
    rows = [[name, late[name], waiting[name], late[name] + waiting[name]] for name in names]
    columns = ["Claims administrator", "Late", "Not yet due", "All"]
    section = Section("records", "Records outstanding by claims administrator", columns, rows)
    return section.chart_from_columns("bar", stacked=True, datasets=2)


def _weeks(today: datetime.date) -> list[datetime.date]:
    monday = today - datetime.timedelta(days=today.weekday())
    return [monday - datetime.timedelta(weeks=back) for back in range(WEEKS - 1, -1, -1)]


def weekly_figures(today: datetime.date) -> tuple[Section, Section]:
    weeks = _weeks(today)
    rows = (
        DailyFigure.objects.filter(
            historical=False, day__gte=weeks[0], figure__in=["received", "decided", "qa_reviewed", "qa_returned"]
        )
        .annotate(week=TruncWeek("day"))
        .values("week", "figure")
        .annotate(total=Sum("count"))
    )
    counts = {(row["week"], row["figure"]): row["total"] for row in rows}
    throughput = Section(
        "throughput",
        "Throughput per week",
        ["Week of", "Applications received", "Determinations issued"],
        [[f"{week:%m/%d}", counts.get((week, "received"), 0), counts.get((week, "decided"), 0)] for week in weeks],
    ).chart_from_columns("bar")
    qa_rows = []
    for week in weeks:
        reviewed, returned = counts.get((week, "qa_reviewed"), 0), counts.get((week, "qa_returned"), 0)
        qa_rows.append([f"{week:%m/%d}", reviewed, returned, round(100 * returned / reviewed, 1) if reviewed else 0])
    qa = Section("qa", "QA returns per week", ["Week of", "Reviewed by QA", "Returned", "Returned (%)"], qa_rows)
    qa.chart_from_columns("bar", datasets=2)
    return throughput, qa


def age_distribution(today: datetime.date) -> Section:
    weeks = _weeks(today)
    rows = (
        DailyAge.objects.filter(historical=False, day__gte=weeks[0])
        .annotate(week=TruncWeek("day"))
        .values("week", "measure", "days")
        .annotate(total=Sum("count"))
    )
    histograms: dict[tuple, list] = defaultdict(list)
    for row in rows:
        histograms[row["week"], row["measure"]].append((row["days"], row["total"]))
    table = []
    for week in weeks:
        application, records = ages(histograms[week, "application"]), ages(histograms[week, "records"])
        table.append([f"{week:%m/%d}", application["median"], application["p90"], records["median"], records["p90"]])
    columns = [
        "Week of",
        "Days from application: median",
        "Days from application: 90th percentile",
        "Days from complete records: median",
        "Days from complete records: 90th percentile",
    ]
    return Section("ages", "The two ages of the cases decided, per week", columns, table).chart_from_columns("line")


# Each reviewer's open cases and determinations on time and late since a day, the busiest first, then those most often
# late (ties: the reviewer's number), the first ``limit`` of them (all: NULL), and how many there are in all.
_REVIEWERS = """
WITH open AS (
    SELECT reviewer_id, SUM(count) AS open FROM operations_reviewerload WHERE count > 0 GROUP BY reviewer_id
), decided AS (
    SELECT key::bigint AS reviewer_id,
           SUM(count) FILTER (WHERE figure = 'reviewer_on_time') AS on_time,
           SUM(count) FILTER (WHERE figure = 'reviewer_late') AS late
    FROM operations_dailyfigure
    WHERE figure IN ('reviewer_on_time', 'reviewer_late') AND day >= %s AND NOT historical AND key <> ''
    GROUP BY key
)
SELECT reviewer_id, COALESCE(open, 0), COALESCE(on_time, 0), COALESCE(late, 0), COUNT(*) OVER ()
FROM open FULL JOIN decided USING (reviewer_id)
ORDER BY 2 DESC, 4 DESC, 1
LIMIT %s
"""


def reviewers(today: datetime.date, *, names: bool, limit: int | None = None) -> Section:
    """Open cases with each reviewer, and their determinations on time and late over the last 12 weeks: the first
    ``limit`` (the busiest, then those most often late), cut by the database and only those named (a roster of
    thousands costs the page what 50 cost); all of them when ``limit`` is None (the CSV)."""
    with connection.cursor() as cursor:
        cursor.execute(_REVIEWERS, [_weeks(today)[0], limit])
        found = cursor.fetchall()
    users = {user.pk: user for user in get_user_model().objects.filter(pk__in=[row[0] for row in found])}
    rows: list[list] = []
    for reviewer_id, open_cases, on_time, late, _total in found:
        share = round(100 * on_time / (on_time + late), 1) if on_time + late else None
        rows.append([_reviewer_label(users.get(reviewer_id), names=names), open_cases, on_time, late, share])
    # The busiest first, then those most often late, then by name: the page shows the first of them (the CSV all).
    rows.sort(key=lambda row: (-row[1], -row[3], row[0]))
    columns = ["Reviewer", "Open cases", "Decided on time (12 weeks)", "Decided late (12 weeks)", "On time (%)"]
    section = Section("reviewers", "Reviewer workload and timeliness", columns, rows)
    total = found[0][4] if found else 0
    if limit is not None and total > len(rows):
        section.note = f"The {len(rows)} of {total} with most open cases; all of them are in the CSV."
    return section.chart_from_columns("bar", datasets=3, points=CHART_POINTS)


def open_queue(today: datetime.date) -> list[dict]:
    """The open cases per state, track and due day, the days outside the next week folded into one day before
    (overdue) and one after (later): as many rows whatever the spread of due dates."""
    before, after = today - datetime.timedelta(days=1), today + datetime.timedelta(days=DUE_DAYS + 1)
    folded = Case(
        When(due_date__lt=today, then=Value(before)),
        When(due_date__gt=after, then=Value(after)),
        default=F("due_date"),
        output_field=DateField(),
    )
    rows = (
        QueueCount.objects.filter(count__gt=0)
        .annotate(due=folded)
        .values("status", "track", "due")
        .annotate(total=Sum("count"))
    )
    return [{"status": r["status"], "track": r["track"], "due_date": r["due"], "count": r["total"]} for r in rows]


def dashboard(today: datetime.date, *, names: bool, limit: int | None = None) -> list[Section]:
    """Every figure; ``limit``: the rows of a long table (the reviewers) the page shows (None: all, for a CSV)."""
    queue = open_queue(today)
    throughput, qa = weekly_figures(today)
    return [
        queue_by_state(queue),
        falling_due(queue, today),
        overdue_and_at_risk(queue, today),
        records_outstanding(today),
        throughput,
        age_distribution(today),
        reviewers(today, names=names, limit=limit),
        qa,
    ]
