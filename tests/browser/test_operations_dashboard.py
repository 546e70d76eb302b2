"""The operations dashboard in real Chromium with the CSP in force: every chart drawn by Chart.js (served by the
portal), each one's table a click away, its CSV downloaded; the outcomes page's filters kept in the URL."""

import datetime
import re
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.conftest import log_in
from tests.factories import CaseFactory
from tests.operations.world import make_cases, specs

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _open_cases(reviewer) -> None:
    today = timezone.localdate()
    for index in range(12):
        complete = today - datetime.timedelta(days=20 + index)
        CaseFactory(
            status=["in_review", "qa", "records_received", "records_requested"][index % 4],
            reviewer=reviewer if index % 4 < 2 else None,
            application_received=complete,
            records_received=complete if index % 4 != 3 else None,
            records_requested=complete,
        )


def test_an_administrator_sees_every_chart_drawn_and_reaches_its_table_and_csv(page, admin_user, reviewer):
    all_specs = specs()
    make_cases(all_specs, reviewer=reviewer)
    _open_cases(reviewer)
    in_review = [spec.priority for spec in all_specs if spec.status == "in_review"]
    in_review_row = f"In review,{in_review.count('standard') + 3},0,{in_review.count('expedited')}"
    log_in(page, admin_user.username)

    page.get_by_role("link", name="Operations").click()
    expect(page.get_by_role("heading", name="The queue by state and track")).to_be_visible()
    canvases = page.locator("canvas[data-chart]")
    expect(canvases).to_have_count(8)
    for index in range(8):
        expect(canvases.nth(index)).to_have_attribute("data-drawn", re.compile(r"^[1-9]\d*$"))
    page.screenshot(path="/tmp/operations-dashboard.png", full_page=True)

    queue = page.locator("#section-queue")
    table = queue.locator("#table-queue")
    expect(table).to_be_hidden()
    queue.get_by_text("Table").click()
    expect(table).to_be_visible()
    expect(table.locator("tbody tr", has_text="In review").locator("td")).to_have_text(in_review_row.split(",")[1:])

    with page.expect_download() as download:
        queue.get_by_role("link", name="CSV").click()
    lines = Path(download.value.path()).read_text(encoding="utf-8").splitlines()
    assert lines[0] == "State,Standard (30 days),Formulary drug (5 working days),Expedited (3 days)"
    assert in_review_row in lines


def test_the_outcomes_filters_stay_in_the_url_and_the_charts_are_drawn(page, qa_user, reviewer):
    make_cases(specs(), reviewer=reviewer)
    log_in(page, qa_user.username)
    page.goto("/operations/outcomes/")

    page.get_by_label("From").fill("2026-09-01")
    page.get_by_label("To (included)").fill("2026-12-31")
    page.get_by_label("Break down by").select_option("category")
    page.get_by_role("button", name="Show").click()

    expect(page).to_have_url(
        "/operations/outcomes/?start=2026-09-01&end=2026-12-31&dimension=category", ignore_case=True
    )
    expect(page.locator("canvas[data-chart='category']")).to_have_attribute("data-drawn", "2")
    page.screenshot(path="/tmp/operations-outcomes.png", full_page=True)
