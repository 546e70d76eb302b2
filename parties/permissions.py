"""How a party page enforces its rule: one decorator for the organization's pages, one for a page about one of its
cases. Both write the access log, as ``cases.permissions.case_view`` does for the staff pages.

- Not a party user (staff, a deactivated account): 403.
- A party user who has not set up or passed the second factor in this session: sent to set it up (the Security page)
  before anything is read.
- A case that does not name the user's organization: 404, exactly as a case that does not exist.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse

from accounts import security
from audit import log
from cases.permissions import url_target
from core.permissions import check_permission
from parties.visibility import get_organization_case_or_404, organization_of

PORTAL = "parties.use_portal"


def _second_factor_missing(request) -> bool:
    return not request.user.is_verified()


def _to_second_factor(request):
    if security.has_second_factor(request.user):
        return redirect_to_login(request.get_full_path(), reverse("accounts:second_factor"))
    messages.warning(
        request, "Set up your authenticator app first: the portal holds medical records, so every account needs one."
    )
    return redirect("accounts:security")


def party_view(permission: str = PORTAL) -> Callable:
    """View decorator for an organization's pages: the view is called with the organization after the request."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            organization = organization_of(request.user)
            if organization is None:
                raise PermissionDenied
            if _second_factor_missing(request):
                return _to_second_factor(request)
            check_permission(request.user, permission)
            return view(request, organization, *args, **kwargs)

        return wrapped

    return decorator


def party_case_view(permission: str = PORTAL, *, load: Callable | None = None) -> Callable:
    """View decorator for a page about one case of the organization (URL parameter ``case_number``): the view is
    called with the organization and the case. Every call is in the access log, found or not.

    ``load(organization, case, object_id)``, for a URL naming a document or a letter of the case, finds that object
    (None: 404, logged as not found); the view gets it in place of its id."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request, case_number: str, *args, **kwargs):
            object_type, object_id = url_target(kwargs)
            organization = organization_of(request.user)
            if organization is not None and _second_factor_missing(request):
                return _to_second_factor(request)
            try:
                if organization is None:
                    raise PermissionDenied
                check_permission(request.user, PORTAL)
                case = get_organization_case_or_404(organization, case_number)
                check_permission(request.user, permission, case)
                if load is not None:
                    target = load(organization, case, object_id)
                    if target is None:
                        raise Http404
            except (Http404, PermissionDenied) as refusal:
                outcome = log.Outcome.NOT_FOUND if isinstance(refusal, Http404) else log.Outcome.DENIED
                log.record(
                    request, object_type=object_type, object_id=object_id, case_number=case_number, outcome=outcome
                )
                raise
            log.record(
                request,
                object_type=object_type,
                object_id=object_id or case.pk,
                case_number=case_number,
                organization=organization.pk,
            )
            if load is not None:
                return view(request, organization, case, target)
            return view(request, organization, case, *args, **kwargs)

        return wrapped

    return decorator
