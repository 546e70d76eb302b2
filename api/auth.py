"""Who is calling: an organization's API key sent as ``Authorization: Bearer <key>``, with the scope each endpoint
needs, and at most ``IMR_API_RATE_LIMIT`` requests a minute per key (the Django cache: Redis where configured).

401: no key, an unknown, revoked or expired one; 403: a key without the endpoint's scope; 429 with ``Retry-After``:
too many requests from one key this minute (counted before the scope, so a key cannot probe past its limit).
"""

from __future__ import annotations

import math
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from ninja.security import HttpBearer

from api.keys import find_key, note_use
from api.models import ApiKey
from api.problems import ApiProblem

RATE_WINDOW_SECONDS = 60


def unauthenticated(detail: str) -> ApiProblem:
    return ApiProblem(401, "unauthenticated", detail, headers={"WWW-Authenticate": 'Bearer realm="imr-portal"'})


def check_rate(api_key: ApiKey) -> None:
    """Count this request against the key's minute; refuse it (429, ``Retry-After``) past the limit."""
    limit = settings.IMR_API_RATE_LIMIT
    now = time.time()
    window = int(now // RATE_WINDOW_SECONDS)
    name = f"api-rate:{api_key.prefix}:{window}"
    cache.add(name, 0, timeout=RATE_WINDOW_SECONDS + 5)
    try:
        count = cache.incr(name)
    except ValueError:  # expired between add and incr
        cache.set(name, 1, timeout=RATE_WINDOW_SECONDS + 5)
        count = 1
    if count > limit:
        wait = max(1, math.ceil((window + 1) * RATE_WINDOW_SECONDS - now))
        raise ApiProblem(
            429,
            "rate-limited",
            f"This key may make {limit} requests a minute; try again in {wait} seconds.",
            headers={"Retry-After": str(wait)},
        )


class ApiKeyAuth(HttpBearer):
    """An API key holding ``scope``; the key is then ``request.auth``."""

    def __init__(self, scope: str):
        super().__init__()
        self.scope = scope

    def authenticate(self, request: HttpRequest, token: str) -> ApiKey:
        api_key = find_key(token.strip())
        if api_key is None:
            raise unauthenticated("This is not a key of the portal.")
        status = api_key.status()
        if status != "active":
            raise unauthenticated(f"This key is {status}; ask your organization's manager for a new one.")
        check_rate(api_key)
        note_use(api_key)
        if self.scope not in api_key.scopes:
            raise ApiProblem(403, "scope-missing", f"This key does not hold the scope {self.scope}.")
        return api_key
