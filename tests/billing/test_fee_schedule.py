"""The fee schedule: seeded from 8 CCR 9792.10.8 and the DWC's notices, each figure with how far it was checked, and
the rule that picks a case's fee kind."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from billing.fees import FeeKind, aging_bucket, fee_kind
from billing.models import Fee, FeeSchedule
from billing.selectors import FeeTable
from core.dates import Month

pytestmark = pytest.mark.django_db


def test_the_seed_holds_the_2013_regulation_the_2014_notice_and_the_2020_figures_marked_as_far_as_checked():
    seeded = {
        (fee.schedule.effective_from.isoformat(), fee.kind): (fee.amount, fee.confirmation)
        for fee in Fee.objects.select_related("schedule")
    }

    assert seeded == {
        ("2013-01-01", "standard"): (Decimal("560.00"), "regulation"),
        ("2013-01-01", "expedited"): (Decimal("685.00"), "regulation"),
        ("2014-04-01", "standard"): (Decimal("420.00"), "dwc_notice"),
        ("2014-04-01", "expedited"): (Decimal("515.00"), "dwc_notice"),
        ("2014-04-01", "formulary"): (Decimal("390.00"), "dwc_notice"),
        ("2014-04-01", "ended_before_reviewer"): (Decimal("160.00"), "dwc_notice"),
        ("2014-04-01", "ended_after_reviewer"): (Decimal("420.00"), "dwc_notice"),
        ("2020-01-01", "standard"): (Decimal("345.00"), "secondary"),
        ("2020-01-01", "expedited"): (Decimal("345.00"), "secondary"),
        ("2020-01-01", "formulary"): (Decimal("345.00"), "secondary"),
        ("2020-01-01", "ended_before_reviewer"): (Decimal("115.00"), "secondary"),
        ("2020-01-01", "ended_after_reviewer"): (Decimal("345.00"), "unconfirmed"),
    }


def test_the_schedule_in_force_is_the_latest_that_began_on_or_before_the_day():
    table = FeeTable()

    assert table.fee("expedited", datetime.date(2014, 3, 31)).amount == Decimal("685.00")
    assert table.fee("expedited", datetime.date(2014, 4, 1)).amount == Decimal("515.00")
    assert table.fee("expedited", datetime.date(2019, 12, 31)).amount == Decimal("515.00")
    assert table.fee("expedited", datetime.date(2020, 1, 1)).amount == Decimal("345.00")
    assert table.schedule_on(datetime.date(2012, 12, 31)) is None


def test_an_administrator_reads_the_schedule_with_its_sources_and_what_is_not_confirmed(admin_client):
    page = admin_client.get(reverse("billing:fees")).content.decode()

    assert page.count("NOT confirmed") == 5  # four figures read in a third party's copy, one inferred
    assert "http://www.dir.ca.gov/dwc/IMR.htm" in page
    assert FeeSchedule.objects.count() == 3


@pytest.mark.parametrize(
    ("track", "outcome", "went_to_reviewer", "kind"),
    [
        ("standard", "determined", True, FeeKind.STANDARD),
        ("expedited", "determined", True, FeeKind.EXPEDITED),
        ("formulary", "determined", True, FeeKind.FORMULARY),
        ("expedited", "withdrawn", False, FeeKind.ENDED_BEFORE_REVIEWER),
        ("standard", "ineligible", False, FeeKind.ENDED_BEFORE_REVIEWER),
        ("formulary", "terminated", True, FeeKind.ENDED_AFTER_REVIEWER),
    ],
)
def test_a_cases_fee_kind_follows_from_its_track_and_how_it_ended(track, outcome, went_to_reviewer, kind):
    assert fee_kind(track, outcome, went_to_reviewer=went_to_reviewer) == kind


@pytest.mark.parametrize(("days", "bucket"), [(0, "0-30"), (30, "0-30"), (31, "31-60"), (90, "61-90"), (91, "over 90")])
def test_aging_buckets_count_days_since_the_invoice_was_sent(days, bucket):
    assert aging_bucket(days) == bucket


def test_a_month_is_read_as_yyyy_mm_and_knows_its_last_day():
    month = Month.parse("2024-02")

    assert (month.first, month.last, month.label, month.previous().key) == (
        datetime.date(2024, 2, 1),
        datetime.date(2024, 2, 29),
        "February 2024",
        "2024-01",
    )
    with pytest.raises(ValueError, match=r"'2024/02' is not a month: write it as YYYY-MM, e.g. 2026-11."):
        Month.parse("2024/02")


def test_a_month_steps_over_the_year_both_ways():
    december = Month.parse("2026-12")

    assert (december.next().key, december.next().previous()) == ("2027-01", december)
    assert (Month.parse("2027-01").previous().key, Month.parse("2026-02").next().key) == ("2026-12", "2026-03")
