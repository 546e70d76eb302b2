"""Making, finding and revoking API keys. A key reads ``imr_<prefix>_<secret>``: the prefix finds the row, the
SHA-256 of the whole key is compared in constant time; the key itself is never stored."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone

from api.models import ApiKey, Scope
from core.models import Party
from core.services import record_event
from parties.models import ORGANIZATION_KINDS

KEY_START = "imr_"
# The scopes only a claims administrator's key (or the state's feed) may hold: applications come from them.
APPLICATION_SENDERS = (Party.Kind.CLAIMS_ADMINISTRATOR,)
# How often a key's last use is written (not on every request).
LAST_USED_EVERY = timedelta(minutes=1)


def digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _new_key() -> tuple[str, str]:
    prefix = secrets.token_hex(4)
    return prefix, f"{KEY_START}{prefix}_{secrets.token_urlsafe(32)}"


def scope_problems(organization: Party | None, scopes: Iterable[str]) -> list[str]:
    """Why these scopes cannot be given to a key of this organization (None: the state's feed); empty when they can."""
    scopes = list(scopes)
    problems = [f"{scope!r} is not a scope (use {', '.join(Scope.values)})" for scope in scopes if scope not in Scope]
    if not scopes:
        problems.append("a key needs at least one scope")
    if organization is None:
        problems += [
            f"the state's feed sends applications only: {scope} cannot be given to it"
            for scope in scopes
            if scope in Scope and scope != Scope.APPLICATIONS_WRITE
        ]
        return problems
    if organization.kind not in ORGANIZATION_KINDS:
        problems.append(f"{organization} is a party of a kind that has no portal ({organization.get_kind_display()})")
    if Scope.APPLICATIONS_WRITE in scopes and organization.kind not in APPLICATION_SENDERS:
        problems.append(
            f"{Scope.APPLICATIONS_WRITE} is for claims administrators and the state's feed; "
            f"{organization} is a {organization.get_kind_display().lower()}"
        )
    return problems


def create_key(
    organization: Party | None,
    *,
    name: str,
    scopes: Iterable[str],
    expires_at: datetime | None = None,
    by=None,
) -> tuple[ApiKey, str]:
    """A new key and the key itself (shown once: the portal keeps only its hash). ``organization=None`` makes a key
    of the state's feed."""
    scopes = sorted(set(scopes), key=list(Scope.values).index) if set(scopes) <= set(Scope.values) else list(scopes)
    problems = scope_problems(organization, scopes)
    name = name.strip()
    if not name:
        problems.append("a key needs a name (what uses it)")
    if expires_at is not None and expires_at <= timezone.now():
        problems.append("its expiry is in the past")
    if problems:
        raise ValidationError("The key was not made: " + "; ".join(problems) + ".")
    prefix, key = _new_key()
    api_key = ApiKey.objects.create(
        organization=organization,
        state_feed=organization is None,
        name=name[:100],
        prefix=prefix,
        key_hash=digest(key),
        scopes=scopes,
        expires_at=expires_at,
        created_by=by if by is not None and by.is_authenticated else None,
    )
    record_event(by, "api.key_created", api_key, prefix=prefix, scopes=scopes)
    return api_key, key


def revoke_key(api_key: ApiKey, *, by) -> ApiKey:
    if api_key.revoked_at is None:
        api_key.revoked_at, api_key.revoked_by = timezone.now(), by if by is not None and by.is_authenticated else None
        api_key.save(update_fields=["revoked_at", "revoked_by"])
        record_event(by, "api.key_revoked", api_key, prefix=api_key.prefix)
    return api_key


def find_key(key: str) -> ApiKey | None:
    """The key's row when ``key`` is one the portal made (revoked and expired ones included); None otherwise."""
    if not key.startswith(KEY_START) or key.count("_") < 2:
        return None
    prefix = key[len(KEY_START) :].split("_", 1)[0]
    api_key = ApiKey.objects.select_related("organization").filter(prefix=prefix).first()
    if api_key is None or not hmac.compare_digest(api_key.key_hash, digest(key)):
        return None
    return api_key


def note_use(api_key: ApiKey) -> None:
    now = timezone.now()
    if api_key.last_used_at is None or now - api_key.last_used_at >= LAST_USED_EVERY:
        ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=now)
        api_key.last_used_at = now
