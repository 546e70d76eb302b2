"""The state's report and the outcomes, over any period, from the daily aggregates (``operations.models``).

Periods are read as the state counts them: applications (received, unique, eligible, ineligible, withdrawn,
terminated) by the day the application was received; determinations, outcomes and the two ages by the day of the
decision. Imported cases decided elsewhere (closed historical cases) count only when ``historical`` is asked for.
"""

import datetime
from collections import defaultdict
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import QuerySet, Sum

from core.categories import NO_CATEGORY, category_label
from core.models import Party
from operations.models import DailyAge, DailyFigure, DailyOutcome
from operations.sections import ages

DIMENSIONS = {
    "category": "Treatment category",
    "guideline": "Guideline cited",
    "specialty": "Reviewer specialty",
    "claims_administrator": "Claims administrator",
    "physician": "Requesting physician",
    "reviewer": "Reviewer",
}


def _period(queryset: QuerySet, start: datetime.date, end: datetime.date, historical: bool) -> QuerySet:
    queryset = queryset.filter(day__gte=start, day__lte=end)
    return queryset if historical else queryset.filter(historical=False)


def state_report(start: datetime.date, end: datetime.date, *, historical: bool = False) -> dict:
    """The figures the state publishes, for the days ``start`` to ``end`` (both included)."""
    figures: dict[str, int] = defaultdict(int)
    reasons: dict[str, int] = defaultdict(int)
    rows = _period(DailyFigure.objects.all(), start, end, historical).exclude(figure__startswith="reviewer_")
    for row in rows.values("figure", "key").annotate(total=Sum("count")):
        figures[row["figure"]] += row["total"]
        if row["figure"] == "ineligible":
            reasons[row["key"] or "(no reason recorded)"] += row["total"]
    by_category: dict[str, dict[str, int]] = {}
    items = {"upheld": 0, "overturned": 0}
    outcomes = _period(DailyOutcome.objects.filter(dimension__in=["all", "category"]), start, end, historical)
    for row in outcomes.values("dimension", "key").annotate(upheld_=Sum("upheld"), overturned_=Sum("overturned")):
        if row["dimension"] == "all":
            items = {"upheld": row["upheld_"], "overturned": row["overturned_"]}
        else:
            by_category[row["key"] or NO_CATEGORY] = {"upheld": row["upheld_"], "overturned": row["overturned_"]}
    histograms: dict[str, list] = defaultdict(list)
    age_rows = _period(DailyAge.objects.all(), start, end, historical)
    for row in age_rows.values("measure", "days").annotate(total=Sum("count")):
        histograms[row["measure"]].append((row["days"], row["total"]))
    decided_items = items["upheld"] + items["overturned"]
    return {
        "period": {"from": start.isoformat(), "to": end.isoformat()},
        "historical": historical,
        "applications_received": figures["received"],
        "applications_unique": figures["unique"],
        "eligible": figures["eligible"],
        "ineligible": figures["ineligible"],
        "ineligible_reasons": dict(sorted(reasons.items(), key=lambda pair: (-pair[1], pair[0]))),
        "withdrawn": figures["withdrawn"],
        "terminated": figures["terminated"],
        "determinations": figures["decided"],
        "cases_upheld": figures["cases_upheld"],
        "cases_overturned": figures["cases_overturned"],
        "cases_partially_overturned": figures["cases_partial"],
        "items_upheld": items["upheld"],
        "items_overturned": items["overturned"],
        "items_overturned_percent": round(100 * items["overturned"] / decided_items, 1) if decided_items else None,
        "by_category": dict(sorted(by_category.items())),
        "formulary_disputes": figures["formulary"],
        "expedited": figures["expedited"],
        "days_from_application": ages(histograms["application"]),
        "days_from_complete_records": ages(histograms["records"]),
    }


REPORT_ROWS = [
    ("applications_received", "Applications received"),
    ("applications_unique", "Applications received, unique (not joined into another)"),
    ("eligible", "Eligible"),
    ("ineligible", "Ineligible"),
    ("withdrawn", "Withdrawn"),
    ("terminated", "Terminated (treatment authorized)"),
    ("determinations", "Determinations issued"),
    ("cases_upheld", "Cases upheld"),
    ("cases_overturned", "Cases overturned"),
    ("cases_partially_overturned", "Cases partially overturned"),
    ("items_upheld", "Items upheld"),
    ("items_overturned", "Items overturned"),
    ("items_overturned_percent", "Items overturned (%)"),
    ("formulary_disputes", "Formulary drug disputes decided"),
    ("expedited", "Expedited reviews decided"),
]


