from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from cases.views import _require_intake


def case_import(request: HttpRequest) -> HttpResponse:
    _require_intake(request)
    return render(request, "cases/case_import.html", {})
