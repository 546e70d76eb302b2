"""Every write of the letters app, one module per job (each changes for one reason):

- ``signer``: the organization's signer and trust roots, from settings; signing a rendered letter.
- ``generation``: render, sign, store and register a rendition; idempotent.
- ``requests``: the one way to ask for a case's letters (state check, audit row, the task queued after commit).
- ``corrections``: a corrected version of the letters, serialized on the case.
- ``delivery``: downloads, and service on the parties (the proof of service).
- ``verification``: is a file a letter the organization signed, unchanged and current?

Locks: the case row first (``select_for_update``), then letter rows, always in that order. The services never
import ``letters.tasks`` (the tasks call the services; the letter task is registered on ``requests`` at start-up).
The names below are the app's service API, for ``from letters import services``.
"""

from letters.services.corrections import issue_correction
from letters.services.delivery import DELIVERY_METHODS, Delivery, record_download, record_service
from letters.services.errors import LetterError
from letters.services.generation import generate_letters, generate_rendition, letter_upload_name
from letters.services.requests import request_letters
from letters.services.signer import sign_rendered, signing_setup
from letters.services.verification import claimed_code, latest_version, verify_letter_bytes

__all__ = [
    "DELIVERY_METHODS",
    "Delivery",
    "LetterError",
    "claimed_code",
    "generate_letters",
    "generate_rendition",
    "issue_correction",
    "latest_version",
    "letter_upload_name",
    "record_download",
    "record_service",
    "request_letters",
    "sign_rendered",
    "signing_setup",
    "verify_letter_bytes",
]