AGE_ROWS = (("days_from_application", "from the application"), ("days_from_complete_records", "from complete records"))


def report_rows(report: dict) -> list[list]:
    """The report as (figure, value) rows: the page's table and the CSV."""
    rows = [[label, report[key]] for key, label in REPORT_ROWS]
    rows += [[f"Ineligible: {reason}", count] for reason, count in report["ineligible_reasons"].items()]
    for category, counts in report["by_category"].items():
        rows += [[f"{category_label(category)}: upheld", counts["upheld"]]]
        rows += [[f"{category_label(category)}: overturned", counts["overturned"]]]
    for key, label in AGE_ROWS:
        rows += [[f"Days {label}: median", report[key]["median"]]]
        rows += [[f"Days {label}: 90th percentile", report[key]["p90"]]]
    return rows


PARTY_DIMENSIONS = ("claims_administrator", "physician")


def _labels(dimension: str, keys: list[str], *, names: bool, parties: dict[int, str]) -> dict[str, str]:
    """What each key of a dimension reads as: a party's or a reviewer's name (reviewers: only to those allowed)."""
    ids = [int(key) for key in keys if key.isdigit()]
    if dimension in PARTY_DIMENSIONS:
        return {key: parties.get(int(key), f"#{key}") if key.isdigit() else "(none)" for key in keys}
    if dimension == "reviewer":
        users = {user.pk: user for user in get_user_model().objects.filter(pk__in=ids)} if names else {}
        return {
            key: (users[int(key)].get_full_name() or users[int(key)].get_username())
            if int(key) in users
            else f"Reviewer #{key}"
            for key in keys
            if key.isdigit()
        } | {"": "(none)"}
    if dimension == "category":
        return {key: category_label(key) for key in keys}
    return {key: key or "(none)" for key in keys}


