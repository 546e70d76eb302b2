from typing import Any

from django.db import models

from core.models import AuditEvent, Party


def record_event(actor, action: str, obj: models.Model, **detail: Any) -> AuditEvent:
    """Record an action on an object as an `AuditEvent` (the portal's event log of what was done; reads of medical data
    go to the `audit` app's access log, `audit.log.record`). ``actor`` may be None for the system."""
    return AuditEvent.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        detail=detail,
    )


def get_or_create_party(kind: str, name: str | None, **defaults: Any) -> Party | None:
    """The one party of this kind with this name (case-insensitive), created if new; None for a blank name."""
    name = (name or "").strip()
    if not name:
        return None
    party = Party.objects.filter(kind=kind, name__iexact=name).first()
    if party is None:
        party = Party.objects.create(kind=kind, name=name, **{k: v for k, v in defaults.items() if v is not None})
    return party


def update_party_contact(party: Party | None, typed: dict[str, str]) -> None:
    """Keep on the party the address and numbers typed for it (a blank part keeps what is on file): the party is
    one record, so the next case naming it starts from the same address."""
    changed = [field for field, value in typed.items() if getattr(party, field) != value] if party else []
    if party is not None and changed:
        for field in changed:
            setattr(party, field, typed[field])
        party.save(update_fields=[*changed, "updated_at"])
