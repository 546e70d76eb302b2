"""The endpoints' signing secrets at rest: sealed, not in clear.

A signing secret is an HMAC key: the portal must read it back to sign each request, and the organization's managers
read it on the endpoint's page (they put it into their own system, and may need it again for a second server), so it
cannot be hashed as an API key is. It is encrypted instead, with Fernet (AES-128-CBC and an HMAC-SHA256 over it) under
a key derived from the site's ``SECRET_KEY`` (HKDF-SHA256, its own ``info``: no other use of ``SECRET_KEY`` gives the
same key). A copy of the database alone, a backup or a dump, gives no secret.

Rotating ``SECRET_KEY``: keep the old one in ``SECRET_KEY_FALLBACKS`` and the secrets sealed under it still open (new
ones are sealed under the new key). An endpoint whose secret no key opens signs nothing: its deliveries fail saying
so, and its page asks the manager to make a new secret.
"""

from __future__ import annotations

import base64
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

INFO = b"imr-portal webhooks.endpoint-secret"


class UnreadableSecret(Exception):
    """The sealed secret opens under none of the site's keys (``SECRET_KEY`` changed without a fallback)."""

    def __init__(self) -> None:
        super().__init__(
            "The endpoint's signing secret cannot be read with this server's key (SECRET_KEY was changed): "
            "make a new secret on the endpoint's page."
        )


@lru_cache(maxsize=8)
def _fernet(site_key: str) -> Fernet:
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=INFO).derive(site_key.encode())
    return Fernet(base64.urlsafe_b64encode(derived))


def _keys() -> MultiFernet:
    """The current key first (it seals), then the fallbacks (they only open)."""
    return MultiFernet([_fernet(key) for key in (settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS)])


def seal(secret: str) -> str:
    return _keys().encrypt(secret.encode()).decode("ascii")


def unseal(sealed: str) -> str:
    try:
        return _keys().decrypt(sealed.encode("ascii")).decode()
    except (InvalidToken, UnicodeEncodeError) as error:
        raise UnreadableSecret from error
