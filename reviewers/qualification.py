"""The rules a reviewer must meet to be offered any case (DOMAIN.md, "The reviewer"; LC 139.5), and conflicts.

Pure questions on the roster: no case is ever imported here. ``cases.assignment`` asks them, with the parties of a
case, before any offer; ``cases.matching`` asks them in bulk with what ``load_roster`` prefetched.
"""

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from core import roles
from core.models import Party
from reviewers.models import Affiliation, Licence, ReviewerProfile, SpecialtyCategoryFit, normalize_specialty

MIN_PRACTICE_YEARS = 5
MIN_WEEKLY_HOURS = 24
# Credentials are verified again every 36 months (the usual recredentialing cycle of URAC and NCQA).
RECREDENTIALING_DAYS = 3 * 365
# A tie that ended less than a year ago still counts as a conflict.
CONFLICT_LOOKBACK_DAYS = 365


def _date(on: date | None) -> date:
    return on or timezone.localdate()


def _years_before(on: date, years: int) -> date:
    try:
        return on.replace(year=on.year - years)
    except ValueError:  # 29 February
        return on.replace(year=on.year - years, day=28)


def qualification_problems(profile: ReviewerProfile, on: date | None = None) -> list[str]:
    """Why this reviewer cannot be offered a case on ``on`` (today by default); empty when qualified.

    Reads the profile's ``licence_list`` and ``certification_list``, so a roster from ``roster_profiles()`` costs no
    queries.
    """
    on = _date(on)
    problems: list[str] = []
    if not profile.active:
        problems.append("Inactive on the roster.")
    if not profile.user.is_active:
        problems.append("The user account is disabled.")
    if profile.is_away(on):
        if profile.away_to:
            problems.append(f"Away until {profile.away_to:%m/%d/%Y}.")
        else:
            problems.append(f"Away since {profile.away_from:%m/%d/%Y}, no return date.")
    licences = profile.licence_list
    if not any(licence.in_force(on) for licence in licences):
        if not licences:
            problems.append("No state licence on file.")
        else:
            details = "; ".join(
                f"{licence.get_state_display()} {licence.number} "
                + ("restricted" if licence.restricted else f"expired {licence.expires_on:%m/%d/%Y}")
                for licence in licences
            )
            problems.append(f"No unrestricted licence in force ({details}).")
    if not profile.certification_list:
        problems.append("No board certification on file.")
    if profile.practice_started is None:
        problems.append("Start of clinical practice not on file.")
    elif profile.practice_started >= _years_before(on, MIN_PRACTICE_YEARS):
        problems.append(
            f"In clinical practice since {profile.practice_started:%m/%d/%Y}: more than {MIN_PRACTICE_YEARS} years "
            "are required."
        )
    if profile.weekly_practice_hours < MIN_WEEKLY_HOURS:
        problems.append(
            f"{profile.weekly_practice_hours} hours a week in active practice: at least {MIN_WEEKLY_HOURS} are "
            "required."
        )
    if profile.credentials_verified_on is None:
        problems.append("Credentials never verified.")
    elif profile.credentials_verified_on < on - timedelta(days=RECREDENTIALING_DAYS):
        problems.append(
            f"Credentials last verified {profile.credentials_verified_on:%m/%d/%Y}, more than 36 months ago."
        )
    return problems


