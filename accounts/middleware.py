"""Idle sessions end, the second factor comes before anything else, and responses carry the security headers."""

from __future__ import annotations

import time

from csp.constants import SELF
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.urls import reverse
from django.utils.cache import add_never_cache_headers

from accounts import security
from accounts.signals import LAST_SEEN_KEY, LOGIN_AT_KEY


class IdleSessionMiddleware:
    """Log out a session idle for ``IMR_SESSION_IDLE_SECONDS`` (or older than ``IMR_SESSION_MAX_SECONDS``).

    The last request's time is written to the session at most every minute (or every thirtieth of the idle time),
    which also renews the session's expiry in the store and the cookie."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated:
            session = request.session
            now = int(time.time())
            idle = settings.IMR_SESSION_IDLE_SECONDS
            last = session.get(LAST_SEEN_KEY)
            login_at = session.setdefault(LOGIN_AT_KEY, now)
            if (last is not None and now - last > idle) or now - login_at > settings.IMR_SESSION_MAX_SECONDS:
                logout(request)
                messages.info(
                    request,
                    f"You were logged out after {idle // 60} minutes without activity. Log in again to go on."
                    if last is not None and now - last > idle
                    else "Your session reached its time limit. Log in again to go on.",
                )
            elif last is None or now - last >= min(60, max(1, idle // 30)):
                session[LAST_SEEN_KEY] = now
        return self.get_response(request)


class SecurityHeadersMiddleware:
    """``Cache-Control: no-store`` on every response to a signed-in user (pages, files, exports, JSON: all can carry
    medical data), and ``frame-ancestors 'self'`` for the responses our own pages frame (those a view marked
    X-Frame-Options: SAMEORIGIN, such as record files and letter previews); everything else is never framed.

    Sits after ``csp.middleware.CSPMiddleware`` in MIDDLEWARE so that it sees the response first."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.get("X-Frame-Options", "").upper() == "SAMEORIGIN":
            replace = dict(getattr(response, "_csp_replace", None) or {})
            replace["frame-ancestors"] = [SELF]
            response._csp_replace = replace
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
        return response


class SecondFactorMiddleware:
    """A user who must pass the second factor (``accounts.security.second_factor_required``) and has not in this
    session reaches only the second-factor page, the set-up pages (until set up), public pages and log-out."""

    ALWAYS_OPEN = frozenset({"logout", "accounts:second_factor"})
    OPEN_UNTIL_SET_UP = frozenset(
        {"accounts:security", "accounts:totp_setup", "accounts:enrolment_request", "accounts:enrolment_link"}
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated or user.is_verified():
            return None
        if not getattr(view_func, "login_required", True):  # public pages (@login_not_required)
            return None
        view_name = request.resolver_match.view_name if request.resolver_match else ""
        if view_name in self.ALWAYS_OPEN or not security.second_factor_required(user, request.session):
            return None
        if request.session.get(security.HAS_SECOND_FACTOR_KEY):
            return redirect_to_login(request.get_full_path(), reverse("accounts:second_factor"))
        if view_name in self.OPEN_UNTIL_SET_UP:
            return None
        messages.warning(request, "Your role requires a second factor: set up an authenticator app to go on.")
        return redirect_to_login(request.get_full_path(), reverse("accounts:security"))
