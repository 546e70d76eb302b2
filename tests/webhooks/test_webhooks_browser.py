"""A claims administrator's manager in Chromium: adds an endpoint with the keyboard, reads its secret, sends a test
event to a real receiver and sees it delivered with the answer code; every webhook page passes axe-core with no
violation at all (the page's own Content-Security-Policy in force for the journey)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.conftest import log_in
from tests.webhooks.conftest import manager_of, organization, readme_signature_check
from webhooks.models import Delivery, Endpoint

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parents[1] / "browser" / "vendor" / "axe.min.js"


def axe_violations(browser, live_server, cookies, paths: list[str]) -> list[str]:
    """axe-core's violations, of any impact, on each page (a context of its own that lets the injected script run)."""
    context = browser.new_context(base_url=live_server.url, bypass_csp=True, viewport={"width": 1400, "height": 900})
    context.add_cookies(cookies)
    page = context.new_page()
    found = []
    try:
        for path in paths:
            response = page.goto(path)
            assert response is not None and response.status == 200, path
            page.add_script_tag(path=str(AXE))
            violations = page.evaluate("async () => (await axe.run(document)).violations")
            found += [f"{path}: {v['id']} ({v['impact']}) {v['help']}" for v in violations]
    finally:
        context.close()
    return found


def test_a_manager_sets_up_an_endpoint_and_sees_the_test_event_delivered(page, browser, live_server, receiver):
    acme = organization("Acme Claims Services")
    manager = manager_of(acme, "acme-manager")
    log_in(page, "acme-manager")
    # Past the second factor, as every party page asks.
    device = TOTPDevice.objects.get(user=manager, confirmed=True)
    page.get_by_label("Code").fill(f"{totp(device.bin_key):06d}")
    page.get_by_role("button", name="Verify").click()
    page.wait_for_load_state("networkidle")

    page.get_by_role("link", name="Webhooks").click()
    page.get_by_role("link", name="Add an endpoint").click()
    page.get_by_label("Address of your system").fill(receiver.url)
    page.keyboard.press("Tab")
    page.keyboard.type("Claims system")
    page.get_by_label("A reviewer has taken the case (case.assigned)").focus()
    page.keyboard.press("Space")
    page.get_by_label("The determination letter is signed and ready (determination.issued)").check()
    page.get_by_role("button", name="Add the endpoint").press("Enter")
    page.wait_for_load_state("networkidle")

    endpoint = Endpoint.objects.get()
    assert (endpoint.description, endpoint.events) == ("Claims system", ["case.assigned", "determination.issued"])
    page.get_by_text("Show the signing secret").click()
    assert page.locator("#signing-secret").inner_text() == endpoint.secret

    page.get_by_role("button", name="Send a test event").click()
    page.wait_for_load_state("networkidle")
    page.reload()
    assert "Delivered" in page.locator("#delivery-status").inner_text()
    assert page.locator("#tries tbody tr").first.locator("td").nth(2).inner_text() == "200"
    request = receiver.received[0]
    assert readme_signature_check()(request.body, request.headers["imr-signature"], endpoint.secret)

    delivery = Delivery.objects.get()
    paths = [
        "/parties/webhooks/",
        "/parties/webhooks/add/",
        f"/parties/webhooks/{endpoint.pk}/",
        f"/parties/webhooks/{endpoint.pk}/change/",
        f"/parties/webhooks/deliveries/{delivery.pk}/",
    ]
    assert axe_violations(browser, live_server, page.context.cookies(), paths) == []
