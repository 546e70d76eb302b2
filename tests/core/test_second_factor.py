"""The second factor through HTTP: log-in, the code from the authenticator (computed from the device key as the app
would), recovery codes, set-up on the Security page, and who must pass it when."""

from __future__ import annotations

import re

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.checks import check_security_settings
from tests import factories


def code_for(device: TOTPDevice) -> str:
    """The code the authenticator app shows now."""
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def wrong_code(device: TOTPDevice) -> str:
    return "000000" if code_for(device) != "000000" else "111111"


def confirmed_device(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)


def recovery_codes(user, *codes: str) -> StaticDevice:
    device = StaticDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
    for code in codes:
        StaticToken.objects.create(device=device, token=code)
    return device


def open_set_up_link(client, user) -> None:
    """Ask for the set-up link on the Security page and open it from the e-mail in the outbox, as the user would."""
    from core.models import OutboxEmail

    client.post(reverse("accounts:enrolment_request"))
    body = OutboxEmail.objects.filter(template_key="second_factor_enrolment", to=[user.email]).latest("pk").body
    link = re.search(r"https?://[^/\s]+(/\S+/enrol/\S+/)", body).group(1)
    assert client.get(link)["Location"] == reverse("accounts:totp_setup")


def log_in(client, username: str, next_url: str = ""):
    data = {"username": username, "password": "demo-password"}
    if next_url:
        data["next"] = next_url
    return client.post(reverse("login"), data)


@pytest.fixture
def enforced(settings):
    settings.IMR_OTP_ENFORCED = True
    return settings


def test_an_administrator_passes_the_second_factor_after_the_password_and_the_session_is_rotated_each_time(
    client, admin_user, enforced
):
    device = confirmed_device(admin_user)
    client.get(reverse("login"))
    session = client.session
    session["before"] = "log-in"
    session.save()
    anonymous_key = client.cookies["sessionid"].value

    response = log_in(client, admin_user.username, next_url="/cases/")

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:second_factor") + "?next=%2Fcases%2F"
    password_key = client.cookies["sessionid"].value
    assert password_key != anonymous_key
    assert not Session.objects.filter(session_key=anonymous_key).exists()
    # Password alone opens nothing: every page sends the user to the second factor.
    blocked = client.get("/cases/")
    assert blocked.status_code == 302
    assert blocked["Location"].startswith(reverse("accounts:second_factor") + "?next=")

    wrong = client.post(response["Location"], {"token": wrong_code(device)})
    assert wrong.status_code == 200
    assert "That code is not right" in wrong.content.decode()

    device.refresh_from_db()
    device.throttling_failure_count = 0  # the wrong code's wait (1 s) is tested below
    device.save()
    right = client.post(response["Location"], {"token": code_for(device)})

    assert right.status_code == 302
    assert right["Location"] == "/cases/"
    verified_key = client.cookies["sessionid"].value
    assert verified_key not in {anonymous_key, password_key}
    assert not Session.objects.filter(session_key=password_key).exists()
    assert client.get("/cases/").status_code == 200
    assert list(admin_user.signed_in_sessions.values_list("session_key", flat=True)) == [verified_key]


def test_a_wrong_code_makes_the_next_one_wait(client, qa_user, enforced):
    device = confirmed_device(qa_user)
    log_in(client, qa_user.username)
    client.post(reverse("accounts:second_factor"), {"token": wrong_code(device)})

    response = client.post(reverse("accounts:second_factor"), {"token": code_for(device)})

    assert response.status_code == 200
    assert "Too many wrong codes: wait a few seconds" in response.content.decode()
    assert client.get(reverse("cases:qa_queue")).status_code == 302


def test_a_recovery_code_opens_the_account_once(client, admin_user, enforced):
    confirmed_device(admin_user)
    recovery_codes(admin_user, "abcd2345ef", "ghij6789kl")
    log_in(client, admin_user.username)

    response = client.post(reverse("accounts:second_factor"), {"token": "ABCD 2345 EF"}, follow=True)

    assert response.redirect_chain[0] == (reverse("home"), 302)
    assert "You used a recovery code; 1 left." in response.content.decode()
    assert list(StaticToken.objects.values_list("token", flat=True)) == ["ghij6789kl"]
    client.post(reverse("logout"))
    log_in(client, admin_user.username)
    again = client.post(reverse("accounts:second_factor"), {"token": "abcd2345ef"})
    assert again.status_code == 200
    assert "That code is not right" in again.content.decode()


