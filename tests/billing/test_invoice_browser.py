"""Billing in real Chromium with the Content-Security-Policy in force (the ``page`` fixture fails the test on any
violation): an administrator makes November's invoices, opens Acme's, reads its lines and total, sends it and
records its payment."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from billing.models import Invoice
from tests.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_month_invoice_page_shows_its_lines_and_total_and_takes_a_payment(page, admin_user, acme, november_cases):
    billed, not_billed = november_cases
    log_in(page, admin_user.username)

    page.goto("/billing/invoices/")
    page.get_by_label("Month (YYYY-MM)").fill("2026-11")
    page.get_by_role("button", name="Make the month's invoices").click()
    invoice = Invoice.objects.get(claims_administrator=acme)
    page.get_by_role("link", name=invoice.number).click()

    expect(page.get_by_role("heading", name=f"Invoice {invoice.number}")).to_be_visible()
    lines = page.locator("#invoice-lines tbody tr")
    expect(lines).to_have_count(len(billed) + 1)  # a line a case, then the total
    expect(lines.last.locator("td")).to_have_text("$2935.00")
    for case in billed.values():
        expect(page.locator("#invoice-lines")).to_contain_text(case.case_number)
    for case in not_billed.values():
        expect(page.locator("#invoice-lines")).not_to_contain_text(case.case_number)
    page.screenshot(path="/tmp/billing-invoice.png", full_page=True)

    page.get_by_role("button", name="Send").click()
    expect(page.locator("#invoice-status")).to_have_text("Sent")
    form = page.locator("#record-payment")
    form.get_by_label("Amount").fill("2935.00")
    today = timezone.localdate()
    form.get_by_label("Received on").fill(f"{today.month}/{today.day}/{today.year}")
    form.get_by_role("button").click()
    expect(page.locator("#invoice-status")).to_have_text("Paid")
    assert Invoice.objects.get(pk=invoice.pk).outstanding == 0
