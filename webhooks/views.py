"""The webhook pages of an organization's managers (``webhooks.manage``), under /parties/webhooks/, reached as every
party page is (``parties.permissions.party_view``: a manager without the second factor passed is sent to set it up).

Every endpoint and delivery is looked up among the signed-in manager's organization's own: another organization's
answers 404, exactly as one that does not exist. A page that shows deliveries writes the access log, one row per
delivery shown with its case number (``audit.log``); every change is in the audit trail (``webhooks.services``).
"""

from __future__ import annotations

import json

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from audit import log
from core.models import Party
from parties.permissions import party_view
from webhooks import sealing, services
from webhooks.forms import EndpointForm
from webhooks.models import Delivery, Endpoint
from webhooks.signing import SIGNATURE_HEADER
from webhooks.tasks import MAX_ATTEMPTS

PAGE_SIZE = 50


def _endpoints(organization: Party):
    return Endpoint.objects.filter(organization=organization)


def _endpoint(organization: Party, endpoint_id: int) -> Endpoint:
    return get_object_or_404(_endpoints(organization), pk=endpoint_id)


def _log_deliveries(request: HttpRequest, deliveries) -> None:
    log.record_list(request, "webhook_delivery", ((delivery.pk, delivery.case_number) for delivery in deliveries))


@party_view("webhooks.manage")
def endpoint_list(request: HttpRequest, organization: Party) -> HttpResponse:
    endpoints = _endpoints(organization).order_by("-active", "pk")
    return render(request, "webhooks/endpoint_list.html", {"endpoints": endpoints})


@party_view("webhooks.manage")
def endpoint_add(request: HttpRequest, organization: Party) -> HttpResponse:
    form = EndpointForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        endpoint = services.add_endpoint(organization, by=request.user, **form.cleaned_data)
        messages.success(
            request,
            "The endpoint is added. Copy its signing secret into your system: it checks that each event comes from us.",
        )
        return redirect("webhooks:endpoint", endpoint_id=endpoint.pk)
    return render(request, "webhooks/endpoint_form.html", {"form": form, "endpoint": None})


@party_view("webhooks.manage")
def endpoint_edit(request: HttpRequest, organization: Party, endpoint_id: int) -> HttpResponse:
    endpoint = _endpoint(organization, endpoint_id)
    initial = {"url": endpoint.url, "description": endpoint.description, "events": endpoint.events}
    form = EndpointForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.change_endpoint(endpoint, by=request.user, **form.cleaned_data)
        messages.success(request, "The endpoint is changed.")
        return redirect("webhooks:endpoint", endpoint_id=endpoint.pk)
    return render(request, "webhooks/endpoint_form.html", {"form": form, "endpoint": endpoint})


@party_view("webhooks.manage")
def endpoint_detail(request: HttpRequest, organization: Party, endpoint_id: int) -> HttpResponse:
    endpoint = _endpoint(organization, endpoint_id)
    deliveries = Delivery.objects.filter(endpoint=endpoint).order_by("-created_at", "-pk")
    page = Paginator(deliveries, PAGE_SIZE).get_page(request.GET.get("page"))
    _log_deliveries(request, page.object_list)
    try:
        secret = endpoint.secret
    except sealing.UnreadableSecret:
        secret = None  # the page says so and offers a new one
    context = {
        "endpoint": endpoint,
        "secret": secret,
        "page": page,
        "signature_header": SIGNATURE_HEADER,
        "max_attempts": MAX_ATTEMPTS,
    }
    return render(request, "webhooks/endpoint_detail.html", context)


@party_view("webhooks.manage")
def delivery_detail(request: HttpRequest, organization: Party, delivery_id: int) -> HttpResponse:
    delivery = get_object_or_404(
        Delivery.objects.select_related("endpoint").filter(endpoint__in=_endpoints(organization)), pk=delivery_id
    )
    _log_deliveries(request, [delivery])
    context = {
        "delivery": delivery,
        "tries": delivery.tries.all(),
        "message": json.dumps(delivery.payload, indent=2, sort_keys=True, ensure_ascii=False),
        "max_attempts": MAX_ATTEMPTS,
        "signature_header": SIGNATURE_HEADER,
    }
    return render(request, "webhooks/delivery_detail.html", context)


@require_POST
@party_view("webhooks.manage")
def endpoint_active(request: HttpRequest, organization: Party, endpoint_id: int) -> HttpResponse:
    endpoint = _endpoint(organization, endpoint_id)
    active = request.POST.get("active") == "yes"
    services.set_active(endpoint, active, by=request.user)
    if active:
        messages.success(request, "The endpoint is on again: new events are sent to it.")
    else:
        messages.success(request, "The endpoint is off: nothing more is sent to it until you turn it on again.")
    return redirect("webhooks:endpoint", endpoint_id=endpoint.pk)


@require_POST
@party_view("webhooks.manage")
def endpoint_test(request: HttpRequest, organization: Party, endpoint_id: int) -> HttpResponse:
    endpoint = _endpoint(organization, endpoint_id)
    if not endpoint.active:
        messages.error(request, "This endpoint is off: turn it on before you send it a test event.")
        return redirect("webhooks:endpoint", endpoint_id=endpoint.pk)
    delivery = services.test_event(endpoint, by=request.user)
    messages.success(request, "A test event is on its way: its answer shows below in a few seconds (reload the page).")
    return redirect("webhooks:delivery", delivery_id=delivery.pk)


@require_POST
@party_view("webhooks.manage")
def endpoint_secret(request: HttpRequest, organization: Party, endpoint_id: int) -> HttpResponse:
    endpoint = _endpoint(organization, endpoint_id)
    services.replace_secret(endpoint, by=request.user)
    messages.success(request, "The endpoint has a new signing secret, in force now: put it in your system.")
    return redirect("webhooks:endpoint", endpoint_id=endpoint.pk)


@require_POST
@party_view("webhooks.manage")
def delivery_retry(request: HttpRequest, organization: Party, delivery_id: int) -> HttpResponse:
    delivery = get_object_or_404(Delivery.objects.filter(endpoint__in=_endpoints(organization)), pk=delivery_id)
    _log_deliveries(request, [delivery])
    if services.try_again(delivery, by=request.user):
        messages.success(request, "The delivery is being tried again.")
    else:
        messages.error(request, "Only a delivery that failed can be tried again.")
    return redirect("webhooks:delivery", delivery_id=delivery.pk)