def test_setting_up_the_authenticator_on_the_security_page_shows_a_qr_code_and_recovery_codes_once(client, reviewer):
    log_in(client, reviewer.username)
    page = client.get(reverse("accounts:security"))
    assert "No second factor is set up" in page.content.decode()
    open_set_up_link(client, reviewer)

    setup = client.get(reverse("accounts:totp_setup"))
    body = setup.content.decode()
    assert setup.status_code == 200
    assert "<svg" in body and 'viewBox="0 0' in body
    secret = re.search(r'<code id="totp-secret">([A-Z2-7 ]+)</code>', body).group(1).replace(" ", "")
    device = TOTPDevice.objects.get(user=reviewer, confirmed=False)
    import base64

    assert base64.b32decode(secret) == device.bin_key
    assert "otpauth://" not in body  # the secret is in the QR code and the text, not in a link
    assert client.post(reverse("accounts:totp_setup"), {"token": "12345"}).status_code == 200  # five digits: refused

    confirm = client.post(reverse("accounts:totp_setup"), {"token": code_for(device)})

    body = confirm.content.decode()
    assert confirm.status_code == 200
    shown = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", body)
    assert len(shown) == 10
    assert sorted(shown) == sorted(StaticToken.objects.filter(device__user=reviewer).values_list("token", flat=True))
    device.refresh_from_db()
    assert device.confirmed is True
    assert confirm["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"
    after = client.get(reverse("accounts:security")).content.decode()
    assert "An authenticator app is set up" in after
    assert "Recovery codes left: <strong>10</strong>" in after
    assert not any(code in after for code in shown)  # shown once, never again


def test_whoever_set_up_a_second_factor_is_asked_for_it_under_development_settings_too(client, reviewer):
    confirmed_device(reviewer)

    response = log_in(client, reviewer.username)

    assert response["Location"] == reverse("accounts:second_factor") + "?next=%2F"
    assert client.get(reverse("cases:my_cases")).status_code == 302


def test_under_development_settings_the_demo_administrator_logs_in_with_a_password_and_the_page_says_so(
    client, admin_user
):
    login_page = client.get(reverse("login")).content.decode()
    assert "Development settings: the second factor is optional here" in login_page

    response = log_in(client, admin_user.username)

    assert response["Location"] == reverse("home")
    assert client.get(reverse("cases:list")).status_code == 200
    security = client.get(reverse("accounts:security")).content.decode()
    assert (
        "Development settings: the second factor is\n    optional for everyone here, the demo users included."
        in security
    )
    assert "(you included)" in security


def test_when_enforced_an_administrator_without_an_authenticator_must_set_one_up_first(client, admin_user, enforced):
    log_in(client, admin_user.username)

    blocked = client.get(reverse("cases:list"))

    assert blocked.status_code == 302
    assert blocked["Location"] == reverse("accounts:security") + "?next=/cases/"
    page = client.get(reverse("accounts:security")).content.decode()
    assert "Your role requires one: set it up to go on." in page
    assert "Development settings" not in page
    assert client.get(reverse("accounts:totp_setup"))["Location"] == reverse("accounts:security")  # not yet
    open_set_up_link(client, admin_user)
    assert client.get(reverse("accounts:totp_setup")).status_code == 200
    # A reviewer is not in IMR_OTP_REQUIRED_ROLES: the password is enough.
    other = client.__class__()
    reviewer = factories.UserFactory(username="rev-x")
    from django.contrib.auth.models import Group

    from core import roles

    reviewer.groups.add(Group.objects.get_or_create(name=roles.REVIEWER)[0])
    log_in(other, "rev-x")
    assert other.get(reverse("cases:my_cases")).status_code == 200


def test_an_enforced_role_cannot_remove_its_second_factor_but_others_can_with_a_current_code(
    client, qa_user, reviewer, enforced
):
    device = confirmed_device(qa_user)
    log_in(client, qa_user.username)
    client.post(reverse("accounts:second_factor"), {"token": code_for(device)})
    response = client.post(reverse("accounts:totp_remove"), {"token": "123456"}, follow=True)
    assert "Your role requires a second factor: it cannot be removed." in response.content.decode()
    assert TOTPDevice.objects.filter(user=qa_user).count() == 1

    other = client.__class__()
    own = confirmed_device(reviewer)
    log_in(other, reviewer.username)
    other.post(reverse("accounts:second_factor"), {"token": code_for(own)})
    own.refresh_from_db()
    own.last_t = -1  # the same 30-second code again: the app would show the next one
    own.save()
    removed = other.post(reverse("accounts:totp_remove"), {"token": code_for(own)}, follow=True)
    assert "The second factor is removed" in removed.content.decode()
    assert TOTPDevice.objects.filter(user=reviewer).count() == 0


def test_production_settings_must_keep_the_second_factor_for_administrators_and_qa(settings):
    settings.PRODUCTION = True
    settings.IMR_OTP_REQUIRED_ROLES = ["Administrators"]

    problems = check_security_settings(None)

    assert [(problem.id, problem.msg) for problem in problems] == [
        (
            "accounts.E001",
            "IMR_OTP_REQUIRED_ROLES leaves out Clinical QA: production requires the second factor of administrators "
            "and clinical QA.",
        )
    ]


def test_setting_up_the_authenticator_logs_out_the_sessions_opened_with_the_password_alone(reviewer):
    from django.test import Client

    here, elsewhere = Client(), Client()
    log_in(here, reviewer.username)
    log_in(elsewhere, reviewer.username)
    open_set_up_link(here, reviewer)
    here.get(reverse("accounts:totp_setup"))
    device = TOTPDevice.objects.get(user=reviewer)

    here.post(reverse("accounts:totp_setup"), {"token": code_for(device)})

    assert here.get(reverse("cases:my_cases")).status_code == 200
    assert elsewhere.get(reverse("cases:my_cases"))["Location"] == reverse("login") + "?next=/cases/mine/"
    log_in(elsewhere, reviewer.username)
    assert elsewhere.get(reverse("cases:my_cases"))["Location"].startswith(reverse("accounts:second_factor"))


def test_after_an_administrator_resets_a_lost_authenticator_an_enforced_user_sets_up_a_new_one(
    client, qa_user, enforced
):
    device = confirmed_device(qa_user)
    log_in(client, qa_user.username)
    device.delete()  # Admin > TOTP devices > delete

    asked = client.get(reverse("cases:qa_queue"), follow=True)

    assert [url for url, _ in asked.redirect_chain] == [
        reverse("accounts:second_factor") + "?next=/cases/qa/",
        reverse("accounts:security"),
    ]
    assert "Your role requires one: set it up to go on." in asked.content.decode()
