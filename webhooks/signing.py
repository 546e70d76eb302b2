"""The signature of a webhook (the scheme Stripe uses, so that its receivers' habits carry over).

Every request carries ``IMR-Signature: t=<unix time>,v1=<hex>``: ``v1`` is the HMAC-SHA256, keyed with the endpoint's
secret, of the time, a full stop and the request's body exactly as sent (``f"{t}.{body}"``). The receiver computes the
same, compares in constant time, and refuses a time more than five minutes from its clock (a replayed request). Each
try is signed anew, with its own time. README.md, "Webhooks", has the check in a few lines of Python.
"""

from __future__ import annotations

import hashlib
import hmac
import json

SIGNATURE_HEADER = "IMR-Signature"


def body(payload: dict) -> bytes:
    """The bytes sent: compact JSON with sorted keys (the same payload always gives the same body)."""
    return json.dumps(payload, separators=(",", ":"), sort_keys=True, ensure_ascii=False).encode()


def signature(secret: str, timestamp: int, data: bytes) -> str:
    """The value of the ``IMR-Signature`` header for ``data`` sent at ``timestamp``."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + data, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"
