"""The roster pages: the administrators' list and editor, and a reviewer's own profile."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from core.models import AuditEvent, Party
from reviewers.models import Affiliation, Licence, ReviewerProfile
from tests.factories import ReviewerProfileFactory, reviewer_profile

pytestmark = pytest.mark.django_db


def test_the_roster_says_why_a_reviewer_cannot_be_assigned(admin_client, reviewer, other_reviewer):
    reviewer_profile(reviewer)
    expired = reviewer_profile(other_reviewer)
    Licence.objects.filter(profile=expired).update(expires_on=datetime.date(2026, 1, 2))

    response = admin_client.get(reverse("reviewers:roster"))

    assert response.status_code == 200
    rows = {profile.user.username: problems for profile, problems in response.context["page"]}
    assert rows == {
        "reviewer1": [],
        "reviewer2": [f"No unrestricted licence in force (California A {expired.pk:06d} expired 01/02/2026)."],
    }
    assert f"No unrestricted licence in force (California A {expired.pk:06d} expired 01/02/2026)." in (
        response.content.decode()
    )


def test_the_roster_lists_reviewer_accounts_without_a_profile(admin_client, reviewer):
    response = admin_client.get(reverse("reviewers:roster"))

    assert list(response.context["without_profile"]) == [reviewer]


def test_the_roster_costs_the_same_queries_for_one_reviewer_and_for_many(admin_client, django_assert_num_queries):
    ReviewerProfileFactory()
    with django_assert_num_queries(12) as one:
        admin_client.get(reverse("reviewers:roster"))
    for _ in range(5):
        ReviewerProfileFactory()
    with django_assert_num_queries(len(one.captured_queries)):
        admin_client.get(reverse("reviewers:roster"))


def test_the_roster_shows_fifty_reviewers_a_page_and_counts_the_assignable_of_all(admin_client):
    profiles = [ReviewerProfileFactory() for _ in range(53)]
    Licence.objects.filter(profile__in=profiles[:3]).update(expires_on=datetime.date(2026, 1, 2))

    first = admin_client.get(reverse("reviewers:roster"))
    second = admin_client.get(reverse("reviewers:roster"), {"page": 2})

    assert len(first.context["page"]) == 50 and len(second.context["page"]) == 3
    shown = {p.pk for p, _ in first.context["page"]} | {p.pk for p, _ in second.context["page"]}
    assert shown == {p.pk for p in profiles}
    assert "53 reviewers; 50 assignable on" in first.content.decode()
    assert "Page 1 of 2" in first.content.decode()


def test_the_roster_counts_and_filters_the_assignable_in_the_database_as_the_rules_say(admin_client):
    today = timezone.localdate()
    qualified = [ReviewerProfileFactory() for _ in range(3)]
    inactive = ReviewerProfileFactory(active=False)
    unverified = ReviewerProfileFactory(credentials_verified_on=None)
    away = ReviewerProfileFactory(away_from=today)

    everyone = admin_client.get(reverse("reviewers:roster"))
    can = admin_client.get(reverse("reviewers:roster"), {"assignable": "yes"})
    cannot = admin_client.get(reverse("reviewers:roster"), {"assignable": "no"})

    assert f"6 reviewers; 3 assignable on {today:%m/%d/%Y}." in everyone.content.decode()
    assert {profile.pk: problems for profile, problems in can.context["page"]} == {p.pk: [] for p in qualified}
    assert {profile.pk: problems for profile, problems in cannot.context["page"]} == {
        inactive.pk: ["Inactive on the roster."],
        unverified.pk: ["Credentials never verified."],
        away.pk: [f"Away since {today:%m/%d/%Y}, no return date."],
    }
    assert "3 reviewers found; 3 assignable on" in cannot.content.decode()


def test_the_roster_pages_follow_the_names_and_the_filter(admin_client):
    names = [f"Zed{n:02d}" for n in range(52)]
    for n, name in enumerate(names):
        ReviewerProfileFactory(user__last_name=name, active=n % 2 == 0)

    first = admin_client.get(reverse("reviewers:roster"))
    second = admin_client.get(reverse("reviewers:roster"), {"page": 2})
    inactive = admin_client.get(reverse("reviewers:roster"), {"assignable": "no"})

    assert [p.user.last_name for p, _ in first.context["page"]] == names[:50]
    assert [p.user.last_name for p, _ in second.context["page"]] == names[50:]
    assert [p.user.last_name for p, _ in inactive.context["page"]] == names[1::2]


def test_the_roster_finds_a_reviewer_by_name_or_licence_and_keeps_the_unassignable(admin_client, reviewer):
    mine = reviewer_profile(reviewer)
    others = [ReviewerProfileFactory() for _ in range(3)]
    Licence.objects.filter(profile=others[0]).update(expires_on=datetime.date(2026, 1, 2))
    licence = others[1].licences.first()

    by_name = admin_client.get(reverse("reviewers:roster"), {"q": reviewer.last_name.upper()})
    by_licence = admin_client.get(reverse("reviewers:roster"), {"q": licence.number})
    not_assignable = admin_client.get(reverse("reviewers:roster"), {"assignable": "no"})
    nobody = admin_client.get(reverse("reviewers:roster"), {"q": "no such reviewer"})

    assert [p.pk for p, _ in by_name.context["page"]] == [mine.pk]
    assert [p.pk for p, _ in by_licence.context["page"]] == [others[1].pk]
    assert [p.pk for p, _ in not_assignable.context["page"]] == [others[0].pk]
    assert "No reviewer matches." in nobody.content.decode()


@pytest.mark.parametrize("role", ["reviewer", "qa_user", "staff_user"])
def test_only_administrators_open_the_roster(client, request, role):
    profile = ReviewerProfileFactory()
    client.force_login(request.getfixturevalue(role))

    assert client.get(reverse("reviewers:roster")).status_code == 403
    assert client.get(reverse("reviewers:edit", args=[profile.pk])).status_code == 403


def test_an_administrator_creates_a_profile_with_a_licence(admin_client, reviewer):
    from tests.factories import SpecialtyFactory

    specialty = SpecialtyFactory(name="Orthopedic Surgery")
    response = admin_client.post(
        reverse("reviewers:create", args=[reviewer.pk]),
        {
            "active": "on",
            "certifications": [specialty.pk],
            "practice_started": "2010-07-01",
            "weekly_practice_hours": "30",
            "capacity": "4",
            "credentials_verified_on": timezone.localdate().isoformat(),
            "licences-TOTAL_FORMS": "1",
            "licences-INITIAL_FORMS": "0",
            "licences-0-state": "CA",
            "licences-0-number": "C 40917",
            "licences-0-expires_on": "2028-06-30",
        },
    )

    profile = ReviewerProfile.objects.get(user=reviewer)
    assert response.status_code == 302
    assert (profile.capacity, profile.weekly_practice_hours) == (4, 30)
    assert [str(licence) for licence in profile.licences.all()] == ["California C 40917 (expires 06/30/2028)"]
    assert AuditEvent.objects.filter(action="reviewer_profile_saved", object_id=str(profile.pk)).count() == 1


def test_a_bad_profile_keeps_what_was_typed_and_says_what_is_wrong(admin_client, reviewer):
    profile = reviewer_profile(reviewer)
    response = admin_client.post(
        reverse("reviewers:edit", args=[profile.pk]),
        {
            "weekly_practice_hours": "30",
            "capacity": "0",
            "away_from": "2026-12-10",
            "away_to": "2026-12-01",
            "licences-TOTAL_FORMS": "0",
            "licences-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "away_to": ["The last day away cannot be before the first."],
        "capacity": ["At least 1; to stop offers, untick Active or set an absence."],
    }


def test_a_reviewer_declares_an_affiliation_and_sets_an_absence(client, reviewer):
    profile = reviewer_profile(reviewer)
    client.force_login(reviewer)

    client.post(
        reverse("reviewers:me"),
        {"action": "affiliation", "kind": "provider_group", "name": "Valley Spine Group", "relationship": "Partner"},
    )
    client.post(reverse("reviewers:me"), {"action": "availability", "away_from": "2026-12-20", "away_to": "2027-01-03"})

    affiliation = Affiliation.objects.get(profile=profile)
    assert (affiliation.party.kind, affiliation.party.name, affiliation.declared_by_reviewer) == (
        Party.Kind.PROVIDER_GROUP,
        "Valley Spine Group",
        True,
    )
    profile.refresh_from_db()
    assert (profile.away_from, profile.away_to) == (datetime.date(2026, 12, 20), datetime.date(2027, 1, 3))
    page = client.get(reverse("reviewers:me"))
    assert "Valley Spine Group" in page.content.decode()


def test_an_affiliation_without_its_relationship_is_refused_with_a_message(client, reviewer):
    profile = reviewer_profile(reviewer)
    client.force_login(reviewer)

    response = client.post(
        reverse("reviewers:me"), {"action": "affiliation", "kind": "employer", "name": "Acme"}, follow=True
    )

    assert Affiliation.objects.filter(profile=profile).count() == 0
    assert "Affiliation not recorded: Relationship: This field is required." in response.content.decode()


def test_the_reviewer_page_is_for_reviewers(client, qa_user):
    client.force_login(qa_user)

    assert client.get(reverse("reviewers:me")).status_code == 403
