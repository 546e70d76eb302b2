"""Issue 20, finding 3: the access log covers lists and the admin by construction.

Two walks, neither a hand list of pages:

- every URL of the portal, GET as each role: a page that answers 200 and shows a case's number or its worker's name,
  and every page that refuses (403), must have written at least one access-log row in that request. The permission
  sweep checks it as it walks (``tests/test_permissions_sweep.py``, the same plan: one walk, not two);
- every model of the admin's registry: its list (and a search, when it has one), the change, history and delete pages
  of an object. A model that holds case data (``audit.coverage.holds_case_data``: a foreign-key path to a case, or a
  model named there with the reason) must write a row on each; any other page that shows a case's number or a worker's
  name must write one too, so a model the rule misses is caught by what its pages show.
"""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import NoReverseMatch, reverse

from audit.coverage import holds_case_data
from audit.models import AccessEvent
from core.models import OutboxEmail
from tests.factories import UserFactory
from tests.test_permissions_sweep import _get, build_world, case_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


def _visit(client, url: str) -> tuple[int, str, int]:
    before = AccessEvent.objects.count()
    status, body, _ = _get(client, url)
    return status, body, AccessEvent.objects.count() - before


def _admin_pages(model, model_admin) -> list[tuple[str, str]]:
    """(what, url) of a model's changelist, its search, and an object's change, history and delete pages."""
    info = f"admin:{model._meta.app_label}_{model._meta.model_name}"
    pages = [("changelist", reverse(f"{info}_changelist"))]
    if model_admin.search_fields:
        pages.append(("search", reverse(f"{info}_changelist") + "?q=a"))
    obj = model._default_manager.order_by("pk").first()
    if obj is not None:
        for view in ("change", "history", "delete"):
            try:
                pages.append((view, reverse(f"{info}_{view}", args=[obj.pk])))
            except NoReverseMatch:
                continue
    return pages


def test_every_admin_page_of_case_data_writes_an_access_log_row(client, world):
    assert OutboxEmail.objects.filter(body__contains=world.case.case_number).exists()  # notices to walk through
    client.force_login(UserFactory(username="root", is_superuser=True, is_staff=True))
    shown = case_data(world)
    unlogged: list[str] = []
    walked = 0
    for model, model_admin in admin.site._registry.items():
        for view, url in _admin_pages(model, model_admin):
            walked += 1
            status, body, rows = _visit(client, url)
            assert status < 500, f"{url} → {status} {body[:200]}"
            if rows:
                continue
            if holds_case_data(model):
                unlogged.append(f"{model._meta.label} {view} {url} → {status} with no row")
            elif status == 200 and (seen := [secret for secret in shown if secret in body]):
                unlogged.append(f"{model._meta.label} {view} {url} shows {seen[:2]} with no row")

    assert walked > 60
    assert unlogged == []


def test_the_rule_finds_the_models_that_hold_case_data():
    held = sorted(model._meta.label for model in admin.site._registry if holds_case_data(model))

    assert held == [
        "audit.AccessEvent",
        "billing.InvoiceLine",  # one line per case billed: its number, claim and worker on the invoice
        "cases.Appeal",
        "cases.Assignment",
        "cases.Case",
        "cases.CaseDocument",
        "cases.CaseTransition",
        "cases.Determination",
        "cases.DisputedItem",
        "cases.ItemDecision",
        "cases.RecordsDocument",
        "core.OutboxEmail",
        "letters.Letter",
        "letters.LetterDownload",
        "letters.RedactionTerm",  # a name to blank in the public copy: a name of the case's people
        "letters.Service",
        "letters.ServiceRecipient",
    ]
