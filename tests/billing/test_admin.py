"""The fee schedule and the reviewers' rates are edited in the admin; every billing table is there, and opens."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from billing.models import Fee, FeeSchedule
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_every_billing_table_is_in_the_admin_and_its_list_opens_with_its_search(client, acme, november_cases):
    client.force_login(UserFactory(username="root", is_superuser=True, is_staff=True))
    models = apps.get_app_config("billing").get_models()

    opened = {}
    for model in models:
        assert model in admin.site._registry, model._meta.label
        url = reverse(f"admin:billing_{model._meta.model_name}_changelist")
        opened[model._meta.label] = client.get(url, {"q": "x"}).status_code

    assert set(opened.values()) == {200}
    assert len(opened) == 6


def test_an_administrator_changes_a_fee_and_how_far_it_was_checked_in_the_admin(client):
    client.force_login(UserFactory(username="root", is_superuser=True, is_staff=True))
    schedule = FeeSchedule.objects.get(effective_from="2020-01-01")
    fees = list(schedule.fees.order_by("pk"))
    data = {
        "effective_from": "2020-01-01",
        "title": schedule.title,
        "source": schedule.source,
        "note": schedule.note,
        "fees-TOTAL_FORMS": str(len(fees)),
        "fees-INITIAL_FORMS": str(len(fees)),
        "fees-MIN_NUM_FORMS": "0",
        "fees-MAX_NUM_FORMS": "1000",
    }
    for index, fee in enumerate(fees):
        amount = "350.00" if fee.kind == "standard" else str(fee.amount)
        data |= {
            f"fees-{index}-id": str(fee.pk),
            f"fees-{index}-schedule": str(schedule.pk),
            f"fees-{index}-kind": fee.kind,
            f"fees-{index}-amount": amount,
            f"fees-{index}-confirmation": "dwc_notice" if fee.kind == "standard" else fee.confirmation,
            f"fees-{index}-where": fee.where,
        }

    response = client.post(reverse("admin:billing_feeschedule_change", args=[schedule.pk]), data)

    assert response.status_code == 302
    assert Fee.objects.get(schedule=schedule, kind="standard").amount == 350
