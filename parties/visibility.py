"""Which cases and documents an organization's people may see: one rule, used by every party page and API endpoint.

A case is an organization's when it names the organization: as claims administrator, as the worker's attorney's
firm, as requesting physician, or as that physician's provider group. Of a case's documents an organization sees only
those it sent itself; never a reviewer's identity, never another party's uploads. Anything else answers 404, exactly
as a case that does not exist.
"""

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from cases.models import Case, CaseDocument
from core import roles
from core.models import Party


def organization_of(user) -> Party | None:
    """The organization a signed-in party user belongs to; None for staff, the public and deactivated users."""
    if not user.is_authenticated or not user.is_active:
        return None
    # A party user holds no staff role: staff are never one, and their pages ask no more of the database for it (the
    # roles are already read, and kept on the user for the request).
    if roles.role_names(user):
        return None
    membership = getattr(user, "party_membership", None)
    return membership.organization if membership is not None else None


def case_filter(organization: Party) -> Q:
    named = Q(claims_administrator=organization) | Q(employee_attorney=organization)
    if not isinstance(organization, Party):
        # An expression: a subquery's OuterRef (``webhooks.outbox`` asks for every endpoint's organization at once).
        return named | Q(requesting_provider=organization) | Q(requesting_provider__organization=organization)
    # The group's physicians read first (a few ids): every condition then falls on a column of the case with its own
    # index, which PostgreSQL ORs by bitmap. Through the join to the physician it read all 1,000,000 cases (0.4 s).
    physicians = list(Party.objects.filter(organization=organization).values_list("pk", flat=True))
    return named | Q(requesting_provider__in=[organization.pk, *physicians])


def organization_cases(organization: Party | None, queryset: QuerySet | None = None) -> QuerySet:
    queryset = Case.objects.all() if queryset is None else queryset
    if organization is None:
        return queryset.none()
    return queryset.filter(case_filter(organization))


def get_organization_case_or_404(
    organization: Party | None, case_number: str, queryset: QuerySet | None = None
) -> Case:
    return get_object_or_404(organization_cases(organization, queryset), case_number=case_number)


def organization_documents(organization: Party, case: Case) -> QuerySet:
    """The documents of ``case`` that ``organization`` sent: the only ones its people see."""
    return CaseDocument.objects.filter(case=case, sent_by=organization)
