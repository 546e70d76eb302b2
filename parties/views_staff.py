"""The administrators' side of the parties (``parties.manage_organizations``): the organizations with their people and
invitations; setting one up from a party the portal knows (or a new one) and inviting its first user; inviting more
people and deactivating them."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from core.models import Party
from core.permissions import permission_required
from parties import invitations
from parties.forms import InviteForm, OrganizationForm
from parties.models import ORGANIZATION_KINDS, Invitation, Membership

MANAGE = "parties.manage_organizations"


def _organizations():
    """The parties with people or invitations: the organizations on the portal."""
    on_portal = Q(pk__in=Membership.objects.values("organization")) | Q(
        pk__in=Invitation.objects.values("organization")
    )
    return (
        Party.objects.filter(on_portal, kind__in=ORGANIZATION_KINDS)
        .annotate(pending=Count("invitations", filter=Q(invitations__used_at=None)))
        .order_by("name")
    )


@permission_required(MANAGE)
def organizations(request: HttpRequest) -> HttpResponse:
    rows = list(_organizations())
    users = Membership.objects.filter(organization__in=rows).select_related("user").order_by("user__username")
    by_organization: dict[int, list[Membership]] = {}
    for membership in users:
        by_organization.setdefault(membership.organization_id, []).append(membership)
    return render(
        request,
        "parties/staff/organizations.html",
        {"rows": [(party, by_organization.get(party.pk, [])) for party in rows]},
    )


@permission_required(MANAGE)
def organization_new(request: HttpRequest) -> HttpResponse:
    form = OrganizationForm(request.POST or None, initial={"party": request.GET.get("party")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            invitation = invitations.set_up_organization(
                party=data["party"],
                kind=data["kind"],
                name=data["name"],
                email=data["email"],
                first_user_email=data["first_user_email"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, f"{invitation.organization} is set up; its first user is invited at {invitation.email}."
            )
            return redirect("parties:organization", invitation.organization_id)
    status = 400 if request.method == "POST" else 200
    return render(request, "parties/staff/organization_new.html", {"form": form}, status=status)


def _organization_page(request: HttpRequest, party: Party, form=None, status: int = 200) -> HttpResponse:
    return render(
        request,
        "parties/staff/organization.html",
        {
            "organization": party,
            "memberships": party.memberships.select_related("user", "invited_by").order_by("user__username"),
            "invitations": party.invitations.select_related("invited_by").order_by("-created_at")[:50],
            "form": form or InviteForm(),
        },
        status=status,
    )


def _organization(organization_id: int) -> Party:
    return get_object_or_404(Party, pk=organization_id, kind__in=ORGANIZATION_KINDS)


@permission_required(MANAGE)
def organization(request: HttpRequest, organization_id: int) -> HttpResponse:
    return _organization_page(request, _organization(organization_id))


@require_POST
@permission_required(MANAGE)
def organization_invite(request: HttpRequest, organization_id: int) -> HttpResponse:
    party = _organization(organization_id)
    form = InviteForm(request.POST)
    if not form.is_valid():
        return _organization_page(request, party, form, status=400)
    email = form.cleaned_data["email"]
    invitations.invite(party, email, by=request.user, is_manager=form.cleaned_data["is_manager"])
    messages.success(request, f"Invitation sent to {email}.")
    return redirect("parties:organization", party.pk)


@require_POST
@permission_required(MANAGE)
def organization_deactivate(request: HttpRequest, organization_id: int, membership_id: int) -> HttpResponse:
    party = _organization(organization_id)
    membership = get_object_or_404(Membership.objects.select_related("user"), pk=membership_id, organization=party)
    invitations.deactivate(membership, by=request.user)
    messages.success(request, f"{membership.user} can no longer log in.")
    return redirect("parties:organization", party.pk)
