"""The admin site records itself: every list, change, history and delete page of a model that holds case data
(``audit.coverage``) writes access-log rows, whichever ``ModelAdmin`` serves it, so a model registered tomorrow is
covered without anyone remembering to.

- An object's page (change, history, delete) is one row, written before the page runs (a failed page keeps it), with
  the case's number and the outcome: allowed, refused (403: no permission for that page or that method) or not found.
- A list is one row per object it shows, with each one's case, in one statement (one row when it shows none); a search
  is in the row's path. An action posted on the list is a change of the objects selected. A model with no path to a
  case (the outbox, the access log itself) is one row per list page, with the ids shown.

The action of a row is ``admin:<app>.<model>`` for the change page and ``admin:<app>.<model>.<page>`` for the others.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib import admin
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from audit import log
from audit.coverage import case_numbers, case_path, holds_case_data
from core.adminsite import PortalAdminSite

OBJECT_PAGES = {"change_view": "", "history_view": ".history", "delete_view": ".delete"}
LIST_PAGE = "changelist_view"


def _object_type(model_admin: admin.ModelAdmin) -> str:
    return getattr(model_admin, "access_object_type", None) or model_admin.opts.model_name


def _case_number(model_admin: admin.ModelAdmin, obj) -> str:
    """The case of an object: as its ``ModelAdmin`` names it (``AccessLoggedAdminMixin``), else by the rule's path."""
    if hasattr(model_admin, "access_case_number"):
        return model_admin.access_case_number(obj)
    return case_numbers(model_admin.model, [obj.pk]).get(obj.pk, "")


def _outcome(request: HttpRequest, model_admin: admin.ModelAdmin, page: str, obj) -> str:
    if obj is None:
        return log.Outcome.NOT_FOUND
    if page == "delete_view":
        allowed = model_admin.has_delete_permission(request, obj)
    elif page == "change_view" and request.method == "POST":
        allowed = model_admin.has_change_permission(request, obj)
    else:
        allowed = model_admin.has_view_or_change_permission(request, obj)
    return log.Outcome.ALLOWED if allowed else log.Outcome.DENIED


def _object_page(view: Callable, model_admin: admin.ModelAdmin, page: str) -> Callable:
    @wraps(view)
    def logged(request: HttpRequest, object_id: str, *args, **kwargs) -> HttpResponse:
        obj = model_admin.get_object(request, unquote(object_id))
        number = _case_number(model_admin, obj) if obj is not None else ""
        log.record(
            request,
            object_type=_object_type(model_admin),
            object_id=object_id,
            case_number=number,
            outcome=_outcome(request, model_admin, page, obj),
            action=f"admin:{model_admin.opts.label_lower}{OBJECT_PAGES[page]}",
        )
        return view(request, object_id, *args, **kwargs)

    return logged


def _shown(request: HttpRequest, response: HttpResponse) -> list:
    """The objects a list answer shows, or the primary keys of those an action was posted for."""
    changelist = (getattr(response, "context_data", None) or {}).get("cl")
    if changelist is not None:
        return list(changelist.result_list)
    return request.POST.getlist(helpers.ACTION_CHECKBOX_NAME) if request.method == "POST" else []


def _list_page(view: Callable, model_admin: admin.ModelAdmin) -> Callable:
    action = f"admin:{model_admin.opts.label_lower}.list"

    @wraps(view)
    def logged(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            response = view(request, *args, **kwargs)
        except PermissionDenied:
            log.record(request, object_type=_object_type(model_admin), outcome=log.Outcome.DENIED, action=action)
            raise
        shown = _shown(request, response)
        if case_path(model_admin.model) is None:  # no case to name: one row, with the objects' ids
            ids = [str(getattr(item, "pk", item)) for item in shown]
            log.record(request, object_type=_object_type(model_admin), action=action, shown=ids)
        else:
            numbers = case_numbers(model_admin.model, shown)
            log.record_list(request, _object_type(model_admin), numbers.items(), action=action)
        return response

    return logged


class AccessLoggedAdminSite(PortalAdminSite):
    """The portal's admin site (``core.adminsite``: the text rule on every form) that also records itself."""

    def admin_view(self, view: Callable, cacheable: bool = False) -> Callable:
        model_admin = getattr(view, "__self__", None)
        page = getattr(view, "__name__", "")
        if isinstance(model_admin, admin.ModelAdmin) and holds_case_data(model_admin.model):
            if page in OBJECT_PAGES:
                view = _object_page(view, model_admin, page)
            elif page == LIST_PAGE:
                view = _list_page(view, model_admin)
        return super().admin_view(view, cacheable)
