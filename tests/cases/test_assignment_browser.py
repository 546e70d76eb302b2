"""Real headless Chromium: an administrator assigns a case, the reviewer accepts it with the attestation."""

import pytest

from cases.models import Assignment, Case
from cases.services import assignment
from tests.conftest import log_in
from tests.factories import reviewer_profile, specialty_fit, waiting_case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_administrator_assigns_and_the_reviewer_accepts_with_the_attestation(page, admin_user, reviewer):
    specialty_fit()
    reviewer_profile(reviewer)
    case = waiting_case(by=admin_user)

    log_in(page, admin_user.username)
    page.goto(case.get_absolute_url())
    page.get_by_role("link", name="Assign", exact=True).click()
    page.wait_for_url(f"**/cases/{case.case_number}/assign/")
    assert "Specialty fit 100% (Therapies 100%)" in page.locator("#eligible-table").inner_text()
    page.get_by_role("button", name=f"Assign to {reviewer.get_full_name()}").click()
    page.wait_for_url(f"**/cases/{case.case_number}/")
    assert "offered; the reviewer is notified" in page.content()
    page.get_by_role("button", name="Log out").click()

    log_in(page, reviewer.username)
    page.goto("/cases/mine/")
    offer = page.locator(f"#case-{case.case_number}")
    assert case.case_number in offer.inner_text()
    offer.get_by_label(assignment.attestation_text(case)).check()
    offer.get_by_role("button", name=f"Accept case {case.case_number}").click()
    page.wait_for_url(f"**/cases/{case.case_number}/")
    assert "Your attestation is recorded." in page.content()

    accepted = Assignment.objects.get(case=case)
    assert accepted.state == Assignment.State.ACCEPTED
    assert accepted.attestation_text == assignment.attestation_text(case)
    assert accepted.attested_at is not None
    assert Case.objects.get(pk=case.pk).status == "in_review"
