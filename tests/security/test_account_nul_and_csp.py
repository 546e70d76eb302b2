"""NUL characters sent to the accounts' own endpoints answer a clear refusal, not PostgreSQL's 500 (issue 20, finding
5), and every response carries the Content-Security-Policy, the early refusals and static files included (finding
15)."""

from __future__ import annotations

import json

from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse

from accounts.models import CspReport


def test_a_csp_report_with_a_nul_in_a_field_is_refused_with_400_and_stores_nothing(db):
    client = Client(raise_request_exception=False)
    for field in ("effective-directive", "blocked-uri", "document-uri", "source-file", "script-sample"):
        report = {"csp-report": {"effective-directive": "script-src-elem", "document-uri": "http://testserver/"}}
        report["csp-report"][field] = "script\u0000src"

        response = client.post(reverse("csp_report"), json.dumps(report), content_type="application/csp-report")

        assert (field, response.status_code) == (field, 400)
    assert CspReport.objects.count() == 0


def test_the_unlock_form_refuses_a_user_name_with_a_nul_and_says_why(admin_user):
    client = Client(raise_request_exception=False)
    client.force_login(admin_user)
    AccessAttempt.objects.create(
        username="reviewer1", ip_address="203.0.113.7", user_agent="x", failures_since_start=5, http_accept="*/*"
    )

    for field in ("username", "ip_address"):
        response = client.post(reverse("accounts:unlock"), {field: "reviewer1\x00"}, follow=True)

        assert response.status_code == 400
        # Refused before the view by the guard on every form post (core.middleware.RefuseNulMiddleware).
        assert f"the field “{field}” holds a NUL character (U+0000)" in response.content.decode()
    assert AccessAttempt.objects.count() == 1


def test_the_refusal_of_a_nul_in_the_address_carries_the_content_security_policy(client, db):
    response = client.get("/accounts/login/%00")

    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]


def test_static_files_served_by_whitenoise_carry_the_content_security_policy(db, settings):
    # As under development settings (runserver_nostatic): WhiteNoise serves the files from the finders. In production
    # it serves the collected files the same way, from the same middleware.
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True
    client = Client()  # a new handler: the middleware is built with these settings

    response = client.get("/static/css/portal.css")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/css")
    assert "default-src 'self'" in response["Content-Security-Policy"]
