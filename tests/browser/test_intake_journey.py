"""Real headless Chromium against a live server: log in, open the case list, enter the seed letter's case."""

import pytest

from cases.models import Case
from tests.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_administrator_logs_in_and_opens_the_case_list(page, admin_user):
    log_in(page, admin_user.username)
    page.goto("/cases/")
    assert page.get_by_role("heading", name="Cases").is_visible()
    assert page.locator("#case-table").is_visible()


def test_a_wrong_password_is_refused_with_a_message(page, admin_user):
    log_in(page, admin_user.username, password="wrong")
    assert "Please enter a correct username and password" in page.content()


def test_the_seed_letters_case_is_entered_through_intake_and_found_in_the_list_and_on_its_page(page, admin_user):
    """The 2014 seed letter: the 57-year-old worker injured 7/14/95, 12 physical therapy visits."""
    log_in(page, admin_user.username)
    page.goto("/cases/new/")
    page.get_by_label("Priority").select_option("standard")
    page.get_by_label("Claim number").fill("SEED-2014-001")
    page.get_by_label("Date of injury").fill("1995-07-14")
    page.get_by_label("UR determination date").fill("2014-06-16")
    page.get_by_label("Application received").fill("2014-06-18")
    page.get_by_label("Employee name").fill("Seed Letter Worker")
    page.get_by_label("Employee age").fill("57")
    page.get_by_label("Requesting provider's specialty").fill("Physical Medicine & Rehabilitation")
    page.get_by_label("Diagnosis", exact=True).fill("Displacement of lumbar intervertebral disc without myelopathy")
    # First a typo in the ICD-10 code: the form says what and where and keeps everything typed.
    page.get_by_label("ICD-10-CM code").fill("M51.2X")
    page.get_by_label("Disputed item (as requested)").fill(
        "12 initial Physical Therapy for the right upper leg, 2 times a week for 6 weeks, as an outpatient"
    )
    page.get_by_label("Category").select_option("Therapies")
    page.get_by_role("button", name="Save case").click()
    assert "M51.2X is not an ICD-10-CM code" in page.content()
    assert page.get_by_label("Employee name").input_value() == "Seed Letter Worker"
    assert Case.objects.count() == 0
    page.get_by_label("ICD-10-CM code").fill("M51.26")
    page.get_by_role("button", name="Save case").click()
    page.wait_for_url("**/cases/CM*/")
    case = Case.objects.get()
    assert page.get_by_role("heading", name=case.case_number).is_visible()
    assert "12 initial Physical Therapy for the right upper leg" in page.content()
    assert "07/14/1995" in page.content()

    page.goto("/cases/")
    page.get_by_label("Search").fill("Seed Letter Worker")
    page.get_by_role("button", name="Filter").click()
    row = page.locator("#case-table tbody tr")
    assert row.count() == 1
    assert case.case_number in row.inner_text()
    row.get_by_role("link", name=case.case_number).click()
    assert page.url.endswith(case.get_absolute_url())
