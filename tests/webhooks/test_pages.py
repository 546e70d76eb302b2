"""The managers' webhook pages: add an endpoint, read its secret, send a test event, turn it off; another
organization's endpoints and deliveries are not found; a colleague who is not a manager and the portal's staff are
refused."""

from __future__ import annotations

import pytest
from django.urls import reverse

from core.models import AuditEvent
from tests.parties.conftest import sign_in
from tests.webhooks.conftest import endpoint_for, manager_of, organization, readme_signature_check
from webhooks.models import Delivery, Endpoint
from webhooks.targets import url_problem

pytestmark = pytest.mark.django_db


def test_a_manager_adds_an_endpoint_reads_its_secret_and_sends_a_test_event(
    client, receiver, django_capture_on_commit_callbacks
):
    acme = organization("Acme Claims Services")
    sign_in(client, manager_of(acme, "acme-manager"))

    answer = client.post(
        reverse("webhooks:add"),
        {"url": receiver.url, "description": "Claims system", "events": ["case.assigned", "determination.issued"]},
    )

    endpoint = Endpoint.objects.get()
    assert answer.status_code == 302 and answer["Location"] == reverse("webhooks:endpoint", args=[endpoint.pk])
    assert (endpoint.organization, endpoint.events) == (acme, ["case.assigned", "determination.issued"])
    assert endpoint.secret.startswith("whsec_") and len(endpoint.secret) > 40
    page = client.get(answer["Location"]).content.decode()
    assert endpoint.secret in page and "Nothing has been sent to this endpoint yet." in page
    assert client.get(reverse("webhooks:endpoints")).content.decode().count(receiver.url) == 1

    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(reverse("webhooks:send_test", args=[endpoint.pk]))

    delivery = Delivery.objects.get()
    assert sent["Location"] == reverse("webhooks:delivery", args=[delivery.pk])
    assert (delivery.event, delivery.status, delivery.last_status_code) == ("webhook.test", "delivered", 200)
    request = receiver.received[0]
    assert readme_signature_check()(request.body, request.headers["imr-signature"], endpoint.secret)
    assert AuditEvent.objects.filter(action__in=["webhook.endpoint_added", "webhook.test_sent"]).count() == 2


def test_a_new_secret_signs_from_then_on(client, receiver, django_capture_on_commit_callbacks):
    acme = organization("Acme Claims Services")
    endpoint = endpoint_for(acme, receiver.url)
    old = endpoint.secret
    sign_in(client, manager_of(acme, "acme-manager"))

    client.post(reverse("webhooks:new_secret", args=[endpoint.pk]))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("webhooks:send_test", args=[endpoint.pk]))

    endpoint.refresh_from_db()
    check = readme_signature_check()
    request = receiver.received[0]
    assert endpoint.secret != old
    assert check(request.body, request.headers["imr-signature"], endpoint.secret)
    assert not check(request.body, request.headers["imr-signature"], old)


def test_a_turned_off_endpoint_is_sent_nothing_not_even_what_was_waiting(client, receiver):
    acme = organization("Acme Claims Services")
    endpoint = endpoint_for(acme, receiver.url)
    waiting = Delivery.objects.create(endpoint=endpoint, event="webhook.test", event_id="evt_1", payload={})
    sign_in(client, manager_of(acme, "acme-manager"))

    client.post(reverse("webhooks:set_active", args=[endpoint.pk]), {"active": "no"})
    from webhooks.tasks import send_pending_deliveries

    send_pending_deliveries()

    endpoint.refresh_from_db()
    waiting.refresh_from_db()
    assert endpoint.active is False
    assert (waiting.status, waiting.attempts, receiver.received) == ("cancelled", 0, [])
    assert "disabled" in waiting.last_error
    refused = client.post(reverse("webhooks:send_test", args=[endpoint.pk]), follow=True)
    assert "This endpoint is off" in refused.content.decode()
    assert Delivery.objects.count() == 1


def test_another_organizations_endpoints_and_deliveries_are_not_found(client):
    acme = organization("Acme Claims Services")
    theirs = endpoint_for(organization("Bellweather Insurance"), "https://hooks.bellweather.example/imr")
    delivery = Delivery.objects.create(endpoint=theirs, event="webhook.test", event_id="evt_2", payload={})
    sign_in(client, manager_of(acme, "acme-manager"))

    answers = {
        name: client.get(reverse(name, args=[theirs.pk])).status_code for name in ("webhooks:endpoint", "webhooks:edit")
    }
    answers["webhooks:delivery"] = client.get(reverse("webhooks:delivery", args=[delivery.pk])).status_code
    for name in ("webhooks:set_active", "webhooks:send_test", "webhooks:new_secret"):
        answers[name] = client.post(reverse(name, args=[theirs.pk]), {"active": "no"}).status_code
    answers["webhooks:retry"] = client.post(reverse("webhooks:retry", args=[delivery.pk])).status_code

    assert set(answers.values()) == {404}
    theirs.refresh_from_db()
    assert theirs.active is True and Delivery.objects.count() == 1
    assert theirs.url not in client.get(reverse("webhooks:endpoints")).content.decode()


