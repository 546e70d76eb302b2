"""Log-in throttling (django-axes) through the log-in form: lock-out by user name and by address, the same answer
for unknown users, unlocking by an administrator, and the throttled password-reset form."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.core import mail
from django.urls import reverse

LOCKED = "Too many failed log-ins for this user name or from this address."


def attempt(client, username: str, password: str = "wrong-password", address: str = "203.0.113.7"):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address, HTTP_USER_AGENT="test"
    )


def without_tokens(body: bytes) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", body.decode())


def test_five_wrong_passwords_lock_the_user_name_until_the_cool_off_ends(client, reviewer, settings):
    responses = [attempt(client, reviewer.username) for _ in range(4)]
    assert [response.status_code for response in responses] == [200] * 4
    assert LOCKED not in responses[-1].content.decode()

    fifth = attempt(client, reviewer.username)
    right_password = attempt(client, reviewer.username, "demo-password", address="198.51.100.9")

    assert fifth.status_code == 429
    assert LOCKED in fifth.content.decode()
    assert "Try again in\n  15 minutes, or ask an administrator to unlock it now." in fifth.content.decode()
    assert right_password.status_code == 429  # from another address too: the user name is locked
    assert "_auth_user_id" not in client.session
    # The cool-off passes.
    from django.utils import timezone

    AccessAttempt.objects.update(attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - timedelta(seconds=1))
    after = attempt(client, reviewer.username, "demo-password", address="198.51.100.9")
    assert after.status_code == 302
    assert int(client.session["_auth_user_id"]) == reviewer.pk


def test_five_failures_from_one_address_lock_that_address_for_every_user_name(client, reviewer, settings):
    settings.IMR_LOGIN_ADDRESS_FAILURE_LIMIT = 5  # 20 by default (tests/security/test_lockout_attacks.py)
    for number in range(5):
        attempt(client, f"guess{number}")

    response = attempt(client, reviewer.username, "demo-password")

    assert response.status_code == 429
    assert LOCKED in response.content.decode()
    elsewhere = attempt(client, reviewer.username, "demo-password", address="198.51.100.10")
    assert elsewhere.status_code == 302


def test_the_log_in_page_answers_an_unknown_user_exactly_as_a_wrong_password(client, reviewer):
    unknown = attempt(client, "nobody-by-this-name")
    wrong = attempt(client, reviewer.username, address="203.0.113.8")

    assert unknown.status_code == wrong.status_code == 200
    assert "Please enter a correct username and password." in wrong.content.decode()
    assert without_tokens(unknown.content).replace("nobody-by-this-name", "NAME") == without_tokens(
        wrong.content
    ).replace(reviewer.username, "NAME")
    for number in range(4):
        attempt(client, "nobody-by-this-name", address=f"203.0.113.{20 + number}")
        attempt(client, reviewer.username, address=f"203.0.114.{20 + number}")
    locked_unknown = attempt(client, "nobody-by-this-name", address="203.0.113.30")
    locked_known = attempt(client, reviewer.username, address="203.0.114.30")
    assert locked_unknown.status_code == locked_known.status_code == 429
    assert without_tokens(locked_unknown.content).replace("nobody-by-this-name", "NAME") == without_tokens(
        locked_known.content
    ).replace(reviewer.username, "NAME")


def test_an_administrator_unlocks_a_user_name_from_the_locked_log_ins_page(client, admin_client, reviewer, settings):
    settings.IMR_LOGIN_ADDRESS_FAILURE_LIMIT = 5  # the address is listed too
    for _ in range(5):
        attempt(client, reviewer.username)

    page = admin_client.get(reverse("accounts:lockouts")).content.decode()
    assert f'<input type="hidden" name="username" value="{reviewer.username}">' in page
    assert "203.0.113.7" in page
    response = admin_client.post(reverse("accounts:unlock"), {"username": reviewer.username}, follow=True)

    assert f"User name {reviewer.username} unlocked (1 record)." in response.content.decode()
    assert attempt(client, reviewer.username, "demo-password", address="198.51.100.11").status_code == 302


def test_only_administrators_see_and_unlock_locked_log_ins(client, reviewer):
    client.force_login(reviewer)

    assert client.get(reverse("accounts:lockouts")).status_code == 403
    assert client.post(reverse("accounts:unlock"), {"username": "x"}).status_code == 403


@pytest.fixture
def mail_backend(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.IMR_PASSWORD_RESET_PER_HOUR = 3


def test_the_password_reset_form_sends_at_most_its_hourly_limit_and_then_says_so(client, reviewer, mail_backend):
    answers = [
        client.post(reverse("password_reset"), {"email": reviewer.email}, REMOTE_ADDR=f"192.0.2.{n}") for n in range(4)
    ]

    assert [answer.status_code for answer in answers] == [302, 302, 302, 429]
    assert len(mail.outbox) == 3
    assert "Too many password-reset requests from this address or for this e-mail address. No mail was sent" in (
        answers[-1].content.decode()
    )
    # From one address, for addresses that have no account: the same limit, and nothing says which exist.
    others = [client.post(reverse("password_reset"), {"email": f"x{n}@example.org"}) for n in range(4)]
    assert [answer.status_code for answer in others] == [302, 302, 302, 429]
    assert len(mail.outbox) == 3
