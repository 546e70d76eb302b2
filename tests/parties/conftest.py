"""Organizations, their people (each with a confirmed authenticator) and their cases, for the party portal's tests."""

from __future__ import annotations

import pytest
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from cases.services import intake
from core.models import Party
from parties.models import Membership
from tests import factories


def party_user(organization: Party, username: str, *, manager: bool = False, second_factor: bool = True):
    user = factories.UserFactory(username=username, first_name="Pat", last_name=username.capitalize())
    Membership.objects.create(user=user, organization=organization, is_manager=manager)
    if second_factor:
        TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    return user


def sign_in(client, user):
    """Signed in with the password and the second factor passed (as ``accounts.views.second_factor`` leaves it)."""
    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is not None:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def organization_case(organization: Party, *, requested: bool = True, **fields):
    """An eligible case naming ``organization`` as claims administrator, records requested (electronically) today."""
    case = factories.CaseFactory(claims_administrator=organization, **fields)
    factories.DisputedItemFactory(case=case)
    intake.mark_eligible(case, by=None, override="test")
    if requested:
        intake.request_records(case, by=None)
    case.refresh_from_db()
    return case


@pytest.fixture
def organization(db):
    return Party.objects.create(
        kind=Party.Kind.CLAIMS_ADMINISTRATOR, name="Golden State Claims", email="records@goldenstate.example"
    )


@pytest.fixture
def other_organization(db):
    return Party.objects.create(
        kind=Party.Kind.CLAIMS_ADMINISTRATOR, name="Pacific Mutual Claims", email="imr@pacificmutual.example"
    )


@pytest.fixture
def manager(organization):
    return party_user(organization, "gsmanager", manager=True)


@pytest.fixture
def member(organization):
    return party_user(organization, "gsmember")


@pytest.fixture
def other_member(other_organization):
    return party_user(other_organization, "pmmember", manager=True)


@pytest.fixture
def member_client(client, member):
    return sign_in(client, member)


@pytest.fixture
def manager_client(client, manager):
    return sign_in(client, manager)
