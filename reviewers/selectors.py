"""Roster queries used by other apps."""

from django.utils import timezone

from reviewers.models import ReviewerProfile
from reviewers.qualification import roster_profiles


def profile_for(user) -> ReviewerProfile | None:
    if user is None or not getattr(user, "pk", None):
        return None
    return next(iter(roster_profiles(ReviewerProfile.objects.filter(user=user))), None)


def letter_credentials(user) -> dict[str, list[str]]:
    """What a letter prints instead of the reviewer's name: the states of licences in force today and the
    certifications then subspecialties. ``{}`` for a user with no profile."""
    profile = profile_for(user)
    if profile is None:
        return {}
    return profile.letter_credentials(on=timezone.localdate())
