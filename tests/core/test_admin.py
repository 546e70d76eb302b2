"""Every model of the portal is in the Django admin, and each list page (with its filters and search) opens."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PORTAL_APPS = {"core", "audit", "cases", "guidelines", "reviewers", "letters"}


def test_every_model_of_the_portal_is_registered_in_the_admin():
    models = [model for model in apps.get_models() if model._meta.app_label in PORTAL_APPS]
    assert [model._meta.label for model in models if model not in admin.site._registry] == []


def test_every_admin_list_page_opens_with_its_search_for_a_superuser(client):
    client.force_login(UserFactory(username="root", is_superuser=True, is_staff=True))
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in PORTAL_APPS:
            continue
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        assert client.get(url).status_code == 200, url
        if model_admin.search_fields:
            assert client.get(url, {"q": "x"}).status_code == 200, url
