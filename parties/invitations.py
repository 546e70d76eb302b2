"""An organization's people: an administrator sets up an organization and invites its first user (a manager); a
manager invites colleagues and deactivates them.

An invitation is a link mailed through the outbox to one address; its token is stored as its SHA-256 only, works once,
until it expires (``INVITATION_DAYS``; the token: ``accounts.tokens``). Opening it, the invited person chooses a user
name and a password; the account is made a member of the organization, signed in, and sent straight to setting up the
authenticator app: opening the mailed link proved the mailbox, as the set-up link of ``accounts.enrolment`` does. No
party page opens before the second factor is set up and passed (``parties.rules``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts import tokens
from core.models import EmailTemplate, Party
from core.notifications import queue_email
from core.services import get_or_create_party, record_event
from parties.models import ORGANIZATION_KINDS, Invitation, Membership

INVITATION_DAYS = 7
TEMPLATE_KEY = "party_invitation"
TEMPLATE = {
    "description": "To a person a claims administrator, law firm or physician's office asked to add: the invitation "
    "to the parties' portal.",
    "subject": "Your invitation to the {{ organization_name }} portal for {{ party_name }}",
    "body": (
        "Hello,\n\n"
        "{{ inviter }} invited you to the {{ organization_name }} portal as one of the people of {{ party_name }}. "
        "There you see where your Independent Medical Review cases stand, send their records and fetch their "
        "letters.\n\n"
        "Open this link to choose your user name and password; it works once, until {{ expires }}:\n\n"
        "{{ link }}\n\n"
        "Then you set up an authenticator app on your phone (a second factor): the portal holds medical records.\n\n"
        "If you did not expect this invitation, ignore it.\n\n"
        "{{ organization_name }}\n"
    ),
}


def check_organization(party: Party) -> None:
    if party.kind not in ORGANIZATION_KINDS:
        kinds = ", ".join(str(Party.Kind(kind).label).lower() for kind in ORGANIZATION_KINDS)
        raise ValidationError(
            f"{party} is {party.get_kind_display().lower()}: only a {kinds} can have people on the portal."
        )


@transaction.atomic
def invite(organization: Party, email: str, *, by, is_manager: bool = False) -> Invitation:
    """Store an invitation and queue its e-mail (sent after commit, by the outbox)."""
    check_organization(organization)
    email = email.strip()
    if not email:
        raise ValidationError({"email": "Give the e-mail address of the person to invite."})
    new = tokens.new_token(timedelta(days=INVITATION_DAYS))
    invitation = Invitation.objects.create(
        organization=organization,
        email=email,
        is_manager=is_manager,
        token_hash=new.token_hash,
        invited_by=by if by is not None and by.is_authenticated else None,
        expires_at=new.expires_at,
    )
    EmailTemplate.objects.get_or_create(key=TEMPLATE_KEY, defaults=TEMPLATE)  # editable in the admin like the rest
    context = {
        "organization_name": settings.IMR_ORGANIZATION_NAME,
        "party_name": organization.name,
        "inviter": (by.get_full_name() or by.get_username()) if by is not None else settings.IMR_ORGANIZATION_NAME,
        "link": settings.IMR_PUBLIC_BASE_URL.rstrip("/") + reverse("parties:invitation", args=[new.token]),
        "expires": f"{timezone.localtime(invitation.expires_at):%m/%d/%Y %I:%M %p} Pacific time",
    }
    queue_email(TEMPLATE_KEY, [email], context, related=invitation)
    record_event(by, "parties.invited", invitation, organization=organization.pk, manager=is_manager)
    return invitation


@transaction.atomic
def set_up_organization(
    *, party: Party | None, kind: str = "", name: str = "", email: str = "", first_user_email: str, by
) -> Invitation:
    """An organization from an existing party, or a new party of ``kind`` named ``name``; its first user invited as
    its manager."""
    if party is None:
        if kind not in ORGANIZATION_KINDS:
            raise ValidationError({"kind": "Choose the kind of organization."})
        party = get_or_create_party(kind, name, email=email.strip() or None)
        if party is None:
            raise ValidationError({"name": "Give the organization's name, or choose a party the portal knows."})
    check_organization(party)
    return invite(party, first_user_email, by=by, is_manager=True)


class InvitationProblem(Exception):
    """Why an invitation link cannot be used (the message is for the person who opened it)."""


def usable_invitation(token: str) -> Invitation:
    """The invitation of ``token``, or ``InvitationProblem`` saying why it cannot be used."""
    invitation = tokens.find(Invitation.objects.select_related("organization"), token)
    if invitation is None:
        raise InvitationProblem(
            "This invitation link is not valid. Check that the whole link was copied, or ask for a new invitation."
        )
    if invitation.used_at is not None:
        raise InvitationProblem("This invitation was used already. Log in with the user name and password you chose.")
    if invitation.expires_at <= timezone.now():
        raise InvitationProblem(
            f"This invitation expired on {timezone.localtime(invitation.expires_at):%m/%d/%Y}. Ask the person who "
            "invited you for a new one."
        )
    return invitation


@dataclass(frozen=True)
class NewAccount:
    username: str
    password: str
    first_name: str = ""
    last_name: str = ""


@transaction.atomic
def accept(token: str, account: NewAccount):
    """Use the invitation: a new user, member of the invitation's organization. Once only (under a row lock)."""
    invitation = usable_invitation(token)
    if not tokens.redeem(Invitation.objects.filter(pk=invitation.pk), token):  # a concurrent request used it just now
        raise InvitationProblem("This invitation was used already. Log in with the user name and password you chose.")
    user_model = get_user_model()
    if user_model.objects.filter(username__iexact=account.username).exists():
        raise ValidationError({"username": f"The user name {account.username} is taken: choose another."})
    user = user_model.objects.create_user(
        username=account.username,
        email=invitation.email,
        password=account.password,
        first_name=account.first_name,
        last_name=account.last_name,
    )
    Membership.objects.create(
        user=user,
        organization=invitation.organization,
        is_manager=invitation.is_manager,
        invited_by=invitation.invited_by,
    )
    invitation.user = user
    invitation.save(update_fields=["user"])
    record_event(user, "parties.joined", invitation, organization=invitation.organization_id)
    return user


@transaction.atomic
def deactivate(membership: Membership, *, by) -> None:
    """The user can no longer log in; every session of theirs ends now. Kept (never deleted): the logs name them."""
    if by is not None and membership.user_id == by.pk:
        raise ValidationError("You cannot deactivate your own account: ask another manager or an administrator.")
    user = membership.user
    user.is_active = False
    user.save(update_fields=["is_active"])  # every session of theirs ends with it (accounts.signals)
    record_event(by, "parties.deactivated", membership, user=user.pk, organization=membership.organization_id)
