"""The log-in lock-out (django-axes), counted by user name and by address separately.

django-axes stores one ``AccessAttempt`` row per (user name, address, browser) with its failure count. This handler
changes two things of its database handler:

- **Two limits.** A user name is locked after ``AXES_FAILURE_LIMIT`` failures from anywhere; an address after
  ``IMR_LOGIN_ADDRESS_FAILURE_LIMIT`` failures for any user names. The address limit is larger because one address
  may be a whole clinic behind its NAT: a few typos of its staff must not lock everyone there out.
- **A success clears only the user's own failures from where they are.** axes's ``AXES_RESET_ON_SUCCESS`` deletes
  every row matching any lock-out parameter, so a log-in of ``reviewer2`` wiped the failures of ``reviewer1`` from
  the same address (issue 20). Here a success deletes only the rows of that user name *and* that address: another
  user's success clears nothing of the victim's, and guesses made elsewhere against the user stay counted.

Forms other than the log-in that check a password (the password change) count toward the same lock-out through
``check_password_counted``.
"""

from __future__ import annotations

from typing import NoReturn

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.signals import user_login_failed
from django.db.models import Sum
from django.http import HttpRequest


class LockedOut(Exception):
    """The user name or the address is locked out: nothing may check a password now."""


def address_failure_limit() -> int:
    return settings.IMR_LOGIN_ADDRESS_FAILURE_LIMIT


def _failures(**lookup) -> int:
    return AccessAttempt.objects.filter(**lookup).aggregate(total=Sum("failures_since_start"))["total"] or 0


class PortalLockoutHandler(AxesDatabaseHandler):
    """``AXES_HANDLER``: the database handler with a limit per user name and a larger one per address."""

    def get_failures(self, request, credentials: dict | None = None) -> int:
        """The failures in the cool-off window, in units of ``AXES_FAILURE_LIMIT`` (axes compares this one number
        with it): the user name's count, or the address's count scaled so that its own limit reads as the user
        limit (``floor(a * u / L) >= u`` exactly when ``a >= L``)."""
        since = get_cool_off_threshold(request)
        username = get_client_username(request, credentials)
        by_username = _failures(username=username, attempt_time__gte=since) if username else 0
        by_address = _failures(ip_address=request.axes_ip_address, attempt_time__gte=since)
        user_limit = settings.AXES_FAILURE_LIMIT
        return max(by_username, by_address * user_limit // max(1, address_failure_limit()))

    def reset_user_attempts(self, request: HttpRequest, credentials: dict | None = None) -> int:
        """After a successful log-in: forget this user's failures from this address, and nothing else."""
        username = get_client_username(request, credentials)
        if not username:
            return 0
        count, _ = AccessAttempt.objects.filter(username=username, ip_address=request.axes_ip_address).delete()
        return count


def check_password_counted(request: HttpRequest, user, password: str) -> bool:
    """Check the signed-in ``user``'s ``password`` as a log-in would: refused while locked out, and a wrong one
    counted as a failed log-in of that user name from this address. Raises ``LockedOut`` (after logging the user
    out) when the user name or the address is locked, before or because of this try."""
    credentials = {settings.AXES_USERNAME_FORM_FIELD: user.get_username()}
    if not AxesProxyHandler.is_allowed(request, credentials):
        _end_session(request)
    if user.check_password(password):
        return True
    user_login_failed.send(sender=__name__, credentials=credentials, request=request)
    if not AxesProxyHandler.is_allowed(request, credentials):
        _end_session(request)
    return False


def _end_session(request: HttpRequest) -> NoReturn:
    request.axes_locked_out = False  # answered by the caller, not again by AxesMiddleware
    logout(request)
    raise LockedOut
