"""Every refusal under ``/api/v1/`` is a problem (``application/problem+json``), also those answered before the API's
own code runs: the portal's NUL guard (``core.middleware.RefuseNulMiddleware``, a plain-text 400), a method the
endpoint does not take (405), a body too large for Django (400)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from api.problems import CONTENT_TYPE, ApiProblem, response

PREFIX = "/api/v1/"
# The staff's docs page is a page of the portal, with the portal's error pages.
PAGES = ("/api/v1/docs/",)
KEPT_HEADERS = ("Allow", "Retry-After", "WWW-Authenticate")


class ProblemDetailsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        answer = self.get_response(request)
        if (
            answer.status_code < 400
            or not request.path.startswith(PREFIX)
            or request.path.startswith(PAGES)
            or answer.get("Content-Type", "").startswith(CONTENT_TYPE)
            or getattr(answer, "streaming", False)
        ):
            return answer
        text = (
            answer.content.decode("utf-8", errors="replace").strip()
            if answer.get("Content-Type", "").startswith("text/plain")
            else ""
        )
        detail = text.removeprefix("Bad request: ") or answer.reason_phrase
        headers = {name: answer[name] for name in KEPT_HEADERS if answer.has_header(name)}
        return response(ApiProblem(answer.status_code, "refused", detail, headers=headers))
