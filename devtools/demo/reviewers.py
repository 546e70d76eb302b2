"""Demo data of this area for ``manage.py seed_demo``: specialties and the specialty-to-category table, real profiles
for reviewer1 and reviewer2, and eight more reviewers (no log-in) showing each reason a reviewer cannot be assigned.

Runs before ``devtools.demo.cases.seed``. Idempotent: every row is found by a natural key and updated.
"""

from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from core import roles
from core.models import Party
from core.services import get_or_create_party
from reviewers.models import Affiliation, Licence, ReviewerProfile, Specialty, SpecialtyCategoryFit

C = {
    "pharma": "Pharmaceuticals",
    "diag": "Diagnostic Testing",
    "dme": "Durable Medical Equipment",
    "em": "Evaluation and Management",
    "inj": "Injections",
    "surg": "Surgery",
    "ther": "Therapies",
    "prog": "Programs",
    "psych": "Psychological Services",
    "home": "Home Health Services",
    "trans": "Transportation",
    "other": "Other",
}

# Specialty → (aliases, {category: weight 0-100}). Administrators edit the table afterwards.
SPECIALTIES: dict[str, tuple[str, dict[str, int]]] = {
    "Physical Medicine & Rehabilitation": (
        "PM&R, Physiatry, Physical Medicine and Rehabilitation",
        {"pharma": 70, "diag": 80, "dme": 100, "em": 90, "inj": 80, "surg": 30, "ther": 100, "prog": 100,
         "psych": 30, "home": 80, "trans": 60, "other": 50},
    ),
    "Orthopedic Surgery": (
        "Orthopaedic Surgery, Orthopedics, Orthopaedics",
        {"pharma": 60, "diag": 100, "dme": 90, "em": 80, "inj": 90, "surg": 100, "ther": 80, "prog": 50,
         "home": 60, "trans": 50, "other": 50},
    ),
    "Pain Management": (
        "Pain Medicine, Interventional Pain Management",
        {"pharma": 100, "diag": 60, "dme": 60, "em": 80, "inj": 100, "ther": 60, "prog": 90, "psych": 40},
    ),
    "Anesthesiology": ("Anesthesia", {"pharma": 80, "diag": 40, "em": 50, "inj": 90, "surg": 40}),
    "Family Practice": (
        "Family Medicine",
        {"pharma": 80, "diag": 70, "dme": 70, "em": 90, "inj": 40, "ther": 70, "prog": 50, "psych": 40,
         "home": 80, "trans": 70, "other": 60},
    ),
    "Occupational Medicine": (
        "Occupational and Environmental Medicine",
        {"pharma": 80, "diag": 80, "dme": 80, "em": 90, "inj": 50, "ther": 80, "prog": 80, "psych": 40,
         "home": 60, "trans": 70, "other": 70},
    ),
    "Preventive Medicine": ("", {"em": 50, "other": 40}),
    "Internal Medicine": (
        "",
        {"pharma": 90, "diag": 80, "dme": 60, "em": 90, "home": 80, "trans": 60, "other": 60},
    ),
    "Neurology": ("", {"pharma": 90, "diag": 100, "dme": 50, "em": 80, "inj": 60, "ther": 50}),
    "Neurological Surgery": ("Neurosurgery", {"diag": 90, "inj": 70, "surg": 100, "em": 70}),
    "Psychiatry": ("", {"pharma": 80, "em": 70, "prog": 70, "psych": 100}),
    "Sports Medicine": ("", {"diag": 70, "dme": 80, "inj": 80, "ther": 90}),
    "Chiropractor": ("Chiropractic", {"diag": 40, "dme": 50, "ther": 90}),
}  # fmt: skip


def _years_ago(years: int) -> date:
    today = timezone.localdate()
    return today.replace(year=today.year - years, day=min(today.day, 28))


def seed_specialties(log) -> dict[str, Specialty]:
    specialties = {}
    for name, (aliases, fits) in SPECIALTIES.items():
        specialty = Specialty.objects.filter(name__iexact=name).first() or Specialty(name=name)
        specialty.aliases = aliases
        specialty.save()
        specialties[name] = specialty
        for key, weight in fits.items():
            SpecialtyCategoryFit.objects.update_or_create(
                specialty=specialty, category=C[key], defaults={"weight": weight}
            )
    log(f"Specialties: {len(specialties)}, specialty-to-category rows: {SpecialtyCategoryFit.objects.count()}")
    return specialties


