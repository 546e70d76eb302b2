"""The injured worker's way in: a case access code, checked with the case number and the date of birth, opens that one
case for a short session.

The code: ten characters from an alphabet of 30 (the digits 2–9 and the capital letters without I, L, O and U, so
that nothing can be read as another character: 0/O, 1/I/L, and U/V), printed as two groups of five
(``7KQ4M-XH2RB``). 30¹⁰ ≈ 5.9 × 10¹⁴ codes, 49 bits of entropy, drawn with ``secrets``. It is stored only as a Django
password hash (PBKDF2 with its own salt and iteration count, in the hash string: everything needed to check a code).
A new code (an administrator's, ``issue_code``) replaces the hash and raises the generation: the old code stops
working and a session opened with it ends.

Guessing is bounded three ways: the date of birth must match too, attempts are counted per address and per case
number (``WORKER_ATTEMPTS_PER_ADDRESS`` and ``WORKER_ATTEMPTS_PER_CASE`` in ``WORKER_ATTEMPT_WINDOW`` seconds, on the
shared cache), and every answer to a wrong attempt is the same, whether the case exists or not (a missing case is
checked against a dummy hash so that it takes as long).
"""

from __future__ import annotations

import re
import secrets
import time
from datetime import date

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from accounts.security import client_ip, rate_limit
from cases.models import Case
from parties.worker_models import WorkerAccess, WorkerLanguage

ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 10
CODE_RE = re.compile(rf"^[{ALPHABET}]{{{CODE_LENGTH}}}$")

# The session's grant: one case, for WORKER_SESSION_SECONDS after the code was checked.
SESSION_KEY = "imr_worker_case"
LANGUAGE_SESSION_KEY = "imr_worker_language"


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def session_seconds() -> int:
    return _setting("IMR_WORKER_SESSION_SECONDS", 20 * 60)


def attempt_limits() -> tuple[int, int, int]:
    """(per address, per case number, window in seconds)."""
    return (
        _setting("IMR_WORKER_ATTEMPTS_PER_ADDRESS", 10),
        _setting("IMR_WORKER_ATTEMPTS_PER_CASE", 5),
        _setting("IMR_WORKER_ATTEMPT_WINDOW", 15 * 60),
    )


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def printed(code: str) -> str:
    """The code as printed and shown: two groups of five."""
    return f"{code[:5]}-{code[5:]}"


def normalize_code(typed: str) -> str:
    """What the worker typed, without spaces and dashes, in capitals."""
    return re.sub(r"[\s\-]", "", typed or "").upper()


def normalize_case_number(typed: str) -> str:
    return re.sub(r"\s", "", typed or "").upper()


def access_of(case: Case) -> WorkerAccess:
    access, _ = WorkerAccess.objects.get_or_create(case=case)
    return access


@transaction.atomic
def issue_code(case: Case, *, by=None) -> str:
    """A new code for the case: its hash replaces the old one (which stops working). Returns the code, the only time
    it exists in clear: the caller prints it in the worker's notice."""
    access = WorkerAccess.objects.select_for_update().filter(case=case).first() or WorkerAccess.objects.create(
        case=case
    )
    code = new_code()
    access.code_hash = make_password(code)
    access.generation += 1
    access.code_issued_at = timezone.now()
    access.code_issued_by = by if by is not None and by.is_authenticated else None
    access.save(update_fields=["code_hash", "generation", "code_issued_at", "code_issued_by"])
    return code


# Checked when no case matches, so that a wrong case number takes as long as a wrong code.
_DUMMY_HASH: list[str] = []


def _dummy_check(code: str) -> None:
    if not _DUMMY_HASH:
        _DUMMY_HASH.append(make_password(new_code()))
    check_password(code, _DUMMY_HASH[0])


def find_access(case_number: str, code: str, birth_date: date | None) -> WorkerAccess | None:
    """The access the three open, or None: the same None for a case that does not exist, a case with no code yet, a
    wrong code and a wrong date of birth."""
    code = normalize_code(code)
    access = (
        WorkerAccess.objects.select_related("case")
        .filter(case__case_number=normalize_case_number(case_number))
        .exclude(code_hash="")
        .first()
    )
    if access is None or not CODE_RE.match(code):
        _dummy_check(code)
        return None
    matches = check_password(code, access.code_hash)
    born = access.case.employee_date_of_birth
    if not matches or born is None or birth_date != born:
        return None
    return access


def within_limits(request: HttpRequest, case_number: str) -> bool:
    """Count this attempt against the address and the case number typed; False once either is over its limit."""
    per_address, per_case, window = attempt_limits()
    by_address = rate_limit("worker-address", client_ip(request), limit=per_address, window=window)
    by_case = rate_limit("worker-case", normalize_case_number(case_number), limit=per_case, window=window)
    return by_address and by_case


def grant(request: HttpRequest, access: WorkerAccess) -> None:
    """Open ``access``'s case to this browser for ``session_seconds()``. A new session key (no fixation); any case
    opened before in this browser is closed: one case at a time. A language chosen on the way in is kept on the
    case; otherwise the pages follow the case's."""
    request.session.cycle_key()
    request.session[SESSION_KEY] = {
        "case_number": access.case.case_number,
        "case_id": access.case_id,
        "generation": access.generation,
        "until": time.time() + session_seconds(),
    }
    chosen = request.session.get(LANGUAGE_SESSION_KEY)
    if chosen in WorkerLanguage.values and chosen != access.language:
        # Chosen on the way in: the case keeps it (the worker's notices follow).
        access.language = chosen
        access.save(update_fields=["language"])
    request.session[LANGUAGE_SESSION_KEY] = access.language


def granted_access(request: HttpRequest, case_number: str) -> WorkerAccess | None:
    """The access this session holds for ``case_number``, or None: no grant, another case, expired, or a newer code."""
    held = request.session.get(SESSION_KEY)
    if not isinstance(held, dict) or held.get("case_number") != case_number:
        return None
    if time.time() > float(held.get("until", 0)):
        end(request)
        return None
    access = WorkerAccess.objects.select_related("case").filter(case_id=int(held.get("case_id") or 0)).first()
    if access is None or access.generation != held.get("generation") or access.case.case_number != case_number:
        end(request)
        return None
    return access


def end(request: HttpRequest) -> None:
    request.session.pop(SESSION_KEY, None)


def chosen_language(request: HttpRequest, access: WorkerAccess | None = None) -> str:
    """The worker's language: the one chosen in this browser, else the case's, else English."""
    chosen = request.session.get(LANGUAGE_SESSION_KEY)
    if chosen in WorkerLanguage.values:
        return str(chosen)
    if access is not None:
        return str(access.language)
    return WorkerLanguage.ENGLISH.value


def choose_language(request: HttpRequest, language: str) -> None:
    """The worker's switch: kept in the browser's session and, when a case is open, on the case (its notices follow)."""
    if language not in WorkerLanguage.values:
        return
    request.session[LANGUAGE_SESSION_KEY] = language
    held = request.session.get(SESSION_KEY)
    if isinstance(held, dict) and granted_access(request, held.get("case_number", "")) is not None:
        WorkerAccess.objects.filter(case_id=held["case_id"]).update(language=language)
