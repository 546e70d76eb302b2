"""The parties a document names (employers, claims administrators, law firms, physicians and provider groups), looked
up once per import by kind and name, case-insensitive, as ``core.services.get_or_create_party`` does, and made in
bulk when new.

Two imports naming the same new party at once both end with the one party: a name another import has just written
is skipped on insert (``ON CONFLICT DO NOTHING`` on the unique kind and name) and read back instead.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from django.db.models.functions import Lower
from django.utils import timezone

from core.models import Party

# (kind, the case's key, the key of the name in that object)
PARTY_KEYS = (
    (Party.Kind.EMPLOYER, "employer", "name"),
    (Party.Kind.CLAIMS_ADMINISTRATOR, "claims_administrator", "name"),
    (Party.Kind.LAW_FIRM, "employee_attorney", "firm"),
    (Party.Kind.PHYSICIAN, "requesting_provider", "name"),
    (Party.Kind.PROVIDER_GROUP, "requesting_provider", "organization"),
)


def named_parties(data: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """(kind, name) of each party a schema-valid case names."""
    for kind, key, name_key in PARTY_KEYS:
        name = ((data[key] or {}).get(name_key) or "").strip()
        if name:
            yield kind, name


class Parties:
    """The parties of one import, by (kind, lower-case name)."""

    def __init__(self) -> None:
        self.known: dict[tuple[str, str], Party] = {}
        self.moved: dict[int, Party] = {}

    def load(self, wanted: Iterable[tuple[str, str]]) -> None:
        """Find the parties not known yet, and make those that do not exist."""
        missing: dict[tuple[str, str], str] = {}
        for kind, name in wanted:
            key = (kind, name.lower())
            if key not in self.known:
                missing.setdefault(key, name)
        if not missing:
            return
        self._find(missing)
        new = [Party(kind=key[0], name=name) for key, name in missing.items() if key not in self.known]
        if new:
            Party.objects.bulk_create(new, ignore_conflicts=True)  # returns no keys: read them back
            self._find(missing)

    def _find(self, missing: dict[tuple[str, str], str]) -> None:
        by_kind: dict[str, list[str]] = {}
        for kind, lowered in missing:
            if (kind, lowered) not in self.known:
                by_kind.setdefault(kind, []).append(lowered)
        for kind, names in by_kind.items():
            for party in Party.objects.annotate(lowered=Lower("name")).filter(kind=kind, lowered__in=names):
                self.known[(kind, party.lowered)] = party

    def get(self, kind: str, name: str | None) -> Party | None:
        name = (name or "").strip()
        return self.known[(kind, name.lower())] if name else None

    def place(self, physician: Party | None, group: Party | None) -> None:
        """The physician works in that provider group (the last case of the file naming both wins)."""
        if physician is not None and group is not None and physician.organization_id != group.pk:
            physician.organization = group
            self.moved[physician.pk] = physician

    def save_moves(self) -> None:
        if self.moved:
            now = timezone.now()
            for party in self.moved.values():
                party.updated_at = now
            Party.objects.bulk_update(list(self.moved.values()), ["organization", "updated_at"])
            self.moved = {}