@pytest.mark.parametrize("who", ["colleague", "administrator", "anonymous"])
def test_only_an_organizations_managers_reach_the_pages(client, admin_user, who):
    acme = organization("Acme Claims Services")
    endpoint = endpoint_for(acme, "https://hooks.acme.example/imr")
    if who == "colleague":
        sign_in(client, manager_of(acme, "acme-clerk", is_manager=False))
    elif who == "administrator":
        client.force_login(admin_user)

    answer = client.get(reverse("webhooks:endpoint", args=[endpoint.pk]))

    assert answer.status_code == (302 if who == "anonymous" else 403)
    assert endpoint.secret not in answer.content.decode()


@pytest.mark.parametrize("second_factor", ["none set up", "not passed in this session"])
def test_a_manager_without_the_second_factor_passed_is_sent_to_it_before_any_webhook_page(client, second_factor):
    acme = organization("Acme Claims Services")
    endpoint = endpoint_for(acme, "https://hooks.acme.example/imr")
    delivery = Delivery.objects.create(endpoint=endpoint, event="webhook.test", event_id="evt_3", payload={})
    client.force_login(manager_of(acme, "acme-manager", second_factor=second_factor != "none set up"))
    if second_factor == "none set up":
        expected = reverse("accounts:security")
    else:
        expected = reverse("accounts:second_factor") + "?next="

    answers = [client.get(reverse(name)) for name in ("webhooks:endpoints", "webhooks:add")]
    answers += [client.get(reverse(name, args=[endpoint.pk])) for name in ("webhooks:endpoint", "webhooks:edit")]
    answers.append(client.get(reverse("webhooks:delivery", args=[delivery.pk])))
    answers += [
        client.post(reverse(name, args=[endpoint.pk]), {"active": "no"})
        for name in ("webhooks:set_active", "webhooks:send_test", "webhooks:new_secret")
    ]
    answers.append(client.post(reverse("webhooks:retry", args=[delivery.pk])))
    answers.append(
        client.post(reverse("webhooks:add"), {"url": "https://hooks.acme.example/b", "events": ["case.assigned"]})
    )

    assert {(answer.status_code, answer["Location"].startswith(expected)) for answer in answers} == {(302, True)}
    assert endpoint.secret not in "".join(answer.content.decode() for answer in answers)
    old_secret = endpoint.secret
    endpoint.refresh_from_db()
    assert (endpoint.active, endpoint.secret, Endpoint.objects.count(), Delivery.objects.count()) == (
        True,
        old_secret,
        1,
        1,
    )
    assert "Webhooks</a>" not in client.get(reverse("accounts:security")).content.decode()


def test_a_bad_address_is_refused_with_the_reason_and_nothing_saved(client, settings):
    settings.WEBHOOK_ALLOW_LOCAL = False  # production
    acme = organization("Acme Claims Services")
    sign_in(client, manager_of(acme, "acme-manager"))

    answer = client.post(reverse("webhooks:add"), {"url": "http://127.0.0.1:8080/hooks", "events": ["case.assigned"]})
    no_events = client.post(reverse("webhooks:add"), {"url": "https://93.184.215.14/hooks"})

    assert answer.status_code == 200 and "must start with https://" in answer.content.decode()
    assert "Choose at least one event" in no_events.content.decode()
    assert not Endpoint.objects.exists()


def test_the_address_rule_in_production_and_in_development(settings):
    settings.WEBHOOK_ALLOW_LOCAL = False
    assert url_problem("https://93.184.215.14/hooks") == ""
    assert "https://" in url_problem("http://93.184.215.14/hooks")
    assert "public" in url_problem("https://10.0.0.7/hooks")
    assert "public" in url_problem("https://169.254.169.254/latest/meta-data")
    assert "public" in url_problem("https://localhost/hooks")
    assert "public" in url_problem("https://[::1]/hooks")
    assert "user name" in url_problem("https://user:pw@93.184.215.14/hooks")
    assert url_problem("ftp://example.com/") != ""
    settings.WEBHOOK_ALLOW_LOCAL = True
    assert url_problem("http://127.0.0.1:8123/hooks") == ""
    assert url_problem("http://localhost:8123/hooks") == ""
    assert "https://" in url_problem("http://192.168.1.4/hooks")
