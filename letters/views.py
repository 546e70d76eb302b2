from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from cases.lifecycle import Status
from cases.permissions import visible_cases
from core import roles


def letter_center(request: HttpRequest) -> HttpResponse:
    """Correspondence staff's list of decided cases whose letters are to be served."""
    if not (roles.is_staff_member(request.user) or roles.is_administrator(request.user)):
        raise PermissionDenied
    cases = (
        visible_cases(request.user).filter(status__in=[Status.DETERMINED, Status.LETTER_SIGNED]).order_by("due_date")
    )
    return render(request, "letters/center.html", {"cases": cases})
