"""Setting up the second factor needs more than the password (issue 20, finding 9): a set-up link mailed through the
outbox to the account's own address, used once, by that account, before it expires."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.models import OutboxEmail


def code_for(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def log_in(client, username: str):
    response = client.post(reverse("login"), {"username": username, "password": "demo-password"})
    assert response.status_code == 302
    return response


def mailed_link(user) -> str:
    email = OutboxEmail.objects.filter(template_key="second_factor_enrolment", to=[user.email]).latest("pk")
    return re.search(r"https?://\S+/enrol/\S+/", email.body).group(0)


@pytest.fixture
def enforced(settings):
    settings.IMR_OTP_ENFORCED = True
    settings.IMR_PUBLIC_BASE_URL = "https://imr.example.org"


def test_the_password_alone_no_longer_sets_up_an_authenticator(client, admin_user, enforced):
    log_in(client, admin_user.username)

    page = client.get(reverse("accounts:totp_setup"))
    posted = client.post(reverse("accounts:totp_setup"), {"token": "123456"})

    assert page.status_code == 302
    assert page["Location"] == reverse("accounts:security")
    assert posted.status_code == 302
    assert TOTPDevice.objects.filter(user=admin_user).count() == 0  # no secret was ever shown
    security = client.get(reverse("accounts:security")).content.decode()
    assert "Send me a set-up link" in security


def test_an_administrator_sets_up_the_authenticator_through_the_link_mailed_to_their_own_address(
    client, admin_user, enforced
):
    log_in(client, admin_user.username)

    asked = client.post(reverse("accounts:enrolment_request"), follow=True)

    assert "We sent a set-up link to your e-mail address" in asked.content.decode()
    email = OutboxEmail.objects.get(template_key="second_factor_enrolment")
    assert email.to == [admin_user.email]
    link = mailed_link(admin_user)
    assert link.startswith("https://imr.example.org/accounts/security/authenticator/enrol/")
    opened = client.get(link.removeprefix("https://imr.example.org"))
    assert opened.status_code == 302
    assert opened["Location"] == reverse("accounts:totp_setup")
    assert client.get(reverse("accounts:totp_setup")).status_code == 200
    device = TOTPDevice.objects.get(user=admin_user, confirmed=False)

    confirmed = client.post(reverse("accounts:totp_setup"), {"token": code_for(device)})

    assert confirmed.status_code == 200
    assert "Your recovery codes" in confirmed.content.decode()
    device.refresh_from_db()
    assert device.confirmed is True
    assert client.get(reverse("cases:list")).status_code == 200


def test_the_link_works_once_for_its_own_account_before_it_expires(client, admin_user, qa_user, enforced):
    log_in(client, admin_user.username)
    client.post(reverse("accounts:enrolment_request"))
    path = mailed_link(admin_user).removeprefix("https://imr.example.org")

    anonymous = Client().get(path)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith(reverse("login"))
    other = Client()
    log_in(other, qa_user.username)
    assert other.get(path).status_code == 400  # another account's link
    assert other.get(reverse("accounts:totp_setup")).status_code == 302

    assert client.get(path).status_code == 302
    second_time = client.get(path)
    assert second_time.status_code == 400
    assert "This set-up link is not valid" in second_time.content.decode()

    late = Client()
    log_in(late, admin_user.username)
    late.post(reverse("accounts:enrolment_request"))
    from accounts.models import SecondFactorEnrolment

    SecondFactorEnrolment.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert late.get(mailed_link(admin_user).removeprefix("https://imr.example.org")).status_code == 400
    assert late.get(reverse("accounts:totp_setup")).status_code == 302


def test_a_user_without_an_e_mail_address_is_told_to_ask_an_administrator(client, admin_user, enforced):
    admin_user.email = ""
    admin_user.save()
    log_in(client, admin_user.username)

    asked = client.post(reverse("accounts:enrolment_request"), follow=True)

    assert "Your account has no e-mail address" in asked.content.decode()
    assert OutboxEmail.objects.count() == 0


def test_set_up_links_are_limited_per_hour(client, admin_user, enforced):
    log_in(client, admin_user.username)

    for _ in range(4):
        client.post(reverse("accounts:enrolment_request"))

    assert OutboxEmail.objects.filter(template_key="second_factor_enrolment").count() == 3
