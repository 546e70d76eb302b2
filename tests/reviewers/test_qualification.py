"""The roster's rules: who may be offered a case, and ties to parties."""

import datetime

import pytest
from django.utils import timezone

from cases.models import Category
from core.models import Party
from reviewers.models import Licence, ReviewerProfile, SpecialtyCategoryFit
from reviewers.qualification import conflicting_parties, qualification_problems, qualified_q, roster_profiles
from reviewers.selectors import letter_credentials
from tests.factories import PartyFactory, ReviewerProfileFactory, SpecialtyFactory, affiliate

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 27)


def test_a_complete_profile_has_no_problems():
    assert qualification_problems(ReviewerProfileFactory(), on=timezone.localdate()) == []


def test_each_rule_says_what_is_wrong():
    profile = ReviewerProfileFactory(
        active=False,
        practice_started=datetime.date(2023, 1, 1),
        weekly_practice_hours=16,
        credentials_verified_on=datetime.date(2022, 1, 10),
        away_from=datetime.date(2026, 11, 20),
        away_to=datetime.date(2026, 12, 4),
        certifications=[],
        licence=False,
    )
    Licence.objects.create(profile=profile, state="CA", number="A 1", expires_on=datetime.date(2026, 11, 26))
    Licence.objects.create(
        profile=profile, state="TX", number="N 2", expires_on=datetime.date(2028, 1, 1), restricted=True
    )

    assert qualification_problems(profile, on=TODAY) == [
        "Inactive on the roster.",
        "Away until 12/04/2026.",
        "No unrestricted licence in force (California A 1 expired 11/26/2026; Texas N 2 restricted).",
        "No board certification on file.",
        "In clinical practice since 01/01/2023: more than 5 years are required.",
        "16 hours a week in active practice: at least 24 are required.",
        "Credentials last verified 01/10/2022, more than 36 months ago.",
    ]


def test_any_unrestricted_state_licence_in_force_qualifies():
    profile = ReviewerProfileFactory(licence=False)
    Licence.objects.create(profile=profile, state="NY", number="2411", expires_on=TODAY)

    assert qualification_problems(profile, on=TODAY) == []
    assert qualification_problems(profile, on=TODAY + datetime.timedelta(days=1)) == [
        "No unrestricted licence in force (New York 2411 expired 11/27/2026)."
    ]


def test_exactly_five_years_in_practice_is_not_more_than_five():
    assert qualification_problems(ReviewerProfileFactory(practice_started=datetime.date(2021, 11, 27)), on=TODAY) == [
        "In clinical practice since 11/27/2021: more than 5 years are required."
    ]
    assert qualification_problems(ReviewerProfileFactory(practice_started=datetime.date(2021, 11, 26)), on=TODAY) == []


def test_away_without_a_return_date_blocks_from_its_start():
    profile = ReviewerProfileFactory(away_from=datetime.date(2026, 12, 1))

    assert qualification_problems(profile, on=TODAY) == []
    assert qualification_problems(profile, on=datetime.date(2027, 3, 1)) == ["Away since 12/01/2026, no return date."]


def test_conflicting_parties_lists_current_and_recent_ties_only():
    profile = ReviewerProfileFactory()
    employer = PartyFactory(kind=Party.Kind.EMPLOYER, name="Acme Packing")
    insurer = PartyFactory(kind=Party.Kind.CLAIMS_ADMINISTRATOR, name="Golden Mutual")
    old_firm = PartyFactory(kind=Party.Kind.LAW_FIRM, name="Old & Gone LLP")
    unrelated = PartyFactory(kind=Party.Kind.MANUFACTURER, name="Ortho Devices Inc.")
    affiliate(profile, employer)
    affiliate(profile, insurer, until=TODAY - datetime.timedelta(days=200))
    affiliate(profile, old_firm, until=TODAY - datetime.timedelta(days=400))

    found = conflicting_parties(profile, [employer.pk, insurer.pk, old_firm.pk, unrelated.pk, None], on=TODAY)

    assert found == [insurer, employer]  # ordered by kind, then name


def test_the_roster_knows_the_same_treatment_categories_as_cases():
    field = SpecialtyCategoryFit._meta.get_field("category")
    assert list(field.choices) == list(Category.choices)


def test_letter_credentials_print_states_in_force_and_certifications_then_subspecialties():
    profile = ReviewerProfileFactory(certifications=["Physical Medicine & Rehabilitation"])
    profile.subspecialties.set([SpecialtyFactory(name="Pain Management")])
    Licence.objects.create(profile=profile, state="TX", number="N 1", expires_on=timezone.localdate())
    Licence.objects.create(
        profile=profile, state="AZ", number="9", expires_on=timezone.localdate() - datetime.timedelta(days=1)
    )

    assert letter_credentials(profile.user) == {
        "licensure": ["California", "Texas"],
        "certifications": ["Physical Medicine & Rehabilitation", "Pain Management"],
    }


