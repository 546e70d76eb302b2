"""Writes to the roster. Each one is audited: who changed a reviewer's credentials or ties, and when."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from core.models import Party
from core.services import get_or_create_party, record_event
from reviewers.models import Affiliation, ReviewerProfile


@transaction.atomic
def declare_affiliation(
    profile: ReviewerProfile,
    *,
    kind: str,
    name: str,
    relationship: str,
    since: date | None = None,
    until: date | None = None,
    by,
    declared_by_reviewer: bool,
) -> Affiliation:
    """Record a tie between a reviewer and a party (created if new). A second tie to the same party updates the
    first, so the roster holds one row per party."""
    if kind not in Party.Kind.values:
        raise ValidationError({"kind": f"{kind!r} is not a kind of party."})
    if not (name or "").strip():
        raise ValidationError({"name": "Name the party."})
    if not (relationship or "").strip():
        raise ValidationError({"relationship": "Say what the tie is (employed, consultant, family, ...)."})
    if since and until and until < since:
        raise ValidationError({"until": "The tie cannot end before it began."})
    party = get_or_create_party(kind, name)
    assert party is not None  # the name is not blank (checked above)
    affiliation, created = Affiliation.objects.update_or_create(
        profile=profile,
        party=party,
        defaults={
            "relationship": relationship.strip(),
            "since": since,
            "until": until,
            "declared_by_reviewer": declared_by_reviewer,
        },
        create_defaults={
            "relationship": relationship.strip(),
            "since": since,
            "until": until,
            "declared_by_reviewer": declared_by_reviewer,
            "created_by": by,
        },
    )
    record_event(
        by,
        "affiliation_declared" if declared_by_reviewer else "affiliation_recorded",
        profile,
        party_id=party.pk,
        party=party.name,
        relationship=affiliation.relationship,
        created=created,
    )
    return affiliation


@transaction.atomic
def save_profile(profile_form, licence_formset, *, by) -> ReviewerProfile:
    """Save a profile and its licences (valid forms) in one transaction, and audit the change."""
    profile = profile_form.save()
    licence_formset.instance = profile
    licence_formset.save()
    record_event(by, "reviewer_profile_saved", profile, changed=sorted(profile_form.changed_data))
    return profile


@transaction.atomic
def set_availability(profile: ReviewerProfile, *, away_from: date | None, away_to: date | None, by) -> ReviewerProfile:
    if away_from and away_to and away_to < away_from:
        raise ValidationError({"away_to": "The last day away cannot be before the first."})
    profile.away_from, profile.away_to = away_from, away_to
    profile.save(update_fields=["away_from", "away_to", "updated_at"])
    record_event(by, "reviewer_availability_set", profile, away_from=str(away_from or ""), away_to=str(away_to or ""))
    return profile