def _profile(
    user,
    specialties: dict[str, Specialty],
    *,
    certifications: list[str],
    subspecialties: list[str] = (),
    licences: list[tuple[str, str, date]],
    practice_years: int,
    hours: int,
    capacity: int,
    away: tuple[date, date] | None = None,
    affiliations: list[tuple[str, str, str, bool]] = (),
) -> ReviewerProfile:
    today = timezone.localdate()
    profile, _ = ReviewerProfile.objects.update_or_create(
        user=user,
        defaults={
            "practice_started": _years_ago(practice_years),
            "weekly_practice_hours": hours,
            "capacity": capacity,
            "away_from": away[0] if away else None,
            "away_to": away[1] if away else None,
            "active": True,
            "credentials_verified_on": today - timedelta(days=180),
        },
    )
    profile.certifications.set([specialties[name] for name in certifications])
    profile.subspecialties.set([specialties[name] for name in subspecialties])
    for state, number, expires_on in licences:
        Licence.objects.update_or_create(
            profile=profile, state=state, defaults={"number": number, "expires_on": expires_on, "restricted": False}
        )
    for kind, name, relationship, declared in affiliations:
        party = get_or_create_party(kind, name)
        Affiliation.objects.update_or_create(
            profile=profile,
            party=party,
            defaults={"relationship": relationship, "declared_by_reviewer": declared, "since": _years_ago(6)},
        )
    return profile


# (username, first name, last name, profile arguments): demo reviewers without a log-in, one per reason.
EXTRA_REVIEWERS = [
    ("rev-whitfield", "Dana", "Whitfield", {"certifications": ["Family Practice"], "licences": [("CA", "A 84213", 2)],
                                             "practice_years": 14, "hours": 30, "capacity": 6}),
    ("rev-delgado", "Marcus", "Delgado", {"certifications": ["Preventive Medicine", "Occupational Medicine"],
                                          "licences": [("CA", "G 77102", 1), ("NV", "14430", 2)],
                                          "practice_years": 19, "hours": 36, "capacity": 8}),
    ("rev-park", "Evelyn", "Park", {"certifications": ["Anesthesiology"], "subspecialties": ["Pain Management"],
                                    "licences": [("AZ", "33871", 2), ("CA", "A 90115", 2)],
                                    "practice_years": 11, "hours": 40, "capacity": 5}),
    ("rev-okoro", "Samuel", "Okoro", {"certifications": ["Internal Medicine"], "licences": [("CA", "G 51820", -1)],
                                      "practice_years": 22, "hours": 32, "capacity": 5}),  # licence expired
    ("rev-liu", "Grace", "Liu", {"certifications": ["Neurology"], "licences": [("CA", "A 66014", 2)],
                                 "practice_years": 9, "hours": 28, "capacity": 4, "away": (-3, 14)}),  # away
    ("rev-bennett", "Howard", "Bennett", {"certifications": ["Physical Medicine & Rehabilitation"],
                                          "licences": [("CA", "A 70233", 2)], "practice_years": 16, "hours": 24,
                                          "capacity": 6,
                                          "affiliations": [(Party.Kind.EMPLOYER, "Pacific Crest Hospitality",
                                                            "Medical director of its employee clinic", False)]}),
    ("rev-rahman", "Nadia", "Rahman", {"certifications": ["Psychiatry"], "licences": [("NY", "241177", 2),
                                                                                     ("CA", "A 99310", 2)],
                                       "practice_years": 12, "hours": 30, "capacity": 5}),
    ("rev-reyes", "Thomas", "Reyes", {"certifications": ["Orthopedic Surgery"], "subspecialties": ["Sports Medicine"],
                                      "licences": [("CA", "A 131907", 2)], "practice_years": 3, "hours": 45,
                                      "capacity": 6}),  # fewer than five years in practice
]  # fmt: skip


def seed(*, users: dict, log) -> None:
    specialties = seed_specialties(log)
    today = timezone.localdate()
    in_years = lambda n: today + timedelta(days=365 * n)  # noqa: E731 - a local shorthand for the table below

    _profile(
        users["reviewer1"],
        specialties,
        certifications=["Physical Medicine & Rehabilitation"],
        subspecialties=["Pain Management"],
        licences=[("CA", "A 123456", in_years(2)), ("TX", "N 4821", in_years(1))],
        practice_years=17,
        hours=32,
        capacity=6,
        affiliations=[
            (Party.Kind.LAW_FIRM, "Ellery & Hart Workers' Law", "Spouse is a partner of the firm", True),
        ],
    )
    _profile(
        users["reviewer2"],
        specialties,
        certifications=["Orthopedic Surgery"],
        licences=[("CA", "C 40917", in_years(1))],
        practice_years=15,
        hours=40,
        capacity=5,
    )
    reviewer_group = Group.objects.get_or_create(name=roles.REVIEWER)[0]
    User = get_user_model()
    for username, first, last, arguments in EXTRA_REVIEWERS:
        user, created = User.objects.get_or_create(
            username=username, defaults={"first_name": first, "last_name": last, "email": f"{username}@example.org"}
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        user.groups.add(reviewer_group)
        arguments = dict(arguments)
        arguments["licences"] = [(state, number, in_years(n)) for state, number, n in arguments["licences"]]
        if "away" in arguments:
            start, end = arguments["away"]
            arguments["away"] = (today + timedelta(days=start), today + timedelta(days=end))
        _profile(user, specialties, **arguments)
    log(f"Reviewer profiles: {ReviewerProfile.objects.count()} (reviewer1, reviewer2 and {len(EXTRA_REVIEWERS)} more)")
