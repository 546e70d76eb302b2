"""Correspondence staff record service in real Chromium from the letter's own addressees: ticked boxes with their
addresses, a method for each, a message at the field when nothing is ticked, then the printable proof of service.

Saves docs/screens/service-form.png and docs/screens/proof-of-service.png (listed in docs/screens/README.md)."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from cases.lifecycle import Status
from letters import services
from letters.models import ServiceRecipient
from tests.conftest import log_in
from tests.factories import determined_case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENS = Path(__file__).resolve().parents[2] / "docs" / "screens"


def test_staff_serve_the_ticked_addressees_each_by_its_method_and_print_the_proof(page, staff_user, qa_user):
    case = determined_case(qa=qa_user)
    case.employee_address = "12 Elm Street\nFresno, CA 93701"
    case.save(update_fields=["employee_address"])
    case.claims_administrator.address_lines = "PO Box 4000\nSacramento, CA 95812"
    case.claims_administrator.fax = "916-555-0100"  # fax service needs a fax number on file
    case.claims_administrator.save(update_fields=["address_lines", "fax"])
    parties, public = services.generate_letters(case)

    log_in(page, staff_user.username)
    page.goto("/letters/")
    page.get_by_role("link", name=f"Record service of {case.case_number}").click()
    form = page.locator(f"#serve-{parties.pk}")
    expect(form).to_be_visible()
    expect(page.locator(f"#serve-{public.pk}")).to_have_count(0)  # the public copy is not served
    boxes = form.get_by_role("checkbox")
    expect(boxes).to_have_count(3)
    # Ticked: the addressees with an address; the employer (none on file) is offered but not ticked.
    assert [boxes.nth(index).is_checked() for index in range(3)] == [True, True, False]
    expect(form).to_contain_text("PO Box 4000")

    # Nothing ticked: said at the field, the boxes marked, nothing saved.
    for index in range(3):
        boxes.nth(index).uncheck()
    form.get_by_role("button", name="Record service").click()
    form = page.locator(f"#serve-{parties.pk}")
    expect(form.locator("#recipients-error")).to_have_text("Tick at least one addressee who was served.")
    expect(form.get_by_role("group", name="Served on these addressees")).to_have_attribute(
        "aria-describedby", "recipients-error"
    )
    assert "This field is required" not in page.content()
    assert ServiceRecipient.objects.count() == 0

    form.get_by_label(f"Injured worker: {case.employee_name}").check()
    form.get_by_label(f"Claims administrator: {case.claims_administrator}").check()
    form.get_by_label(f"Method for {case.claims_administrator}").select_option("fax")
    expect(form.locator("#recipients-error")).to_have_count(0)  # answered
    page.set_viewport_size({"width": 1280, "height": 900})
    SCREENS.mkdir(parents=True, exist_ok=True)
    form.screenshot(path=str(SCREENS / "service-form.png"))
    form.get_by_role("button", name="Record service").click()

    expect(page.get_by_role("status").first).to_contain_text("on 2 addressees recorded")
    served = list(ServiceRecipient.objects.order_by("service__pk", "position").values_list("service__method", "key"))
    assert served == [("mail", "employee"), ("fax", "claims_administrator")]
    case.refresh_from_db()
    assert case.status == Status.SERVED

    page.get_by_role("link", name="Proof of service").click()
    expect(page.get_by_role("heading", name="Proof of service")).to_be_visible()
    rows = page.locator("#proof-table tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text(case.employee_name)
    expect(rows.nth(0)).to_contain_text("Mail")
    expect(rows.nth(1)).to_contain_text("Fax: 916-555-0100")  # the number used, not the postal address
    expect(rows.nth(1)).not_to_contain_text("PO Box 4000")
    expect(rows.nth(1)).to_contain_text(" PST by Sam Postlethwaite")
    expect(page.get_by_role("button", name="Print this proof of service")).to_be_visible()
    page.emulate_media(media="print")
    expect(page.locator("nav.portal-nav")).to_be_hidden()
    page.screenshot(path=str(SCREENS / "proof-of-service.png"), full_page=True)


def test_the_case_page_shows_the_letter_signed_without_a_reload(page, admin_user, qa_user):
    case = determined_case(qa=qa_user)
    log_in(page, admin_user.username)
    page.goto(case.get_absolute_url())
    progress = page.locator("#letter-progress")
    expect(progress).to_contain_text("Queued: the letter is being rendered and signed.")
    page.evaluate("window.__sameDocument = true")  # gone if the page reloads

    services.generate_letters(case)  # as the letter worker would, while the page stays open

    expect(progress.locator("li")).to_have_count(2, timeout=15_000)
    expect(progress).to_contain_text("Parties' letter v1: signed")
    expect(page.locator("#letter-status")).to_have_attribute("data-state", "done")
    assert page.evaluate("window.__sameDocument") is True
