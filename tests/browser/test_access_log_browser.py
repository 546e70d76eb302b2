"""An administrator finds in real Chromium (the CSP in force) who opened a case: on the case page, then on the
access log page searched by user, with the CSV export of the same selection."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.conftest import log_in
from tests.factories import case_in_review

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_administrator_sees_who_opened_a_case_and_exports_it(page, admin_user, reviewer):
    case = case_in_review(reviewer, documents=1)
    log_in(page, reviewer.username)
    page.goto(f"/cases/{case.case_number}/workspace/")
    page.wait_for_load_state("networkidle")
    page.context.clear_cookies()

    log_in(page, admin_user.username)
    page.goto(f"/cases/{case.case_number}/")
    section = page.locator("section", has=page.get_by_role("heading", name="Who accessed this case"))
    expect(section).to_contain_text("reviewer1")
    expect(section).to_contain_text("Read · Workspace")

    page.get_by_role("link", name="Access log").first.click()
    page.get_by_label("User name").fill("reviewer1")
    page.get_by_role("button", name="Search").click()
    rows = page.locator("#access-table tbody tr")
    # The workspace, then its decision support (one request for all the items), each a row of its own.
    expect(rows.filter(has_text="Workspace")).to_have_count(1)
    expect(rows.first).to_contain_text("decision support")
    expect(page.locator("#access-table")).not_to_contain_text("intake")
    with page.expect_download() as download:
        page.get_by_role("link", name="Export CSV").click()
    content = Path(download.value.path()).read_text(encoding="utf-8")
    assert content.splitlines()[0].startswith("at,username,kind,action")
    assert "reviewer1" in content and ",intake," not in content
