"""One HTTP POST of a webhook, with the standard library (``urllib.request``: the portal sends nothing else over HTTP,
so it takes on no HTTP client for this). A short timeout; redirects are not followed (an answer 3xx is a failed try:
the organization gives the final address); the answer's body is read only in part, for the delivery page.
"""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from dataclasses import dataclass

TIMEOUT_SECONDS = 10
USER_AGENT = "IMR-Portal-Webhooks/1"
ANSWER_EXCERPT = 500


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None  # the 3xx answer comes back as an HTTPError, recorded as a failed try


_opener = urllib.request.build_opener(NoRedirect)


@dataclass(frozen=True)
class Answer:
    status_code: int | None  # None: no answer (refused, timed out, not found)
    error: str  # "" when delivered (a 2xx answer)
    duration_ms: int

    @property
    def delivered(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def _excerpt(response) -> str:
    try:
        return response.read(ANSWER_EXCERPT).decode("utf-8", errors="replace").strip()
    except OSError:
        return ""


def post(url: str, data: bytes, headers: dict[str, str]) -> Answer:
    request = urllib.request.Request(url, data=data, method="POST")
    for name, value in {"Content-Type": "application/json", "User-Agent": USER_AGENT, **headers}.items():
        request.add_header(name, value)
    started = time.monotonic()

    def elapsed() -> int:
        return int((time.monotonic() - started) * 1000)

    try:
        with _opener.open(request, timeout=TIMEOUT_SECONDS) as response:
            _excerpt(response)
            return Answer(response.status, "", elapsed())
    except urllib.error.HTTPError as error:
        text = _excerpt(error)
        answered = f"Answered {error.code} {error.reason}"
        return Answer(error.code, f"{answered}: {text}" if text else answered, elapsed())
    except (urllib.error.URLError, OSError, ValueError) as error:
        reason = error.reason if isinstance(error, urllib.error.URLError) else error
        return Answer(None, f"No answer: {reason}"[:2000], elapsed())
