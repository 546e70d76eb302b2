"""Who may see which case: one rule, used by every page, list, search, count, download and export.

A user who may not see a case gets a 404 from ``get_visible_case_or_404``, never a hint that it exists.
"""

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from cases.lifecycle import Status
from cases.models import Case
from core import roles

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


def can_view_case(user, case: Case) -> bool:
    return visible_cases(user).filter(pk=case.pk).exists()


def get_visible_case_or_404(user, case_number: str, queryset: QuerySet | None = None) -> Case:
    return get_object_or_404(visible_cases(user, queryset), case_number=case_number)


def can_edit_intake(user) -> bool:
    return roles.is_administrator(user)
