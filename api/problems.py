"""Errors as RFC 9457 problem details (``application/problem+json``): ``type``, ``title``, ``status``, ``detail`` and,
for a refused body or parameter, ``problems``: each with the JSON path of what was wrong and the message (for an
application, the messages of the ``imr-case/1`` checks)."""

from __future__ import annotations

import json

from django.http import HttpResponse
from ninja import Schema

CONTENT_TYPE = "application/problem+json"
TYPE_BASE = "https://imr-portal.example/problems/"

TITLES = {
    400: "Bad request",
    401: "Not authenticated",
    403: "Not allowed",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    413: "Too large",
    415: "Unsupported media type",
    422: "Unprocessable content",
    429: "Too many requests",
    503: "Unavailable",
}


class Issue(Schema):
    path: str
    message: str


class Problem(Schema):
    type: str
    title: str
    status: int
    detail: str
    problems: list[Issue] = []


class ApiProblem(Exception):
    """Raised anywhere in an endpoint: answered as a problem."""

    def __init__(
        self,
        status: int,
        kind: str,
        detail: str,
        problems: list[Issue] | None = None,
        headers: dict[str, str] | None = None,
    ):
        super().__init__(detail)
        self.status, self.kind, self.detail = status, kind, detail
        self.problems = problems or []
        self.headers = headers or {}


def response(problem: ApiProblem) -> HttpResponse:
    body = Problem(
        type=TYPE_BASE + problem.kind,
        title=TITLES.get(problem.status, "Error"),
        status=problem.status,
        detail=problem.detail,
        problems=problem.problems,
    )
    answer = HttpResponse(
        json.dumps(body.model_dump(), ensure_ascii=False), status=problem.status, content_type=CONTENT_TYPE
    )
    for name, value in problem.headers.items():
        answer[name] = value
    return answer


def not_found() -> ApiProblem:
    """The one answer for a case (or a letter) that does not exist or is not the key's organization's: the same body
    whatever the number asked, so that it tells nothing."""
    return ApiProblem(404, "not-found", "No such case or letter for this key's organization.")


def interchange_issue(message: str) -> Issue:
    """One message of the ``imr-case/1`` checks (``cases[0].items[0].decision: must be …``) as an issue of the one
    application sent (path ``$.items[0].decision``)."""
    if message.startswith("(document):"):
        return Issue(path="$", message=message.removeprefix("(document):").strip())
    head, separator, text = message.partition(": ")
    if not separator or not head.startswith("cases[0]"):
        return Issue(path="$", message=message)
    rest = head.removeprefix("cases[0]")
    return Issue(path="$" + rest, message=text)
