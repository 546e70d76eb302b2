"""A refused request (403) leaves a row in the access log wherever it was refused: a role without the permission on a
list, an import, the admin, ... Pages about a case record their own refusals (``case_view``), with the case; this
records the rest, once."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from audit import log


class RefusalLogMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        if response.status_code == 403 and signed_in and not log.recorded(request):
            log.record(request, object_type="page", outcome=log.Outcome.DENIED)
        return response
