"""Arrangements shared by the letters' tests."""

from __future__ import annotations

import datetime

from django.db.models import QuerySet

from letters.models import Letter

# The decision date of tests.factories.determined_case (11/10/2026), at 9 AM in California.
DECISION_DAY = datetime.datetime(2026, 11, 10, 17, 0, tzinfo=datetime.UTC)


def signed_on_decision_day(letters: list[Letter]) -> list[Letter]:
    """The letters as if signed on their case's decision day: a service recorded on a fixed day after it (11/12/2026)
    is then valid whatever today is (a service date before the signing is refused)."""
    # The register's own update() refuses to touch a signed letter; this arrangement goes round it on purpose.
    QuerySet.update(Letter.objects.filter(pk__in=[letter.pk for letter in letters]), signed_at=DECISION_DAY)
    for letter in letters:
        letter.refresh_from_db()
    return letters
