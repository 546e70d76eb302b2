"""Content-Security-Policy and Cache-Control on the real responses; the CSP report endpoint; the templates carry
nothing the policy would block; the production configuration passes the deployment checks."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

from django.urls import reverse

from accounts.models import CspReport
from tests import factories

ROOT = Path(__file__).resolve().parents[2]
POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "frame-src": "'self'",
    "worker-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
    "report-uri": "/security/csp-report/",
}
NO_STORE = "max-age=0, no-cache, no-store, must-revalidate, private"


def directives(cache_control: str) -> set[str]:
    return {part.strip() for part in cache_control.split(",")}


def policy_of(response) -> dict[str, str]:
    parts = [part.strip() for part in response["Content-Security-Policy"].split(";") if part.strip()]
    return {part.split(" ", 1)[0]: part.split(" ", 1)[1] for part in parts}


def test_every_kind_of_page_carries_the_strict_policy(client, reviewer):
    case = factories.case_in_review(reviewer, documents=1)
    public = [reverse("login"), reverse("letters:verify"), reverse("password_reset")]
    for path in public:
        assert policy_of(client.get(path)) == POLICY, path
    client.force_login(reviewer)
    for path in [reverse("cases:my_cases"), case.get_absolute_url(), reverse("accounts:security")]:
        response = client.get(path)
        assert response.status_code == 200, path
        assert policy_of(response) == POLICY, path
    missing = client.get("/cases/CM99-0000000/")
    assert missing.status_code == 404
    assert policy_of(missing) == POLICY


def test_a_record_file_our_viewer_frames_may_be_framed_by_our_pages_only(client, reviewer):
    case = factories.case_in_review(reviewer, documents=1)
    document = case.documents.get()
    client.force_login(reviewer)

    response = client.get(reverse("cases:document", args=[case.case_number, document.pk]))

    assert response.status_code == 200
    assert policy_of(response) == {**POLICY, "frame-ancestors": "'self'"}
    assert response["X-Frame-Options"] == "SAMEORIGIN"


def test_every_response_to_a_signed_in_user_is_no_store(client, admin_user, reviewer):
    case = factories.case_in_review(reviewer, documents=1)
    document = case.documents.get()
    client.force_login(reviewer)
    responses = {
        "my cases": client.get(reverse("cases:my_cases")),
        "case page": client.get(case.get_absolute_url()),
        "records search JSON": client.get(reverse("cases:records_search", args=[case.case_number]), {"q": "knee"}),
        "record file": client.get(reverse("cases:document", args=[case.case_number, document.pk])),
        "missing case": client.get("/cases/CM99-0000000/"),
    }
    client.force_login(admin_user)
    responses["export"] = client.get(reverse("cases:export"))
    responses["case list"] = client.get(reverse("cases:list"))

    assert {name: response.status_code for name, response in responses.items()} == {
        "my cases": 200,
        "case page": 200,
        "records search JSON": 200,
        "record file": 200,
        "missing case": 404,
        "export": 200,
        "case list": 200,
    }
    assert {name: directives(response["Cache-Control"]) for name, response in responses.items()} == dict.fromkeys(
        responses, directives(NO_STORE)
    )


def csp_report(client, **fields):
    body = {
        "csp-report": {
            "document-uri": "http://testserver/cases/CM16-0000001/?q=knee+pain",
            "effective-directive": "script-src-elem",
            "violated-directive": "script-src-elem",
            "blocked-uri": "inline",
            "source-file": "http://testserver/cases/CM16-0000001/",
            "line-number": 12,
            **fields,
        }
    }
    return client.post(reverse("csp_report"), json.dumps(body), content_type="application/csp-report")


def test_the_report_endpoint_counts_each_kind_of_violation_and_administrators_read_them_in_the_admin(client, db):
    assert csp_report(client).status_code == 204
    assert csp_report(client).status_code == 204
    assert csp_report(client, **{"blocked-uri": "https://evil.example/x.js"}).status_code == 204

    rows = list(
        CspReport.objects.order_by("blocked_uri").values_list("directive", "blocked_uri", "document_path", "count")
    )
    assert rows == [
        ("script-src-elem", "/x.js", "/cases/CM16-0000001/", 1),
        ("script-src-elem", "inline", "/cases/CM16-0000001/", 2),
    ]
    superuser = factories.UserFactory(username="root", is_superuser=True, is_staff=True)
    client.force_login(superuser)
    page = client.get(reverse("admin:accounts_cspreport_changelist")).content.decode()
    assert "script-src-elem" in page and "/cases/CM16-0000001/" in page
    assert "knee" not in page  # the query string of the page is not kept


def test_the_report_endpoint_refuses_what_is_not_a_report(client, db):
    assert client.get(reverse("csp_report")).status_code == 405
    assert client.post(reverse("csp_report"), "not json", content_type="application/json").status_code == 400
    assert client.post(reverse("csp_report"), "[1, 2]", content_type="application/json").status_code == 400
    big = json.dumps({"csp-report": {"effective-directive": "x" * 20_000}})
    assert client.post(reverse("csp_report"), big, content_type="application/json").status_code == 413
    assert CspReport.objects.count() == 0


def test_the_report_endpoint_takes_a_bounded_number_of_reports_per_address(client, db, settings):
    settings.IMR_CSP_REPORTS_PER_MINUTE = 3

    statuses = [csp_report(client).status_code for _ in range(5)]

    assert statuses == [204, 204, 204, 429, 429]
    assert CspReport.objects.get().count == 3


# Templates rendered to PDF by WeasyPrint only, never served as a page: their <style> is the letter's print CSS.
PDF_ONLY_TEMPLATES = {"letters/_letter_base.html", "letters/letter_parties.html", "letters/letter_public.html"}
FORBIDDEN = [
    (re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I), "an inline <script>"),
    (re.compile(r"\sstyle\s*=", re.I), "a style attribute"),
    (re.compile(r"<style", re.I), "a <style> element"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "an on* event handler"),
    (re.compile(r"javascript:", re.I), "a javascript: URL"),
]


def test_no_served_template_has_inline_script_style_or_handlers():
    problems = []
    for path in sorted((ROOT / "templates").rglob("*.html")):
        name = path.relative_to(ROOT / "templates").as_posix()
        if name in PDF_ONLY_TEMPLATES:
            continue
        text = path.read_text()
        for pattern, what in FORBIDDEN:
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                problems.append(f"{name}:{line}: {what}")
    assert problems == []


def test_the_pdf_only_letter_templates_are_not_served_as_pages():
    """Their inline <style> is allowed only because no view renders them as HTML."""
    uses = subprocess.run(
        ["grep", "-rlE", "letters/(_letter_base|letter_parties|letter_public)\\.html", "--include=*.py", "."],
        cwd=ROOT,
        capture_output=True,
        text=True,
    ).stdout.split()
    assert sorted(path for path in uses if not path.startswith(("./.venv", "./tests"))) == ["./letters/rendering.py"]


def test_the_production_configuration_passes_the_deployment_checks_with_no_warning():
    env = {
        **os.environ,
        "IMR_ENV": "production",
        "SECRET_KEY": "k" * 20 + "-production-like-secret-key-for-the-deploy-check-0123456789",
        "ALLOWED_HOSTS": "imr.example.org",
        "IMR_TRUSTED_PROXY_COUNT": "1",  # behind the proxy of docs/deploy.md
    }
    for name in ("DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"):  # the latter is the browser tests'
        env.pop(name, None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert (result.returncode, result.stderr.strip()) == (0, "")
    assert result.stdout.strip() == "System check identified no issues (0 silenced)."
