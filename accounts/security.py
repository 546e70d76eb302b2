"""Small security helpers: the client's address, a rate limiter on the cache, and the second-factor rule."""

from __future__ import annotations

import hashlib
import logging
import time
from importlib import import_module

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import UserSession
from core import roles

log = logging.getLogger(__name__)


def client_ip(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, or with ``IMR_TRUSTED_PROXY_COUNT`` proxies in front, the address the
    outermost of them saw (the entries of X-Forwarded-For left of those are the client's to invent)."""
    remote = request.META.get("REMOTE_ADDR") or ""
    count = settings.IMR_TRUSTED_PROXY_COUNT
    if count is None:  # unset under production settings: `check --deploy` fails (accounts.E004)
        _warn_proxy_count_unset(request)
        count = 0
    if count > 0:
        hops = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(hops) >= count:
            return hops[-count][:45]
    return remote[:45]


_proxy_warning_given = False


def _warn_proxy_count_unset(request: HttpRequest) -> None:
    """Once per process, loudly: a request came through a proxy (it carries X-Forwarded-For) while the count of
    proxies is unset, so every client looks like the proxy to the lock-out and the rate limits."""
    global _proxy_warning_given
    if not _proxy_warning_given and request.META.get("HTTP_X_FORWARDED_FOR"):
        _proxy_warning_given = True
        log.error(
            "IMR_TRUSTED_PROXY_COUNT is not set but requests come through a proxy (X-Forwarded-For): every client "
            "looks like the proxy, and one client's failed log-ins lock out everyone. Set it (docs/deploy.md)."
        )


def rate_limit(scope: str, key: str, *, limit: int, window: int) -> bool:
    """Count one event for ``key`` in the current ``window``-second window; False once more than ``limit`` came.

    A fixed window on the shared cache (Redis in production, so every web process counts together)."""
    bucket = int(time.time() // window)
    digest = hashlib.sha256(key.encode("utf-8", "replace")).hexdigest()[:32]
    cache_key = f"imr-rate:{scope}:{digest}:{bucket}"
    if cache.add(cache_key, 1, timeout=window + 5):
        return limit >= 1
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.add(cache_key, 1, timeout=window + 5)
        count = 1
    return count <= limit


HAS_SECOND_FACTOR_KEY = "imr_has_second_factor"


def second_factor_required(user, session=None) -> bool:
    """Must this user pass a second factor? Users of ``IMR_OTP_REQUIRED_ROLES`` when ``IMR_OTP_ENFORCED`` (always in
    production); anyone who has set one up.

    With ``session``, whether the user has one is read from the session (written at log-in and when it is set up or
    removed; setting one up logs out the user's other sessions), so a request costs no query for it."""
    if not user.is_authenticated:
        return False
    if settings.IMR_OTP_ENFORCED and role_requires_second_factor(user):
        return True
    if session is not None:
        if HAS_SECOND_FACTOR_KEY not in session:
            session[HAS_SECOND_FACTOR_KEY] = has_second_factor(user)
        return session[HAS_SECOND_FACTOR_KEY]
    return has_second_factor(user)


def remember_second_factor(request: HttpRequest, present: bool) -> None:
    request.session[HAS_SECOND_FACTOR_KEY] = present
    request.user._has_totp = present


def role_requires_second_factor(user) -> bool:
    required = set(settings.IMR_OTP_REQUIRED_ROLES)
    return bool(required.intersection(roles.role_names(user)))


def has_second_factor(user) -> bool:
    cached = getattr(user, "_has_totp", None)
    if cached is None:
        cached = user._has_totp = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    return cached


# -- signed-in sessions -----------------------------------------------------------------------------------------


def record_session(request: HttpRequest, user) -> None:
    key = request.session.session_key
    if not key:
        request.session.save()
        key = request.session.session_key
    UserSession.objects.update_or_create(
        session_key=key,
        defaults={
            "user": user,
            "ip_address": client_ip(request) or None,
            "user_agent": request.META.get("HTTP_USER_AGENT", "")[:300],
        },
    )


def rotate_session(request: HttpRequest) -> None:
    """A new session key for the same session (after the second factor), kept in the user's list of sessions."""
    old = request.session.session_key
    request.session.cycle_key()
    if old:
        UserSession.objects.filter(session_key=old).delete()
    record_session(request, request.user)


def end_all_sessions(user, *, except_key: str | None = None) -> int:
    """Log ``user`` out everywhere: delete every session of theirs from the session store. Returns how many."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    rows = UserSession.objects.filter(user=user)
    if except_key:
        rows = rows.exclude(session_key=except_key)
    keys = list(rows.values_list("session_key", flat=True))
    for key in keys:
        store(session_key=key).delete()
    rows.delete()
    return len(keys)
