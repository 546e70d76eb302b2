"""The lock-out as an attacker tries it (issue 20, findings 1, 7 and 8): another user's success does not reset the
victim's count, every form that checks a password counts toward it, and behind the proxy each client is counted by
its own forwarded address."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from accounts.checks import check_security_settings

LOCKED = "Too many failed log-ins for this user name or from this address."
WRONG_OLD_PASSWORD = "Your old password was entered incorrectly."


def attempt(client, username: str, password: str = "wrong-password", address: str = "203.0.113.7", **extra):
    return client.post(
        reverse("login"),
        {"username": username, "password": password},
        REMOTE_ADDR=address,
        HTTP_USER_AGENT="test",
        **extra,
    )


# -- finding 1: the lock-out can be reset by anyone ---------------------------------------------------------------


def test_another_users_log_in_from_the_same_address_does_not_reset_the_victims_failures(
    client, reviewer, other_reviewer
):
    wrong_guesses, accomplice = [], []
    for _ in range(3):
        wrong_guesses += [attempt(client, reviewer.username).status_code for _ in range(4)]
        accomplice.append(attempt(Client(), other_reviewer.username, "demo-password").status_code)

    assert wrong_guesses == [200] * 4 + [429] * 8
    assert accomplice == [302, 302, 302]
    assert attempt(client, reviewer.username, "demo-password").status_code == 429


def test_a_users_own_log_in_clears_their_own_failures_from_that_address_only(client, reviewer):
    for _ in range(2):
        attempt(client, reviewer.username, address="198.51.100.66")  # someone else, guessing, elsewhere
    for _ in range(2):
        attempt(client, reviewer.username)  # the user's own typos

    assert attempt(Client(), reviewer.username, "demo-password").status_code == 302
    # The guesser's two failures still count against the user name: the fifth failure in all locks it.
    guesser = [attempt(client, reviewer.username, address="198.51.100.66").status_code for _ in range(3)]
    assert guesser == [200, 200, 429]


def test_the_users_own_typos_are_forgotten_after_they_log_in(client, reviewer):
    for _ in range(4):
        attempt(client, reviewer.username)
    assert attempt(client, reviewer.username, "demo-password").status_code == 302
    client.post(reverse("logout"))

    again = [attempt(client, reviewer.username).status_code for _ in range(4)]

    assert again == [200] * 4


def test_a_clinic_behind_one_address_is_not_locked_out_by_a_few_typos_of_its_staff(client, reviewer, settings):
    settings.IMR_LOGIN_ADDRESS_FAILURE_LIMIT = 20
    # Ten colleagues behind the clinic's one public address each mistype once.
    statuses = [attempt(client, f"colleague{number}").status_code for number in range(10)]

    assert statuses == [200] * 10
    assert attempt(client, reviewer.username, "demo-password").status_code == 302


def test_an_address_is_locked_after_its_own_larger_limit_for_every_user_name(client, reviewer, settings):
    settings.IMR_LOGIN_ADDRESS_FAILURE_LIMIT = 12

    statuses = [attempt(client, f"guess{number}").status_code for number in range(13)]

    assert statuses == [200] * 11 + [429, 429]
    assert attempt(client, reviewer.username, "demo-password").status_code == 429
    assert attempt(client, reviewer.username, "demo-password", address="198.51.100.10").status_code == 302


# -- finding 7: the password-change form is a password oracle -----------------------------------------------------


def change_password(client, old: str, path: str = "/accounts/password_change/"):
    return client.post(
        path,
        {"old_password": old, "new_password1": "a-new-Long-pass-9876", "new_password2": "a-new-Long-pass-9876"},
        REMOTE_ADDR="203.0.113.7",
        HTTP_USER_AGENT="test",
    )


@pytest.mark.parametrize("path", ["/accounts/password_change/", "/admin/password_change/"])
def test_wrong_old_passwords_on_the_password_change_form_lock_out_and_log_out_the_session(
    client, reviewer, staff_user, path
):
    user = staff_user if path.startswith("/admin/") else reviewer
    user.is_staff = True
    user.save()
    assert attempt(client, user.username, "demo-password").status_code == 302

    answers = [change_password(client, f"guess-{number}", path) for number in range(8)]

    assert [answer.status_code for answer in answers[:4]] == [200] * 4
    assert all(WRONG_OLD_PASSWORD in answer.content.decode() for answer in answers[:4])
    assert answers[4].status_code == 429
    assert LOCKED in answers[4].content.decode()
    assert WRONG_OLD_PASSWORD not in answers[4].content.decode()
    assert "_auth_user_id" not in client.session  # logged out: the next guesses meet the log-in page
    assert [(answer.status_code, answer["Location"].split("?")[0]) for answer in answers[5:]] == [
        (302, reverse("login"))
    ] * 3
    assert attempt(Client(), user.username, "demo-password", address="198.51.100.3").status_code == 429
    user.refresh_from_db()
    assert user.check_password("demo-password")


def test_the_right_old_password_still_changes_the_password(client, reviewer):
    attempt(client, reviewer.username, "demo-password")

    response = change_password(client, "demo-password")

    assert response.status_code == 302
    reviewer.refresh_from_db()
    assert reviewer.check_password("a-new-Long-pass-9876")


# -- finding 8: behind the documented proxy, one client locks out everyone ----------------------------------------


PROXY = "10.0.0.2"


def forwarded(client, username: str, password: str, client_address: str):
    return attempt(client, username, password, address=PROXY, HTTP_X_FORWARDED_FOR=client_address)


def test_behind_the_proxy_failures_from_one_forwarded_client_do_not_lock_out_another(client, reviewer, settings):
    settings.IMR_TRUSTED_PROXY_COUNT = 1
    settings.IMR_LOGIN_ADDRESS_FAILURE_LIMIT = 5

    failures = [forwarded(client, f"guess{number}", "x", "198.51.100.200").status_code for number in range(6)]
    other = forwarded(Client(), reviewer.username, "demo-password", "192.0.2.44")

    assert failures == [200] * 4 + [429, 429]
    assert other.status_code == 302
    # A client cannot pick its own address by sending X-Forwarded-For: the proxy appends the real one last.
    spoofed = forwarded(client, "guess-again", "x", "192.0.2.44, 198.51.100.200")
    assert spoofed.status_code == 429


def test_production_refuses_to_pass_the_deploy_checks_without_the_proxy_count(settings):
    settings.PRODUCTION = True
    settings.IMR_TRUSTED_PROXY_COUNT = None

    problems = [problem for problem in check_security_settings(None) if problem.id == "accounts.E004"]

    assert len(problems) == 1
    assert problems[0].msg.startswith("IMR_TRUSTED_PROXY_COUNT is not set")
    settings.IMR_TRUSTED_PROXY_COUNT = 1
    assert [problem.id for problem in check_security_settings(None)] == []


def test_a_request_through_a_proxy_while_the_count_is_unset_is_logged_loudly_once(client, db, settings, caplog):
    from accounts import security

    settings.IMR_TRUSTED_PROXY_COUNT = None
    security._proxy_warning_given = False

    for _ in range(2):
        forwarded(client, "someone", "x", "198.51.100.200")

    warnings = [record for record in caplog.records if record.name == "accounts.security"]
    assert [(record.levelname, record.getMessage()[:51]) for record in warnings] == [
        ("ERROR", "IMR_TRUSTED_PROXY_COUNT is not set but requests com")
    ]
