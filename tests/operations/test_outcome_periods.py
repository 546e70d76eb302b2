"""The outcomes of any period read from the sums by day, month and year: the yearly sums are the daily ones summed
after every kind of change, and the outcomes page over periods of every shape (days only, months and days, a year to
date, across years) shows what the cases' item decisions counted directly say."""

import contextlib
import datetime
import random
from collections import defaultdict

import pytest
from django.db.models import ProtectedError
from django.urls import reverse

from cases.models import Case, ItemDecision
from operations import report
from operations.models import DailyOutcome, YearlyOutcome
from tests.operations.test_deltas import _steps
from tests.operations.world import make_cases, specs

pytestmark = pytest.mark.django_db

date = datetime.date


def _years() -> list:
    return sorted(YearlyOutcome.objects.values_list("year", "historical", "dimension", "key", "upheld", "overturned"))


def _daily_summed_by_year() -> list:
    summed: dict = {}
    for day, historical, dimension, key, upheld, overturned in DailyOutcome.objects.values_list(
        "day", "historical", "dimension", "key", "upheld", "overturned"
    ):
        row = summed.setdefault((day.replace(month=1, day=1), historical, dimension, key), [0, 0])
        row[0], row[1] = row[0] + upheld, row[1] + overturned
    return sorted((*key, *counts) for key, counts in summed.items() if counts != [0, 0])


def test_the_yearly_sums_are_the_daily_ones_after_a_random_sequence_of_changes(reviewer, other_reviewer):
    make_cases(specs(seed=3, count=30), reviewer=reviewer)
    # Some decisions across the turn of the year.
    Case.objects.filter(pk__in=Case.objects.filter(decision_date__isnull=False).order_by("pk").values("pk")[:6]).update(
        decision_date=date(2025, 12, 30)
    )
    draw = random.Random(7)
    steps = _steps(draw, [reviewer, other_reviewer, None])
    for _ in range(20):
        with contextlib.suppress(ProtectedError):  # a case another is joined into stays (nothing written)
            draw.choice(steps)()
        assert _years() == _daily_summed_by_year()
    assert {year for year, *_ in _years()} == {date(2025, 1, 1), date(2026, 1, 1)}


def _counted(start: datetime.date, end: datetime.date) -> dict[str, list[int]]:
    """Upheld and overturned items by category, from the cases decided in the period and their latest approved
    determination (the cases here have one), not historical, not joined."""
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    decisions = ItemDecision.objects.filter(
        determination__state="approved",
        determination__case__decision_date__gte=start,
        determination__case__decision_date__lte=end,
        determination__case__joined_into__isnull=True,
        decision__in=["upheld", "overturned"],
    ).exclude(determination__case__status__in=["closed"])
    for category, decision in decisions.values_list("item__category", "decision"):
        counts[report.category_label(category)][decision == "overturned"] += 1
    return dict(counts)


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (date(2026, 9, 14), date(2026, 9, 27)),  # days only
        (date(2026, 9, 10), date(2026, 11, 5)),  # days, a month, days
        (date(2026, 1, 1), date(2026, 11, 20)),  # this year to date: the year less the days after
        (date(2025, 12, 1), date(2026, 12, 31)),  # a month of one year and the whole of the next
        (date(2025, 11, 17), date(2026, 10, 12)),  # across the turn of the year
    ],
)
def test_the_outcomes_page_over_periods_of_every_shape_equals_the_decisions_counted(admin_client, reviewer, start, end):
    make_cases(specs(seed=9, count=60), reviewer=reviewer)
    decided = Case.objects.filter(status="served").order_by("pk")
    Case.objects.filter(pk__in=decided.values("pk")[:8]).update(decision_date=date(2025, 12, 15))
    Case.objects.filter(pk__in=decided.values("pk")[8:12]).update(decision_date=date(2026, 11, 25))

    page = admin_client.get(
        reverse("operations:outcomes"), {"start": start.isoformat(), "end": end.isoformat(), "dimension": "category"}
    )

    assert page.status_code == 200
    shown = {row[0]: [row[1], row[2]] for section in page.context["sections"] for row in section.rows}
    assert shown == _counted(start, end)
    assert sum(upheld + overturned for upheld, overturned in shown.values()) > 0


def test_a_year_to_date_reads_the_year_less_the_days_after_it():
    assert report.period_parts(date(2026, 1, 1), date(2026, 12, 7)) == [
        ("year", date(2026, 1, 1), date(2027, 1, 1), 1),
        ("day", date(2026, 12, 8), date(2027, 1, 1), -1),
    ]
    assert report.period_parts(date(2026, 3, 10), date(2026, 4, 30)) == [
        ("month", date(2026, 4, 1), date(2026, 5, 1), 1),
        ("day", date(2026, 3, 10), date(2026, 4, 1), 1),
    ]
