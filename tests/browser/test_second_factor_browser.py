"""In Chromium, with the Content-Security-Policy in force: log-in with the second factor, setting one up from the
Security page through the mailed set-up link, and the policy blocking an injected inline script (which the page
fixture then reports)."""

from __future__ import annotations

import base64
import re

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import CspReport
from core.models import OutboxEmail
from tests.conftest import log_in, wait_for

pytestmark = pytest.mark.browser


def code(key: bytes) -> str:
    return f"{totp(key):06d}"


def test_an_administrator_logs_in_with_password_then_authenticator_code(page, admin_user, settings):
    settings.IMR_OTP_ENFORCED = True
    device = TOTPDevice.objects.create(user=admin_user, name="Authenticator app", confirmed=True)

    log_in(page, admin_user.username)

    assert page.url.endswith("/accounts/second-factor/?next=%2F")
    assert page.get_by_role("heading", name="Second factor").is_visible()
    page.get_by_label("Code").fill(code(device.bin_key))
    page.get_by_role("button", name="Verify").click()
    page.wait_for_load_state("networkidle")
    assert page.url.endswith("/cases/")
    assert page.get_by_role("heading", name=re.compile("Cases")).first.is_visible()


def test_qa_sets_up_the_authenticator_from_the_qr_page_and_sees_recovery_codes(page, qa_user, settings):
    settings.IMR_OTP_ENFORCED = True

    log_in(page, qa_user.username)
    page.goto("/cases/qa/")
    assert "/accounts/security/" in page.url
    assert page.get_by_text("Your role requires one: set it up to go on.").is_visible()
    # The password alone sets up nothing: the set-up link goes to the user's own address, through the outbox.
    page.goto("/accounts/security/authenticator/")
    assert page.url.endswith("/accounts/security/")
    page.get_by_role("button", name="Send me a set-up link").click()
    assert page.get_by_text("We sent a set-up link to your e-mail address.").is_visible()
    email = OutboxEmail.objects.get(template_key="second_factor_enrolment")
    assert email.to == [qa_user.email]
    page.goto(re.search(r"https?://[^/\s]+(/\S+/enrol/\S+/)", email.body).group(1))
    assert page.locator(".totp-qr svg").is_visible()
    box = page.locator(".totp-qr").bounding_box()
    assert box["width"] >= 200  # scannable: the CSS (not an inline style) sizes it
    secret = page.locator("#totp-secret").inner_text().replace(" ", "")
    page.get_by_label("Code from your app").fill(code(base64.b32decode(secret)))
    page.get_by_role("button", name="Confirm").click()

    assert page.get_by_role("heading", name="Your recovery codes").is_visible()
    assert page.locator("#recovery-codes li").count() == 10
    page.goto("/cases/qa/")
    assert page.url.endswith("/cases/qa/")


def test_the_policy_blocks_an_injected_inline_script_and_the_fixture_sees_it(page, reviewer):
    log_in(page, reviewer.username)

    page.evaluate(
        "() => { const s = document.createElement('script'); s.textContent = 'window.__ran = 1'; "
        "document.body.appendChild(s); }"
    )

    assert page.evaluate("() => window.__ran === undefined") is True
    wait_for(lambda: len(page.csp_violations) == 2, timeout=5)
    event, console = sorted(page.csp_violations, key=lambda text: text.startswith("console: "))
    assert event == "script-src-elem | inline |  | 1 | /cases/mine/"
    assert console.startswith(
        "console: Executing inline script violates the following Content Security Policy directive 'script-src 'self''."
    )
    assert wait_for(lambda: CspReport.objects.filter(directive="script-src-elem").first(), timeout=10).count == 1
    page.csp_violations.clear()  # seen: the fixture would fail the test otherwise
