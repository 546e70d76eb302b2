"""The token of a mailed link that works once, until it expires: the second factor's set-up link
(``accounts.enrolment``) and the parties' invitation (``parties.invitations``).

The token (32 random bytes, URL-safe) is in the link only; its row keeps its SHA-256 (``token_hash``, 64 characters,
unique), so a copy of the database opens no link. A row with a token has ``token_hash``, ``expires_at`` and ``used_at``
(empty until the link is used).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeVar

from django.db.models import Model, QuerySet
from django.utils import timezone

Row = TypeVar("Row", bound=Model)


@dataclass(frozen=True)
class NewToken:
    token: str  # for the link, never stored
    token_hash: str
    expires_at: datetime


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def new_token(lifetime: timedelta) -> NewToken:
    token = secrets.token_urlsafe(32)
    return NewToken(token, digest(token), timezone.now() + lifetime)


def find(rows: QuerySet[Row], token: str) -> Row | None:
    """The row of ``token`` among ``rows``, used or not, expired or not (the caller says which it is)."""
    return rows.filter(token_hash=digest(token)).first()


def redeem(rows: QuerySet, token: str) -> bool:
    """Use ``token``: True once, for a row among ``rows`` that is unused and has not expired; False for anything
    else. One conditional UPDATE, so two requests with the same token use it once."""
    now = timezone.now()
    return bool(rows.filter(token_hash=digest(token), used_at=None, expires_at__gt=now).update(used_at=now))
