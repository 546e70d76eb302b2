import logging

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from core import health, roles

logger = logging.getLogger(__name__)


def home(request: HttpRequest) -> HttpResponse:
    """Send each user to where their day starts."""
    user = request.user
    # A user of a claims administrator, law firm or physician's office (parties.Membership): the party portal.
    if getattr(user, "party_membership", None) is not None:
        return redirect("parties:home")
    if roles.is_administrator(user):
        return redirect("cases:list")
    if roles.is_reviewer(user):
        return redirect("cases:my_cases")
    if roles.is_qa(user):
        return redirect("cases:qa_queue")
    if roles.is_staff_member(user):
        return redirect("letters:center")
    return render(request, "core/no_role.html", status=403)


@login_not_required
@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """For the load balancer and monitoring: 200 when the database, Redis (if configured) and the storage answer,
    503 when one does not. Also the backlogs (the outbox, the letters), as counts (no names, no medical data). The
    checks are registered by the apps that own them (`core/health.py`)."""
    healthy, body = health.report()
    return JsonResponse(body, status=200 if healthy else 503)


@login_not_required
def error_403(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "403.html", status=403)


@login_not_required
def error_404(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "404.html", status=404)


@login_not_required
def error_500(request: HttpRequest) -> HttpResponse:
    try:
        return render(request, "500.html", status=500)
    except Exception:  # noqa: BLE001 - e.g. the database is down: the page's menus need the user's roles
        logger.exception("The error page could not be rendered with the request; rendered without it")
        body = loader.get_template("500.html").render({"organization_name": settings.IMR_ORGANIZATION_NAME})
        return HttpResponse(body, status=500)
