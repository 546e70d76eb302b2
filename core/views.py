from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from core import roles


def home(request: HttpRequest) -> HttpResponse:
    """Send each user to where their day starts."""
    user = request.user
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
def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


@login_not_required
def error_403(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "403.html", status=403)


@login_not_required
def error_404(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "404.html", status=404)


@login_not_required
def error_500(request: HttpRequest) -> HttpResponse:
    return render(request, "500.html", status=500)
