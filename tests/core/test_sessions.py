"""Sessions: idle expiry, a time limit, rotation at log-in, and log-out everywhere when a user is deactivated."""

from __future__ import annotations

import time

from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from accounts.models import UserSession
from accounts.signals import LAST_SEEN_KEY, LOGIN_AT_KEY
from tests import factories


def log_in(client: Client, username: str) -> None:
    response = client.post(reverse("login"), {"username": username, "password": "demo-password"})
    assert response.status_code == 302


def set_session(client: Client, **values) -> None:
    session = client.session
    for key, value in values.items():
        session[key] = value
    session.save()


def test_a_session_idle_for_30_minutes_is_logged_out_with_a_message(client, reviewer):
    log_in(client, reviewer.username)
    set_session(client, **{LAST_SEEN_KEY: int(time.time()) - 30 * 60 - 1})

    response = client.get(reverse("cases:my_cases"))

    assert response.status_code == 302
    assert response["Location"] == reverse("login") + "?next=/cases/mine/"
    assert "_auth_user_id" not in client.session
    page = client.get(response["Location"]).content.decode()
    assert "You were logged out after 30 minutes without activity. Log in again to go on." in page


def test_activity_keeps_a_session_and_renews_its_expiry(client, reviewer):
    log_in(client, reviewer.username)
    seen = int(time.time()) - 29 * 60
    set_session(client, **{LAST_SEEN_KEY: seen})

    response = client.get(reverse("cases:my_cases"))

    assert response.status_code == 200
    assert client.session[LAST_SEEN_KEY] >= int(time.time()) - 2
    stored = Session.objects.get(session_key=client.cookies["sessionid"].value)
    from django.utils import timezone

    assert 29 * 60 < (stored.expire_date - timezone.now()).total_seconds() <= 30 * 60


def test_the_idle_time_is_a_setting(client, reviewer, settings):
    settings.IMR_SESSION_IDLE_SECONDS = 120
    log_in(client, reviewer.username)
    set_session(client, **{LAST_SEEN_KEY: int(time.time()) - 121})

    response = client.get(reverse("cases:my_cases"), follow=True)

    assert "You were logged out after 2 minutes without activity." in response.content.decode()


def test_a_session_ends_at_its_time_limit_however_active(client, reviewer, settings):
    log_in(client, reviewer.username)
    set_session(client, **{LOGIN_AT_KEY: int(time.time()) - settings.IMR_SESSION_MAX_SECONDS - 1})

    response = client.get(reverse("cases:my_cases"), follow=True)

    assert "Your session reached its time limit. Log in again to go on." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_log_in_rotates_the_session_key(client, reviewer):
    client.get(reverse("login"))
    set_session(client, visited="yes")
    before = client.cookies["sessionid"].value

    log_in(client, reviewer.username)

    after = client.cookies["sessionid"].value
    assert after != before
    assert not Session.objects.filter(session_key=before).exists()
    assert list(UserSession.objects.filter(user=reviewer).values_list("session_key", flat=True)) == [after]


def test_deactivating_a_user_in_the_admin_logs_them_out_everywhere(reviewer, other_reviewer):
    office, home = Client(), Client()
    log_in(office, reviewer.username)
    log_in(home, reviewer.username)
    bystander = Client()
    log_in(bystander, other_reviewer.username)
    assert UserSession.objects.filter(user=reviewer).count() == 2
    superuser = factories.UserFactory(username="root", is_superuser=True, is_staff=True)
    admin = Client()
    admin.force_login(superuser)

    response = admin.post(
        reverse("admin:auth_user_change", args=[reviewer.pk]),
        {
            "username": reviewer.username,
            "first_name": reviewer.first_name,
            "last_name": reviewer.last_name,
            "email": reviewer.email,
            "date_joined_0": "01/02/2026",
            "date_joined_1": "09:00:00",
            "groups": list(reviewer.groups.values_list("pk", flat=True)),
            "_save": "Save",
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    reviewer.refresh_from_db()
    assert reviewer.is_active is False
    assert UserSession.objects.filter(user=reviewer).count() == 0
    for client in (office, home):
        assert not Session.objects.filter(session_key=client.cookies["sessionid"].value).exists()
        assert client.get(reverse("cases:my_cases"))["Location"] == reverse("login") + "?next=/cases/mine/"
    assert bystander.get(reverse("cases:my_cases")).status_code == 200


def test_log_out_my_other_sessions_keeps_this_one(reviewer):
    this, other = Client(), Client()
    log_in(this, reviewer.username)
    log_in(other, reviewer.username)

    response = this.post(reverse("accounts:end_other_sessions"), follow=True)

    assert "1 other session logged out." in response.content.decode()
    assert this.get(reverse("cases:my_cases")).status_code == 200
    assert other.get(reverse("cases:my_cases")).status_code == 302