def test_roster_profiles_loads_the_licences_and_specialties_of_many_profiles_in_four_queries(django_assert_num_queries):
    profiles = [ReviewerProfileFactory(certifications=["Orthopaedic Surgery", "Anesthesiology"]) for _ in range(3)] + [
        ReviewerProfileFactory(certifications=[], licence=False)
    ]
    Licence.objects.create(profile=profiles[0], state="NV", number="NV 1", expires_on=profiles[0].practice_started)
    profiles[1].subspecialties.set([SpecialtyFactory(name="Pain Medicine"), SpecialtyFactory(name="Hand Surgery")])

    with django_assert_num_queries(4):
        loaded = roster_profiles(ReviewerProfile.objects.filter(pk__in=[p.pk for p in profiles]))

    expected = {p.pk: p for p in ReviewerProfile.objects.filter(pk__in=[p.pk for p in profiles])}
    assert sorted(p.pk for p in loaded) == sorted(expected)
    for profile in loaded:
        other = expected[profile.pk]  # read relation by relation, one query each
        assert profile.licence_list == list(other.licences.order_by("state"))
        assert profile.certification_list == list(other.certifications.order_by("name"))
        assert profile.subspecialty_list == list(other.subspecialties.order_by("name"))
    assert [s.name for s in loaded[[p.pk for p in loaded].index(profiles[1].pk)].subspecialty_list] == [
        "Hand Surgery",
        "Pain Medicine",
    ]
    assert loaded[[p.pk for p in loaded].index(profiles[3].pk)].licence_list == []


def _licence_only(profile, **fields):
    profile.licences.all().delete()
    Licence.objects.create(profile=profile, state="NY", number="NY 1", **fields)


def _user_disabled(profile):
    profile.user.is_active = False
    profile.user.save(update_fields=["is_active"])


DAY = datetime.timedelta(days=1)
# (what is changed on a complete profile, whether the profile is then qualified on TODAY): each rule of
# qualification_problems at its edges.
RULE_EDGES = {
    "complete": ({}, True),
    "inactive on the roster": ({"active": False}, False),
    "user account disabled": (_user_disabled, False),
    "away today": ({"away_from": TODAY - DAY, "away_to": TODAY + DAY}, False),
    "away until today, no start": ({"away_to": TODAY}, False),
    "away since today, no end": ({"away_from": TODAY}, False),
    "back since today": ({"away_from": TODAY - 10 * DAY, "away_to": TODAY - DAY}, True),
    "away from tomorrow": ({"away_from": TODAY + DAY}, True),
    "licence expiring today": (lambda p: _licence_only(p, expires_on=TODAY), True),
    "licence expired yesterday": (lambda p: _licence_only(p, expires_on=TODAY - DAY), False),
    "restricted licence only": (lambda p: _licence_only(p, expires_on=TODAY + DAY, restricted=True), False),
    "no licence": (lambda p: p.licences.all().delete(), False),
    "no certification": (lambda p: p.certifications.clear(), False),
    "five years in practice exactly": ({"practice_started": datetime.date(2021, 11, 27)}, False),
    "five years and a day": ({"practice_started": datetime.date(2021, 11, 26)}, True),
    "start of practice not on file": ({"practice_started": None}, False),
    "23 hours a week": ({"weekly_practice_hours": 23}, False),
    "24 hours a week": ({"weekly_practice_hours": 24}, True),
    "credentials never verified": ({"credentials_verified_on": None}, False),
    "verified 36 months ago to the day": ({"credentials_verified_on": TODAY - 1095 * DAY}, True),
    "verified a day before that": ({"credentials_verified_on": TODAY - 1096 * DAY}, False),
}


@pytest.mark.parametrize("edge", list(RULE_EDGES))
def test_the_database_condition_qualifies_exactly_the_profiles_the_rules_qualify(edge):
    change, qualified = RULE_EDGES[edge]
    profile = ReviewerProfileFactory(credentials_verified_on=TODAY - 30 * DAY)
    ReviewerProfileFactory(active=False)  # another profile, which must not change the answer for this one
    if callable(change):
        change(profile)
    else:
        ReviewerProfile.objects.filter(pk=profile.pk).update(**change)
    (loaded,) = roster_profiles(ReviewerProfile.objects.filter(pk=profile.pk))

    in_database = ReviewerProfile.objects.filter(qualified_q(TODAY), pk=profile.pk).exists()
    left_out = ReviewerProfile.objects.exclude(qualified_q(TODAY)).filter(pk=profile.pk).exists()

    assert (qualification_problems(loaded, on=TODAY) == []) is qualified
    assert in_database is qualified
    assert left_out is not qualified
