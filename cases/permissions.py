"""Who may see which case: one rule, used by every page, list, search, count, download and export.

A user who may not see a case gets a 404 from ``get_visible_case_or_404`` (and from every view decorated with
``case_view``), never a hint that it exists. What a user may *do* with a case they see is in ``cases/rules.py``.
"""

from collections.abc import Callable
from functools import wraps

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from audit import log
from cases.lifecycle import Status
from cases.models import Case
from core import roles
from core.permissions import allowed, check_permission

# Clinical QA reads what reviewers wrote; correspondence staff handle decided cases and their letters.
QA_STATES = (Status.IN_REVIEW, Status.QA, Status.DETERMINED, Status.LETTER_SIGNED, Status.SERVED, Status.CLOSED)
STAFF_STATES = (Status.DETERMINED, Status.LETTER_SIGNED, Status.SERVED, Status.CLOSED)


def case_visibility_filter(user) -> Q | None:
    """The rule as a filter; None means everything. An empty ``Q(pk__in=[])`` means nothing."""
    if not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    if roles.is_administrator(user):
        return None
    rule = Q(pk__in=[])
    if roles.is_reviewer(user):
        rule |= Q(reviewer=user)
    if roles.is_qa(user):
        rule |= Q(status__in=QA_STATES)
    if roles.is_staff_member(user):
        rule |= Q(status__in=STAFF_STATES)
    return rule


def visible_cases(user, queryset: QuerySet | None = None) -> QuerySet:
    queryset = Case.objects.all() if queryset is None else queryset
    rule = case_visibility_filter(user)
    return queryset if rule is None else queryset.filter(rule)


def get_visible_case_or_404(user, case_number: str, queryset: QuerySet | None = None) -> Case:
    return get_object_or_404(visible_cases(user, queryset), case_number=case_number)


def _records_only_case(user, case_number: str, queryset: QuerySet | None) -> Case:
    """A case outside the user's visibility whose records they may read all the same (``cases.read_records_only``,
    e.g. a blinded second reviewer); 404 otherwise."""
    case = get_object_or_404(Case.objects.all() if queryset is None else queryset, case_number=case_number)
    if not user.is_active or not allowed(user, "cases.read_records_only", case):
        raise Http404
    return case


def case_view(
    permission: str | None = None, *, queryset: Callable[[], QuerySet] | None = None, records_only: bool = False
) -> Callable:
    """View decorator for every page about one case (URL parameter ``case_number``).

    Loads the case through the visibility rule (404 for a case the user may not see), then checks ``permission`` on
    it (403; ``None`` when seeing the case is enough), and calls the view with the case in place of its number.
    ``queryset`` makes the queryset the case is loaded from (``select_related`` and the like). ``records_only``: the
    records' own views, also open to a records-only reader of a case they may not see (``cases.read_records_only``).

    Every call is recorded in the access log (``audit``), before the view runs: who asked for which case (and which
    document, letter or version of it), and whether it was allowed, refused or not found."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request, case_number: str, *args, **kwargs):
            object_type, object_id = url_target(kwargs)
            try:
                try:
                    case = get_visible_case_or_404(request.user, case_number, queryset() if queryset else None)
                except Http404:
                    if not records_only:
                        raise
                    case = _records_only_case(request.user, case_number, queryset() if queryset else None)
                if permission is not None:
                    check_permission(request.user, permission, case)
            except (Http404, PermissionDenied) as refusal:
                outcome = log.Outcome.NOT_FOUND if isinstance(refusal, Http404) else log.Outcome.DENIED
                log.record(
                    request, object_type=object_type, object_id=object_id, case_number=case_number, outcome=outcome
                )
                raise
            log.record(request, object_type=object_type, object_id=object_id or case.pk, case_number=case_number)
            return view(request, case, *args, **kwargs)

        return wrapped

    return decorator


def url_target(kwargs: dict) -> tuple[str, object]:
    """What inside the case the URL names: a document, a letter, or the case itself (its id is known once found)."""
    for name, object_type in (("document_id", "document"), ("letter_id", "letter")):
        if name in kwargs:
            return object_type, kwargs[name]
    return "case", ""
