"""Organizations and their people: an administrator sets one up and invites its first user; the invitation is a
mailed link that works once, before it expires, for its own organization only; the new user sets up the second factor
before any party page opens; a manager invites colleagues and deactivates them, in their own organization only."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core.models import AuditEvent, OutboxEmail, Party
from parties import invitations
from parties.models import Invitation, Membership
from tests.parties.conftest import sign_in

pytestmark = pytest.mark.django_db

User = get_user_model()


def invitation_link(email: str) -> str:
    message = OutboxEmail.objects.filter(template_key="party_invitation", to=[email]).latest("pk")
    return re.search(r"https?://[^/\s]+(/parties/invitation/\S+/)", message.body).group(1)


def accept(client, link: str, username: str = "jordan", password: str = "a long enough passphrase 42"):
    return client.post(
        link,
        {
            "first_name": "Jordan",
            "last_name": "Okafor",
            "username": username,
            "password": password,
            "password_again": password,
        },
    )


@pytest.fixture
def public_base_url(settings):
    settings.IMR_PUBLIC_BASE_URL = "https://imr.example.org"


def test_an_administrator_sets_up_an_organization_from_a_known_party_and_invites_its_first_user(
    admin_client, organization, public_base_url
):
    response = admin_client.post(
        reverse("parties:organization_new"), {"party": organization.pk, "first_user_email": "ana@goldenstate.example"}
    )

    invitation = Invitation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("parties:organization", args=[organization.pk])
    assert (invitation.organization, invitation.email, invitation.is_manager) == (
        organization,
        "ana@goldenstate.example",
        True,
    )
    message = OutboxEmail.objects.get(template_key="party_invitation")
    assert message.to == ["ana@goldenstate.example"]
    token = invitation_link("ana@goldenstate.example").rstrip("/").rsplit("/", 1)[1]
    # Only the token's SHA-256 is stored.
    assert invitation.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in invitation.token_hash
    assert message.body.startswith("Hello,\n\nAlexa Intakeworth invited you to the MAXIMUS Federal Services portal")


def test_an_administrator_sets_up_a_new_organization_by_name(admin_client, public_base_url):
    admin_client.post(
        reverse("parties:organization_new"),
        {"kind": Party.Kind.LAW_FIRM, "name": "Reyes & Park LLP", "first_user_email": "lr@reyespark.example"},
    )

    firm = Party.objects.get(name="Reyes & Park LLP")
    assert firm.kind == Party.Kind.LAW_FIRM
    assert Invitation.objects.get().organization == firm
    listing = admin_client.get(reverse("parties:organizations")).content.decode()
    assert "Reyes &amp; Park LLP" in listing


def test_an_employer_cannot_be_an_organization_of_the_portal(admin_client):
    employer = Party.objects.create(kind=Party.Kind.EMPLOYER, name="Acme Warehousing")

    with pytest.raises(Exception) as refused:
        invitations.set_up_organization(party=employer, first_user_email="hr@acme.example", by=None)

    assert "Acme Warehousing is employer: only a claims administrator / insurer" in str(refused.value)
    assert Invitation.objects.count() == 0


def test_the_new_organization_form_says_what_is_missing(admin_client):
    response = admin_client.post(reverse("parties:organization_new"), {"first_user_email": "not-an-address"})

    page = response.content.decode()
    assert response.status_code == 400
    assert "Choose the kind of the new organization, or a party the portal knows." in page
    assert "Enter a valid email address." in page
    assert Invitation.objects.count() == 0


def test_the_invited_person_makes_an_account_and_goes_straight_to_setting_up_the_authenticator(
    client, organization, admin_user, public_base_url
):
    invitations.invite(organization, "jordan@goldenstate.example", by=admin_user, is_manager=True)
    link = invitation_link("jordan@goldenstate.example")

    page = client.get(link)
    response = accept(client, link)

    assert page.status_code == 200
    assert "Join Golden State Claims" in page.content.decode()
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:totp_setup")
    user = User.objects.get(username="jordan")
    assert (user.email, user.party_membership.organization, user.party_membership.is_manager) == (
        "jordan@goldenstate.example",
        organization,
        True,
    )
    # The session opened the mailed link: the set-up page shows the new secret at once (no second mail).
    setup = client.get(reverse("accounts:totp_setup"))
    assert setup.status_code == 200
    assert 'id="totp-secret"' in setup.content.decode()
    assert Invitation.objects.get().used_at is not None
    assert AuditEvent.objects.filter(action="parties.joined", actor=user).count() == 1


def test_no_party_page_opens_before_the_second_factor_is_set_up(client, organization, admin_user, public_base_url):
    invitations.invite(organization, "jordan@goldenstate.example", by=admin_user, is_manager=True)
    accept(client, invitation_link("jordan@goldenstate.example"))

    # A manager: the organization's API keys and webhooks wait for the factor too.
    pages = ("parties:home", "parties:people", "api:keys", "webhooks:endpoints", "webhooks:add")
    responses = [client.get(reverse(name)) for name in pages]

    assert [(response.status_code, response["Location"]) for response in responses] == [
        (302, reverse("accounts:security"))
    ] * len(pages)


def test_a_used_invitation_cannot_be_used_again(client, organization, admin_user, public_base_url):
    invitations.invite(organization, "jordan@goldenstate.example", by=admin_user)
    link = invitation_link("jordan@goldenstate.example")
    accept(client, link)
    client.logout()

    again = accept(client, link, username="someone-else")

    assert again.status_code == 400
    assert "This invitation was used already." in again.content.decode()
    assert not User.objects.filter(username="someone-else").exists()
    assert Membership.objects.count() == 1


def test_an_expired_invitation_cannot_be_used(client, organization, admin_user, public_base_url):
    invitation = invitations.invite(organization, "jordan@goldenstate.example", by=admin_user)
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(minutes=1))

    response = accept(client, invitation_link("jordan@goldenstate.example"))

    assert response.status_code == 400
    assert "This invitation expired on" in response.content.decode()
    assert not User.objects.filter(username="jordan").exists()


def test_a_made_up_invitation_link_is_refused(client, db):
    response = client.get(reverse("parties:invitation", args=["made-up-token"]))

    assert response.status_code == 400
    assert "This invitation link is not valid." in response.content.decode()


def test_a_taken_user_name_or_two_different_passwords_are_named_and_the_invitation_stays_usable(
    client, organization, admin_user, public_base_url
):
    invitations.invite(organization, "jordan@goldenstate.example", by=admin_user)
    link = invitation_link("jordan@goldenstate.example")

    taken = accept(client, link, username=admin_user.username)
    different = client.post(
        link,
        {"first_name": "J", "last_name": "O", "username": "jo", "password": "first phrase 1234", "password_again": "x"},
    )

    assert taken.status_code == 400
    assert f"The user name {admin_user.username} is taken: choose another." in taken.content.decode()
    assert "The two passwords differ" in different.content.decode()
    assert Invitation.objects.get().used_at is None


def test_an_invitation_makes_a_member_of_its_own_organization_only(
    client, organization, other_organization, admin_user, public_base_url
):
    invitations.invite(other_organization, "sam@pacificmutual.example", by=admin_user)

    accept(client, invitation_link("sam@pacificmutual.example"), username="sam")

    assert User.objects.get(username="sam").party_membership.organization == other_organization
    assert organization.memberships.count() == 0


def test_a_manager_invites_a_colleague_into_their_own_organization(manager_client, organization, public_base_url):
    response = manager_client.post(reverse("parties:invite"), {"email": "lee@goldenstate.example"})

    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert (invitation.organization, invitation.is_manager, invitation.email) == (
        organization,
        False,
        "lee@goldenstate.example",
    )


def test_a_member_who_is_not_a_manager_cannot_invite_or_deactivate(member_client, organization, manager):
    invite = member_client.post(reverse("parties:invite"), {"email": "lee@goldenstate.example"})
    deactivate = member_client.post(reverse("parties:deactivate", args=[manager.party_membership.pk]))

    assert (invite.status_code, deactivate.status_code) == (403, 403)
    assert Invitation.objects.count() == 0
    manager.refresh_from_db()
    assert manager.is_active is True


def test_a_manager_deactivates_a_colleague_who_can_then_no_longer_open_anything(manager_client, member):
    colleague = sign_in(Client(), member)
    assert colleague.get(reverse("parties:home")).status_code == 200

    response = manager_client.post(reverse("parties:deactivate", args=[member.party_membership.pk]))

    member.refresh_from_db()
    assert response.status_code == 302
    assert member.is_active is False
    after = colleague.get(reverse("parties:home"))
    assert (after.status_code, after["Location"]) == (302, f"{reverse('login')}?next=/parties/")
    assert AuditEvent.objects.filter(action="parties.deactivated").count() == 1


def test_a_manager_cannot_deactivate_someone_of_another_organization(manager_client, other_member):
    response = manager_client.post(reverse("parties:deactivate", args=[other_member.party_membership.pk]))

    other_member.refresh_from_db()
    assert response.status_code == 404
    assert other_member.is_active is True


def test_the_organizations_pages_are_for_administrators_only(client, staff_user, member, organization):
    urls = [reverse("parties:organizations"), reverse("parties:organization", args=[organization.pk])]
    statuses = {}
    for who in (staff_user, member):
        sign_in(client, who)
        statuses[who.username] = [client.get(url).status_code for url in urls]

    assert statuses == {"staff": [403, 403], "gsmember": [403, 403]}


def test_an_administrator_sees_an_organizations_people_and_deactivates_one(admin_client, organization, member):
    page = admin_client.get(reverse("parties:organization", args=[organization.pk])).content.decode()
    response = admin_client.post(
        reverse("parties:organization_deactivate", args=[organization.pk, member.party_membership.pk])
    )

    member.refresh_from_db()
    assert "gsmember" in page
    assert response.status_code == 302
    assert member.is_active is False
