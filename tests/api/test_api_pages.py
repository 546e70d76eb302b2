"""The API's pages: an organization's manager makes a key (shown once), sees its keys and revokes one; others may
not; the staff read the interactive docs, served from django-ninja's own files under the portal's CSP."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Group
from django.contrib.staticfiles import finders
from django.urls import reverse

from api.keys import digest
from api.models import ApiKey
from core import roles
from tests.api.conftest import bearer
from tests.factories import UserFactory
from tests.parties.conftest import party_user, sign_in

pytestmark = pytest.mark.django_db

KEYS = "/parties/api-keys/"


def _member(world, *, manager: bool, username: str, second_factor: bool = True):
    """A user of Golden State Claims with a confirmed authenticator (``sign_in`` passes it), as on every party page."""
    return party_user(world.golden, username, manager=manager, second_factor=second_factor)


def test_a_manager_makes_a_key_shown_once_that_works_then_revokes_it(client, world):
    sign_in(client, _member(world, manager=True, username="golden-manager"))

    made = client.post(KEYS, {"name": "Claims system", "scopes": ["cases:read", "letters:read"]})

    assert made.status_code == 200
    assert "no-store" in made["Cache-Control"]
    key = re.search(r'<code id="new-key"[^>]*>(imr_[^<]+)</code>', made.content.decode()).group(1)
    stored = ApiKey.objects.get()
    assert (stored.organization, stored.scopes, stored.key_hash) == (
        world.golden,
        ["cases:read", "letters:read"],
        digest(key),
    )
    assert client.get("/api/v1/cases", **bearer(key)).status_code == 200
    listed = client.get(KEYS).content.decode()
    assert key not in listed and f"imr_{stored.prefix}…" in listed

    revoked = client.post(f"{KEYS}revoke/", {"key": stored.pk})

    assert revoked.status_code == 302
    assert client.get("/api/v1/cases", **bearer(key)).status_code == 401


def test_a_manager_cannot_give_applications_to_a_law_firm_nor_revoke_another_organizations_key(client, world, make_key):
    firm_manager = party_user(world.firm, "firm-manager", manager=True)
    make_key(world.golden, ["cases:read"])
    golden_key = ApiKey.objects.get()
    sign_in(client, firm_manager)

    refused = client.post(KEYS, {"name": "Docket", "scopes": ["applications:write"]})
    other = client.post(f"{KEYS}revoke/", {"key": golden_key.pk})

    assert refused.status_code == 400
    assert "applications:write is for claims administrators" in refused.content.decode()
    assert other.status_code == 404
    golden_key.refresh_from_db()
    assert golden_key.revoked_at is None and ApiKey.objects.count() == 1


def test_only_managers_reach_the_keys_page(client, world):
    staff = UserFactory(username="api-admin")
    staff.groups.add(Group.objects.get_or_create(name=roles.ADMINISTRATOR)[0])
    answers = {}
    for name, user in {
        "member": _member(world, manager=False, username="golden-member"),
        "administrator": staff,
    }.items():
        sign_in(client, user)
        answers[name] = client.get(KEYS).status_code
    client.logout()
    answers["anonymous"] = client.get(KEYS).status_code

    assert answers == {"member": 403, "administrator": 403, "anonymous": 302}


@pytest.mark.parametrize("second_factor", ["none set up", "not passed in this session"])
def test_a_manager_without_the_second_factor_passed_is_sent_to_it_before_the_keys_page(
    client, world, make_key, second_factor
):
    make_key(world.golden, ["cases:read"])
    golden_key = ApiKey.objects.get()
    manager = _member(world, manager=True, username="golden-manager", second_factor=second_factor != "none set up")
    client.force_login(manager)
    if second_factor == "none set up":
        expected = reverse("accounts:security")
    else:
        expected = reverse("accounts:second_factor") + "?next="

    answers = [
        client.get(KEYS),
        client.post(KEYS, {"name": "Claims system", "scopes": ["cases:read"]}),
        client.post(f"{KEYS}revoke/", {"key": golden_key.pk}),
    ]

    assert {(answer.status_code, answer["Location"].startswith(expected)) for answer in answers} == {(302, True)}
    golden_key.refresh_from_db()
    assert (ApiKey.objects.count(), golden_key.revoked_at) == (1, None)
    assert "API keys</a>" not in client.get(reverse("accounts:security")).content.decode()


def test_the_docs_are_for_staff_served_from_package_files_without_inline_script(client, world):
    reviewer = UserFactory(username="api-reviewer")
    reviewer.groups.add(Group.objects.get_or_create(name=roles.REVIEWER)[0])
    anonymous = client.get("/api/v1/docs/")
    sign_in(client, _member(world, manager=True, username="golden-manager2"))
    party = client.get("/api/v1/docs/")
    client.force_login(reviewer)

    docs = client.get("/api/v1/docs/")

    assert (anonymous.status_code, party.status_code, docs.status_code) == (302, 403, 200)
    page = docs.content.decode()
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", page, re.DOTALL)
    # Only files of the portal's own origin, and data (json_script) that the CSP does not run.
    assert [attrs for attrs, body in scripts if body.strip() and 'type="application/json"' not in attrs] == []
    assert {re.search(r'src="([^"]+)"', attrs).group(1) for attrs, _ in scripts if "src=" in attrs} == {
        "/static/ninja/swagger-ui-bundle.js",
        "/static/ninja/swagger-ui-init.js",
    }
    assert "style=" not in page and "<style" not in page and "http" not in page.split("<body", 1)[1]
    assert "script-src 'self'" in docs["Content-Security-Policy"]
    # The files come with the django-ninja package (collected with the portal's static files), no CDN.
    assert all(
        finders.find(name)
        for name in ("ninja/swagger-ui-bundle.js", "ninja/swagger-ui-init.js", "ninja/swagger-ui.css")
    )


def test_the_schema_is_public_and_generated(client):
    schema = client.get("/api/v1/openapi.json")

    assert schema.status_code == 200
    document = schema.json()
    assert document["openapi"].startswith("3.")
    assert set(document["paths"]) == {
        "/api/v1/applications",
        "/api/v1/cases",
        "/api/v1/cases/{case_number}",
        "/api/v1/cases/{case_number}/documents",
        "/api/v1/cases/{case_number}/letters/{letter_id}",
    }
    body = document["paths"]["/api/v1/applications"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert "items" in body["properties"] and "$ref" not in str(body)