def _percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def whole_months(start: datetime.date, end: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The first day of the first whole month in ``start``..``end`` and the first day after the last one (the same
    day when the period holds no whole month)."""
    first = start if start.day == 1 else (start.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    after = (end + datetime.timedelta(days=1)).replace(day=1)
    return (first, after) if first < after else (first, first)


# Where each length of period is summed: (table, its date column).
_SUMS = {
    "year": ("operations_yearlyoutcome", "year"),
    "month": ("operations_monthlyoutcome", "month"),
    "day": ("operations_dailyoutcome", "day"),
}
# What a part costs, roughly, in rows read: a year has about the keys of a month or two, a day a tenth of a month's.
_COST = {"year": 2.0, "month": 1.0, "day": 0.1}

Part = tuple[str, datetime.date, datetime.date, int]  # (length, first day, day after, sign)


def _span(first: datetime.date, after: datetime.date, sign: int = 1) -> list[Part]:
    """The days ``first`` to the day before ``after``: their whole months, and the days before and after them."""
    if first >= after:
        return []
    start, stop = whole_months(first, after - datetime.timedelta(days=1))
    if start == stop:
        return [("day", first, after, sign)]
    parts = [("month", start, stop, sign)]
    parts += [("day", lo, hi, sign) for lo, hi in ((first, start), (stop, after)) if lo < hi]
    return parts


def period_parts(start: datetime.date, end: datetime.date) -> list[Part]:
    """The sums that add up to the days ``start`` to ``end``: per calendar year, the whole year; or its whole months
    and days; or, cheaper when the period holds most of the year (this year to date), the year less its months and
    days outside the period."""
    parts: list[Part] = []
    for year in range(start.year, end.year + 1):
        first, after = datetime.date(year, 1, 1), datetime.date(year + 1, 1, 1)
        lo, hi = max(start, first), min(end + datetime.timedelta(days=1), after)
        inside = _span(lo, hi)
        outside = [("year", first, after, 1), *_span(first, lo, -1), *_span(hi, after, -1)]
        cost = [
            sum(_COST[length] * (1 if length == "year" else _units(length, a, b)) for length, a, b, _ in choice)
            for choice in (inside, outside)
        ]
        parts += outside if cost[1] < cost[0] else inside
    return parts


def _units(length: str, first: datetime.date, after: datetime.date) -> int:
    if length == "day":
        return (after - first).days
    return (after.year - first.year) * 12 + after.month - first.month


# Upheld and overturned items per (dimension, key) over a period (the parts above, each signed); per dimension the
# keys with most decisions first (ties: the key, in Python's order), the first ``limit`` of them (all: NULL), and how
# many keys the dimension has in all. One query, cut by the database: the page reads 50 rows a dimension.
_OUTCOMES = """
WITH sums AS (
    SELECT dimension, key, SUM(upheld) AS upheld, SUM(overturned) AS overturned
    FROM ({parts}) AS period
    GROUP BY dimension, key
    HAVING SUM(upheld) + SUM(overturned) <> 0
), ranked AS (
    SELECT dimension, key, upheld, overturned, COUNT(*) OVER (PARTITION BY dimension) AS keys,
           row_number() OVER (PARTITION BY dimension ORDER BY upheld + overturned DESC, key COLLATE "C") AS rank
    FROM sums
)
SELECT dimension, key, upheld, overturned, keys FROM ranked
WHERE %(limit)s::integer IS NULL OR rank <= %(limit)s::integer
"""


def _outcome_sums(
    start: datetime.date, end: datetime.date, dimensions: list[str], historical: bool, limit: int | None
) -> tuple[dict[str, list[tuple[str, int, int]]], dict[str, int]]:
    """dimension → [(key, upheld, overturned)] over the period, the first ``limit`` of each (most decided first), and
    dimension → how many keys it has."""
    parameters: dict = {"dimensions": dimensions, "historical": historical, "limit": limit}
    selects = []
    for index, (length, first, after, sign) in enumerate(period_parts(start, end)):
        table, column = _SUMS[length]
        parameters[f"first{index}"], parameters[f"after{index}"] = first, after
        selects.append(
            f"SELECT dimension, key, {sign} * upheld AS upheld, {sign} * overturned AS overturned FROM {table} "
            f"WHERE dimension = ANY(%(dimensions)s) AND {column} >= %(first{index})s AND {column} < %(after{index})s "
            "AND (%(historical)s OR NOT historical)"
        )
    totals: dict[str, list[tuple[str, int, int]]] = defaultdict(list)
    counts: dict[str, int] = defaultdict(int)
    with connection.cursor() as cursor:
        cursor.execute(_OUTCOMES.format(parts=" UNION ALL ".join(selects)), parameters)
        for dimension, key, upheld, overturned, keys in cursor.fetchall():
            totals[dimension].append((key, upheld, overturned))
            counts[dimension] = keys
    return totals, counts


def outcomes(
    start: datetime.date,
    end: datetime.date,
    *,
    dimensions: list[str],
    historical: bool,
    names: bool,
    limit: int | None = None,
    counts: dict[str, int] | None = None,
) -> dict[str, list[list]]:
    """Upheld and overturned items per key of each dimension over the period, most decided first.

    ``limit``: only the first so many of each dimension are named and returned (a page; a CSV asks for all), and
    ``counts``, when given, receives how many each dimension has in all."""
    # Cut by the count first (keys break ties), so only the rows shown are named; sorted by label below.
    totals, keys = _outcome_sums(start, end, dimensions, historical, limit)
    if counts is not None:
        counts.update({dimension: keys[dimension] for dimension in dimensions})
    # The parties of both dimensions named in one query.
    party_ids = {int(key) for dimension in PARTY_DIMENSIONS for key, _, _ in totals[dimension] if key.isdigit()}
    parties = dict(Party.objects.filter(pk__in=party_ids).values_list("pk", "name"))
    tables = {}
    for dimension in dimensions:
        labels = _labels(dimension, [key for key, _, _ in totals[dimension]], names=names, parties=parties)
        table: list[list[Any]] = [
            [labels.get(key, key), upheld, overturned, upheld + overturned, _percent(overturned, upheld + overturned)]
            for key, upheld, overturned in totals[dimension]
        ]
        tables[dimension] = sorted(table, key=lambda row: (-row[3], row[0]))
    return tables


OUTCOME_COLUMNS = ["", "Upheld", "Overturned", "Decided", "Overturned (%)"]