def qualification_rules(on: date | None = None, *, as_sets: bool = False) -> dict[str, Q]:
    """Each rule of ``qualification_problems`` as a condition a qualified profile meets, named in the words of a count
    ("away: 3"), in the order of the problems. ``qualified_q`` is all of them; a rule's negation finds the profiles it
    blocks (``unqualified_counts``).

    ``as_sets`` asks the licence and certification rules as membership in one set of profile ids (``pk IN (...)``)
    rather than a subquery per profile (``EXISTS``): in an aggregate's ``FILTER`` PostgreSQL runs the ``EXISTS``
    once per row (30 ms for 5,882 profiles), the set once. The same rows meet both forms (tested)."""
    on = _date(on)
    # Away: between ``away_from`` and ``away_to``, either end open; not away when neither is set.
    not_away = Q(away_from__isnull=True, away_to__isnull=True) | Q(away_from__gt=on) | Q(away_to__lt=on)
    licences_in_force = Licence.objects.filter(restricted=False, expires_on__gte=on)
    certifications = ReviewerProfile.certifications.through.objects.all()
    if as_sets:
        licence_in_force = Q(pk__in=licences_in_force.values("profile_id"))
        certified = Q(pk__in=certifications.values("reviewerprofile_id"))
    else:
        licence_in_force = Q(Exists(licences_in_force.filter(profile=OuterRef("pk"))))
        certified = Q(Exists(certifications.filter(reviewerprofile=OuterRef("pk"))))
    return {
        "inactive on the roster": Q(active=True),
        "user account disabled": Q(user__is_active=True),
        "away": not_away,
        "no unrestricted licence in force": licence_in_force,
        "no board certification on file": certified,
        f"not more than {MIN_PRACTICE_YEARS} years in clinical practice (or its start not on file)": Q(
            practice_started__lt=_years_before(on, MIN_PRACTICE_YEARS)
        ),
        f"fewer than {MIN_WEEKLY_HOURS} hours a week in active practice": Q(
            weekly_practice_hours__gte=MIN_WEEKLY_HOURS
        ),
        "credentials not verified in the last 36 months": Q(
            credentials_verified_on__gte=on - timedelta(days=RECREDENTIALING_DAYS)
        ),
    }


def qualified_q(on: date | None = None) -> Q:
    """``qualification_problems`` as one condition on ``ReviewerProfile``: a profile meets it exactly when it has no
    problem on ``on`` (today by default). For the pages that count, filter or read only the qualified part of a
    roster of thousands in the database instead of loading every profile (the roster's "assignable" count and
    filter, the assignment queue's snapshot). The words of each problem stay in ``qualification_problems``; each
    rule is tested both ways against it (tests/reviewers/test_qualification.py)."""
    condition = Q()
    for rule in qualification_rules(on).values():
        condition &= rule
    return condition


def unqualified_counts(queryset: QuerySet, on: date | None = None) -> tuple[int, dict[str, int]]:
    """(how many profiles of ``queryset`` are not qualified on ``on``, how many each rule blocks: a profile with
    several problems is counted under each). One aggregate query, in the database however large the roster: what a
    page says of the reviewers who cannot take any case, without loading them."""
    rules = qualification_rules(on, as_sets=True)
    names = {f"rule_{index}": name for index, name in enumerate(rules)}
    qualified = Q()
    for rule in rules.values():
        qualified &= rule
    counts = queryset.exclude(qualified).aggregate(
        total=Count("pk"),
        **{key: Count("pk", filter=~rules[name]) for key, name in names.items()},
    )
    return counts["total"], {name: counts[key] for key, name in names.items() if counts[key]}


def _live_affiliation_q(on: date) -> Q:
    return Q(until__isnull=True) | Q(until__gte=on - timedelta(days=CONFLICT_LOOKBACK_DAYS))


def conflicting_parties(profile: ReviewerProfile, party_ids: Iterable[int], on: date | None = None) -> list[Party]:
    """The parties among ``party_ids`` this reviewer is tied to (current ties, or ended within the look-back)."""
    ids = {pk for pk in party_ids if pk is not None}
    if not ids:
        return []
    affiliations = (
        Affiliation.objects.filter(profile=profile, party_id__in=ids)
        .filter(_live_affiliation_q(_date(on)))
        .select_related("party")
        .order_by("party__kind", "party__name")
    )
    return [affiliation.party for affiliation in affiliations]


