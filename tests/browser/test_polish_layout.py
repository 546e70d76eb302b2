"""The layout at the widths people use, in real Chromium: the navigation on one line at 1280 and 1366 px, the letter
center within an 800 px window, the workspace's records before its Submit button at 800 px. Each run saves the
screens of docs/screens/ named in docs/screens/README.md."""

from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from core import roles
from letters import services
from letters.models import Service
from tests.conftest import log_in
from tests.factories import case_in_review, determined_case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENS = Path(__file__).resolve().parents[2] / "docs" / "screens"


def _every_link(user):
    """An administrator who is also clinical QA and staff: the longest navigation there is."""
    for role in (roles.QA, roles.STAFF):
        user.groups.add(Group.objects.get_or_create(name=role)[0])
    user.is_staff = True
    user.save(update_fields=["is_staff"])


@pytest.mark.parametrize("width", [1200, 1280, 1366])
def test_the_navigation_holds_on_one_line(page, admin_user, width):
    _every_link(admin_user)
    page.set_viewport_size({"width": width, "height": 800})
    log_in(page, admin_user.username)
    page.goto("/cases/")

    nav = page.locator("nav.portal-nav").bounding_box()
    link = page.locator("nav.portal-nav .nav-link").first.bounding_box()
    tops = page.locator("nav.portal-nav .nav-link, nav.portal-nav .navbar-text, nav.portal-nav .btn").evaluate_all(
        "nodes => nodes.map(node => node.getBoundingClientRect()).map(box => Math.round(box.top + box.height / 2))"
    )

    assert max(tops) - min(tops) <= 2, tops  # every link, the name and the buttons on one line
    assert nav["height"] < 2 * link["height"] + 16


def test_the_case_list_fits_800_and_1280(page, admin_user):
    for number in range(3):
        determined_case(case_number=f"CM26-000010{number}")
    log_in(page, admin_user.username)
    for width in (1280, 800):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto("/cases/")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.screenshot(path=str(SCREENS / f"case-list-{width}.png"), full_page=True)


def test_the_letter_center_fits_an_800_pixel_window(page, staff_user, qa_user):
    for number in range(3):
        case = determined_case(qa=qa_user, case_number=f"CM26-000020{number}")
        parties, _ = services.generate_letters(case)
        if number == 0:
            Service.objects.create(letter=parties, served_on=timezone.localdate(), method="mail", by=staff_user)
    log_in(page, staff_user.username)
    for width in (1280, 800):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto("/letters/")

        assert page.evaluate("document.documentElement.scrollWidth") <= width
        assert page.evaluate("document.querySelector('#letter-table').getBoundingClientRect().right") <= width
        page.screenshot(path=str(SCREENS / f"letter-center-{width}.png"), full_page=True)


def test_the_workspace_at_800_pixels_shows_the_records_before_the_submit_button(page, reviewer):
    case = case_in_review(reviewer, items=1, documents=1)
    log_in(page, reviewer.username)
    page.set_viewport_size({"width": 800, "height": 1000})
    page.goto(f"/cases/{case.case_number}/workspace/")
    page.wait_for_load_state("networkidle")

    records = page.locator("#records-pane, [aria-label='Records'], .records-pane").first.bounding_box()
    submit = page.locator("#submit-button").bounding_box()

    assert records["y"] < submit["y"]
    assert page.evaluate("document.documentElement.scrollWidth") <= 800
    page.screenshot(path=str(SCREENS / "workspace-800.png"), full_page=True)
