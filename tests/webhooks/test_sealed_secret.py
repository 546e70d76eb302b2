"""The endpoints' signing secrets are sealed at rest (``webhooks.sealing``): the database row does not hold the secret,
what is sent still verifies with it, a rotated ``SECRET_KEY`` kept as a fallback still opens it, one without a fallback
fails the delivery and the page saying so, and the migration seals the secrets stored in clear before it."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from tests.factories import PartyFactory
from tests.parties.conftest import sign_in
from tests.webhooks.conftest import endpoint_for, manager_of, organization, readme_signature_check
from webhooks import tasks
from webhooks.models import Delivery, Endpoint

pytestmark = pytest.mark.django_db

BEFORE = ("webhooks", "0001_endpoints_and_deliveries")
SEALED = ("webhooks", "0002_endpoint_sealed_secret")


def stored_row(endpoint_id: int) -> str:
    """Every column of the endpoint's row, as the database holds it (a dump would show the same)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM webhooks_endpoint WHERE id = %s", [endpoint_id])
        return " ".join(str(value) for value in cursor.fetchone())


def test_the_row_holds_no_secret_and_what_is_sent_verifies_with_it(
    client, receiver, django_capture_on_commit_callbacks
):
    acme = organization("Acme Claims Services")
    sign_in(client, manager_of(acme, "acme-manager"))
    client.post(reverse("webhooks:add"), {"url": receiver.url, "events": ["case.assigned"]})
    endpoint = Endpoint.objects.get()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("webhooks:send_test", args=[endpoint.pk]))

    secret = endpoint.secret
    assert (
        secret.startswith("whsec_")
        and secret in client.get(reverse("webhooks:endpoint", args=[endpoint.pk])).content.decode()
    )
    row = stored_row(endpoint.pk)
    assert secret not in row and "whsec_" not in row and secret[6:20] not in row
    request = receiver.received[0]
    assert readme_signature_check()(request.body, request.headers["imr-signature"], secret)


def test_a_rotated_key_kept_as_fallback_still_opens_the_secret_and_without_it_the_delivery_fails_saying_why(
    client, receiver, settings
):
    acme = organization("Acme Claims Services")
    endpoint = endpoint_for(acme, receiver.url)
    secret = endpoint.secret
    old_key = settings.SECRET_KEY
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = "a-new-site-key-" + "y" * 50, [old_key]
    assert Endpoint.objects.get().secret == secret

    settings.SECRET_KEY_FALLBACKS = []
    delivery = Delivery.objects.create(endpoint=endpoint, event="webhook.test", event_id="evt_k", payload={})
    assert tasks.send_delivery(delivery.pk) == "retry"
    delivery.refresh_from_db()
    assert "cannot be read with this server's key" in delivery.last_error and receiver.received == []
    sign_in(client, manager_of(acme, "acme-manager"))
    page = client.get(reverse("webhooks:endpoint", args=[endpoint.pk]))
    assert page.status_code == 200 and 'id="signing-secret-unreadable"' in page.content.decode()

    client.post(reverse("webhooks:new_secret", args=[endpoint.pk]))

    fresh = Endpoint.objects.get().secret
    assert fresh != secret and fresh in client.get(reverse("webhooks:endpoint", args=[endpoint.pk])).content.decode()


def test_the_migration_seals_the_secrets_stored_in_clear_and_unseals_them_backwards():
    executor = MigrationExecutor(connection)
    executor.migrate([BEFORE])
    Before = executor.loader.project_state([BEFORE]).apps.get_model("webhooks", "Endpoint")
    party = PartyFactory()
    row = Before.objects.create(organization_id=party.pk, url="https://hooks.example.org/imr", secret="whsec_in_clear")
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending foreign-key checks while the table is altered

    executor = MigrationExecutor(connection)
    executor.migrate([SEALED])

    assert Endpoint.objects.get(pk=row.pk).secret == "whsec_in_clear"
    assert "whsec_in_clear" not in stored_row(row.pk)
    executor = MigrationExecutor(connection)
    executor.migrate([BEFORE])
    assert Before.objects.get(pk=row.pk).secret == "whsec_in_clear"
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes("webhooks"))