def conflict_party_ids(profile_ids: Iterable[int], on: date | None = None) -> dict[int, set[int]]:
    """For many reviewers at once: profile id → the ids of the parties each is tied to. One query."""
    result: dict[int, set[int]] = {pk: set() for pk in profile_ids}
    rows = (
        Affiliation.objects.filter(profile_id__in=list(result))
        .filter(_live_affiliation_q(_date(on)))
        .values_list("profile_id", "party_id")
    )
    for profile_id, party_id in rows:
        result[profile_id].add(party_id)
    return result


def roster_queryset() -> QuerySet:
    """The roster: the profiles of users in the Reviewers group. The group is asked as a condition (``EXISTS``), not
    a join, so that no ``DISTINCT`` over every column is needed to count or read a roster of thousands."""
    in_group = get_user_model().groups.through.objects.filter(user_id=OuterRef("user_id"), group__name=roles.REVIEWER)
    return ReviewerProfile.objects.filter(Exists(in_group))


def roster_profiles(queryset: QuerySet | None = None) -> list[ReviewerProfile]:
    """The profiles of ``queryset`` (by default the roster: the profiles of users in the Reviewers group) with what
    the qualification rules and matching read: their users, and their licences, certifications and subspecialties in
    three queries filtered by the profiles' own query (a subquery), four queries however many profiles. Django's
    prefetch sends one parameter per profile for each relation: for 590 reviewers 1,770 parameters, whose building
    and parsing cost more than the queries. The one way to load profiles for the rules, one profile or many."""
    if queryset is None:
        queryset = roster_queryset()
    profiles = list(queryset.select_related("user"))
    chosen = queryset.values_list("pk", flat=True)
    licences: dict[int, list] = defaultdict(list)
    for licence in Licence.objects.filter(profile__in=chosen).order_by("profile", "state"):
        licences[licence.profile_id].append(licence)
    specialties = {}
    for relation in ("certifications", "subspecialties"):
        through = getattr(ReviewerProfile, relation).through
        by_profile: dict[int, list] = defaultdict(list)
        rows = through.objects.filter(reviewerprofile__in=chosen).select_related("specialty")
        for row in rows.order_by("specialty__name", "specialty"):
            by_profile[row.reviewerprofile_id].append(row.specialty)
        specialties[relation] = by_profile
    for profile in profiles:
        profile._licences_list = licences[profile.pk]
        profile._certifications_list = specialties["certifications"][profile.pk]
        profile._subspecialties_list = specialties["subspecialties"][profile.pk]
    return profiles


def qualified_roster(on: date | None = None) -> list[ReviewerProfile]:
    """The roster's profiles qualified on ``on`` (today by default), loaded for the rules and matching as
    ``roster_profiles`` loads them: their ids found first by ``qualified_q``, so that the profiles' queries name a
    few ids instead of each repeating the rules. What the assignment pages rank, since no case goes to a reviewer who
    is not qualified."""
    qualified = list(roster_queryset().filter(qualified_q(on)).values_list("pk", flat=True))
    return roster_profiles(ReviewerProfile.objects.filter(pk__in=qualified))


def category_weights() -> dict[int, dict[str, int]]:
    """Specialty id → {treatment category: weight}, from the table administrators edit. One query."""
    table: dict[int, dict[str, int]] = {}
    for specialty_id, category, weight in SpecialtyCategoryFit.objects.values_list(
        "specialty_id", "category", "weight"
    ):
        table.setdefault(specialty_id, {})[category] = weight
    return table


def specialty_spellings(profile: ReviewerProfile) -> set[str]:
    """Every spelling of the reviewer's certifications and subspecialties, normalized (prefetch-friendly)."""
    spellings: set[str] = set()
    for specialty in [*profile.certification_list, *profile.subspecialty_list]:
        spellings |= specialty.spellings()
    return spellings


def matches_specialty(profile: ReviewerProfile, text: str) -> bool:
    """Whether the reviewer holds the specialty typed as ``text`` (the requesting provider's, at intake)."""
    wanted = normalize_specialty(text or "")
    return bool(wanted) and wanted in specialty_spellings(profile)
