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
        self.contacts: list[tuple[Party, dict[str, str]]] = []

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

    def note_contact(self, party: Party | None, data: dict[str, Any] | None) -> Party | None:
        """The party, with the address and numbers its object in the document gives kept for ``save_moves``."""
        fields = contact_fields(data)
        if party is not None and fields:
            self.contacts.append((party, fields))
        return party

    def save_moves(self) -> None:
        """The physicians' provider groups and the parties' addresses the document gave."""
        if self.contacts:
            update_contacts(self.contacts)
            self.contacts = []
        if self.moved:
            now = timezone.now()
            for party in self.moved.values():
                party.updated_at = now
            Party.objects.bulk_update(list(self.moved.values()), ["organization", "updated_at"])
            self.moved = {}


# -- addresses (CASE-FORMAT.md "Addresses") ---------------------------------------------------------------------


def contact_object(*, lines: str, city: str, state: str, zip_code: str, email: str, fax: str, phone: str) -> dict:
    """The format's "address", "email", "fax" and "phone" keys of a party (null where unknown); no keys at all when
    nothing is known, so a case imported without them exports as it was imported."""
    street = [line.strip() for line in (lines or "").splitlines() if line.strip()]
    address = {"lines": street, "city": city, "state": state, "zip": zip_code} if street and city else None
    values = {"address": address, "email": email or None, "fax": fax or None, "phone": phone or None}
    return values if any(value is not None for value in values.values()) else {}


def contact_fields(party: dict[str, Any] | None) -> dict[str, str]:
    """The Party fields a document's party object gives (address, e-mail, fax, phone), those it leaves out or null
    left out: an import never erases what the portal knows of a party."""
    party = party or {}
    fields: dict[str, str] = {}
    if address := party.get("address"):
        fields.update(
            address_lines="\n".join(address["lines"]),
            city=address["city"],
            state=address["state"],
            zip_code=address["zip"],
        )
    for key in ("email", "fax", "phone"):
        if party.get(key):
            fields[key] = party[key]
    return fields


def update_contacts(found: list[tuple[Party, dict[str, str]]]) -> None:
    """Keep on each party the address and numbers the document gives it (the last case naming it wins)."""
    changed: dict[int, Party] = {}
    for party, fields in found:
        for name, value in fields.items():
            if getattr(party, name) != value:
                setattr(party, name, value)
                changed[party.pk] = party
    if changed:
        now = timezone.now()
        for party in changed.values():
            party.updated_at = now
        fields_names = ["address_lines", "city", "state", "zip_code", "email", "fax", "phone", "updated_at"]
        Party.objects.bulk_update(list(changed.values()), fields_names)
