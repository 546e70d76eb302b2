"""``manage.py imr_report``: the state's figures over a known set of cases equal a count made here from the same
data (the specs the cases were made from, counted in plain Python), never through the report's code."""

import datetime
import io
import json
import statistics
from collections import Counter

import pytest
from django.core.management import CommandError, call_command

from tests.operations.world import CATEGORIES, make_cases, specs

pytestmark = pytest.mark.django_db


def _report(*args) -> dict:
    out = io.StringIO()
    call_command("imr_report", *args, stdout=out)
    return json.loads(out.getvalue())


def _p90(values: list[int]) -> float:
    # Linear interpolation between the nearest ranks, as PostgreSQL's percentile_cont(0.9) reads it.
    return round(statistics.quantiles(values, n=10, method="inclusive")[-1], 1)


def _expected(all_specs, start, end, *, historical: bool) -> dict:
    def counted(spec) -> bool:
        return historical or spec.status != "closed" or spec.joined

    received = [s for s in all_specs if start <= s.received <= end and counted(s)]
    decided = [s for s in all_specs if s.decided and start <= s.decided <= end and (historical or s.status != "closed")]
    items = [decision for s in decided for _, decision in s.items]
    by_category = {
        category: {
            "upheld": sum(1 for s in decided for c, d in s.items if c == category and d == "upheld"),
            "overturned": sum(1 for s in decided for c, d in s.items if c == category and d == "overturned"),
        }
        for category in CATEGORIES
    }
    ages = [(s.decided - max(s.received, s.records)).days for s in decided]
    return {
        "applications_received": len(received),
        "applications_unique": sum(1 for s in received if not s.joined),
        "ineligible": sum(1 for s in received if s.status == "ineligible"),
        "ineligible_reasons": dict(Counter(s.reason for s in received if s.status == "ineligible")),
        "withdrawn": sum(1 for s in received if s.status == "withdrawn"),
        "terminated": sum(1 for s in received if s.status == "terminated"),
        "determinations": len(decided),
        "expedited": sum(1 for s in decided if s.priority == "expedited"),
        "items_upheld": items.count("upheld"),
        "items_overturned": items.count("overturned"),
        "cases_overturned": sum(1 for s in decided if {d for _, d in s.items} == {"overturned"}),
        "by_category": {category: counts for category, counts in by_category.items() if sum(counts.values())},
        "days_from_complete_records": {"median": statistics.median(ages), "p90": _p90(ages)},
        "days_from_application": {
            "median": statistics.median([(s.decided - s.received).days for s in decided]),
            "p90": _p90([(s.decided - s.received).days for s in decided]),
        },
    }


@pytest.mark.parametrize(
    ("start", "end", "historical"),
    [("2026-09-01", "2026-12-31", False), ("2026-10-01", "2026-10-31", False), ("2026-09-01", "2026-12-31", True)],
)
def test_the_state_report_equals_a_count_made_from_the_cases_own_data(reviewer, start, end, historical):
    all_specs = specs()
    make_cases(all_specs, reviewer=reviewer)

    figures = _report("--from", start, "--to", end, "--format", "json", *(["--historical"] if historical else []))

    expected = _expected(
        all_specs, datetime.date.fromisoformat(start), datetime.date.fromisoformat(end), historical=historical
    )
    assert {key: figures[key] for key in expected} == expected
    assert figures["determinations"] > 5 and figures["items_overturned"] > 0 and figures["ineligible"] > 0


def test_historical_cases_count_only_when_asked_for(reviewer):
    all_specs = specs()
    make_cases(all_specs, reviewer=reviewer)
    historical = sum(1 for s in all_specs if s.status == "closed" and s.decided)

    without = _report("--from", "2026-01-01", "--to", "2026-12-31")
    with_them = _report("--from", "2026-01-01", "--to", "2026-12-31", "--historical")

    assert historical > 0
    assert with_them["determinations"] - without["determinations"] == historical


def test_a_period_with_no_cases_reports_zeros_and_no_ages(db):
    figures = _report("--from", "2020-01-01", "--to", "2020-01-31", "--format", "json")
    assert (figures["applications_received"], figures["determinations"], figures["by_category"]) == (0, 0, {})
    assert figures["days_from_complete_records"] == {"median": None, "p90": None}


def test_a_date_that_is_not_a_date_is_named(db):
    with pytest.raises(CommandError, match="'2026-13-01' is not a date: write it YYYY-MM-DD"):
        _report("--from", "2026-13-01", "--to", "2026-12-31")


def test_a_period_ending_before_it_starts_is_refused(db):
    with pytest.raises(CommandError, match="--to 2026-01-01 is before --from 2026-02-01"):
        _report("--from", "2026-02-01", "--to", "2026-01-01")


def test_the_csv_format_lists_the_figures(reviewer):
    make_cases(specs(count=10), reviewer=reviewer)
    out = io.StringIO()
    call_command("imr_report", "--from", "2026-09-01", "--to", "2026-12-31", "--format", "csv", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0] == "Figure,Value"
    assert lines[1].startswith("Applications received,")
