"""Real Chromium typing dates the way the letters write them: the browser's own date box turned a typed "95" into the
year 0095 (and the form took it); the portal's date field is a text box read by core.dates."""

import datetime

import pytest

from cases.models import Case
from tests.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_dates_typed_with_two_digit_years_at_intake_are_stored_as_the_years_meant(page, admin_user):
    log_in(page, admin_user.username)
    page.goto("/cases/new/")
    page.get_by_label("Priority").select_option("standard")
    for label, typed in [
        ("Date of injury", "7/14/95"),
        ("UR determination date", "6/16/14"),
        ("Application received", "6/18/14"),
    ]:
        page.get_by_label(label).press_sequentially(typed)
    page.get_by_label("Employee name").fill("Seed Letter Worker")
    page.get_by_label("Disputed item (as requested)").fill("12 initial Physical Therapy for the right upper leg")
    page.get_by_label("Category").select_option("Therapies")
    page.get_by_role("button", name="Save case").click()
    page.wait_for_url("**/cases/CM*/")

    case = Case.objects.get()
    assert (case.date_of_injury, case.ur_determination_date, case.application_received) == (
        datetime.date(1995, 7, 14),
        datetime.date(2014, 6, 16),
        datetime.date(2014, 6, 18),
    )


def test_a_date_before_the_injury_is_refused_at_its_field_in_the_browser(page, admin_user):
    log_in(page, admin_user.username)
    page.goto("/cases/new/")
    page.get_by_label("Date of injury").press_sequentially("7/14/15")
    page.get_by_label("UR determination date").press_sequentially("6/16/14")
    page.get_by_label("Employee name").fill("Seed Letter Worker")
    page.get_by_label("Disputed item (as requested)").fill("12 initial Physical Therapy for the right upper leg")
    page.get_by_label("Category").select_option("Therapies")
    page.get_by_role("button", name="Save case").click()

    feedback = page.locator("#id_ur_determination_date_error")
    assert feedback.inner_text().strip() == (
        "The UR determination cannot be before the date of injury. The date of injury is 07/14/2015."
    )
    assert page.get_by_label("UR determination date").input_value() == "6/16/14"
    assert Case.objects.count() == 0
