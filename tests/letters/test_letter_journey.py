"""Browser: QA approves, the letter appears in the letter center, staff download it, the download verifies."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cases.models import Case, Determination
from tests import factories
from tests.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_qa_approves_staff_download_the_signed_letter_and_it_verifies(page, qa_user, staff_user, reviewer, tmp_path):
    case = factories.determined_case(reviewer=reviewer)
    # Put the determination back in QA's hands: submitted, waiting for approval.
    Case.objects.filter(pk=case.pk).update(status="qa", decision_date=None)
    Determination.objects.filter(case=case).update(state="submitted", submitted_at=timezone.now())

    log_in(page, "qa")
    page.goto(f"/cases/{case.case_number}/qa/")
    page.get_by_role("button", name="Approve").click()
    expect(page.get_by_text(f"{case.case_number} approved")).to_be_visible()
    page.get_by_role("button", name="Log out").click()

    log_in(page, "staff")
    page.get_by_role("link", name="Letters").click()
    row = page.locator("tr", has_text=case.case_number).filter(has_text="Parties' letter")
    expect(row).to_be_visible()
    with page.expect_download() as download_info:
        row.get_by_role("link", name="Download").click()
    path = tmp_path / "letter.pdf"
    download_info.value.save_as(path)
    assert download_info.value.suggested_filename == f"{case.case_number}-parties-v1.pdf"

    page.get_by_role("button", name="Log out").click()
    page.goto("/letters/verify/")
    page.get_by_label("Letter (PDF file)").set_input_files(str(path))
    page.get_by_role("button", name="Verify").click()
    expect(page.locator("#verdict h2")).to_have_text("Authentic and current")
    expect(page.locator("#verdict")).to_contain_text(re.compile(f"{case.case_number}, parties' letter, version 1"))
