"""An IMR application received through the API: one case of ``imr-case/1``, checked and saved by the importer, once
per ``Idempotency-Key``.

Whose case it is. Applications come from two senders (the issue's "the state's feed and claims administrators'
systems"):
- the state's feed (a key with no organization): the Division of Workers' Compensation assigns applications to the
  review organization; the application names the claims administrator, and the case is that claims administrator's
  (and its attorney's and physician's) like any other, through ``parties.visibility``. The state sees no case through
  the API: it sends, it does not read.
- a claims administrator's system: the case must be its own. An application that names no claims administrator is
  filled in with the sender; one that names another is refused (``$.claims_administrator.name``). A key of a law firm
  or a physician cannot send applications at all (``api.keys.scope_problems``).

Idempotency: the sender (an organization, whichever of its keys, or the state) and the key find the earlier
application; the same body answers the same case, another body is refused (422), and two at once make one case (the
second waits on the unique row and answers the first's case).
"""

from __future__ import annotations

import copy
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from api.models import ApiKey, IdempotentApplication
from api.problems import ApiProblem, Issue, interchange_issue
from cases.interchange import FORMAT, InterchangeError, import_document
from cases.lifecycle import Status
from cases.models import Case
from core.services import record_event

MAX_IDEMPOTENCY_KEY = 255
# The importer's advice for a case number that exists, which an application cannot follow.
_UPDATE_HINT = "; import with update"


@dataclass(frozen=True)
class Received:
    case: Case
    created: bool  # False: the same application was sent before with this Idempotency-Key


def request_hash(body: bytes) -> str:
    """The body's hash, of its JSON content (whitespace and key order do not make another request)."""
    try:
        canonical = json.dumps(json.loads(body), sort_keys=True, separators=(",", ":")).encode()
    except ValueError:
        canonical = body
    return hashlib.sha256(canonical).hexdigest()


def _application_issues(api_key: ApiKey, data: dict[str, Any]) -> list[Issue]:
    """The rules of an application that an import does not have: a new case; a claims administrator's own."""
    issues = []
    if data.get("status") not in (None, Status.RECEIVED):
        issues.append(
            Issue(path="$.status", message=f'must be left out (or "{Status.RECEIVED}"): an application is a new case')
        )
    if not api_key.state_feed:
        named = data.get("claims_administrator")
        name = (named or {}).get("name") if isinstance(named, dict) else None
        own = api_key.organization.name if api_key.organization else ""
        if isinstance(name, str) and name.strip() and name.strip().lower() != own.lower():
            issues.append(
                Issue(
                    path="$.claims_administrator.name",
                    message=f"must be your organization ({own}) or null: a claims administrator sends its own "
                    "applications",
                )
            )
    return issues


def _as_case(api_key: ApiKey, data: dict[str, Any]) -> dict[str, Any]:
    """The case to import: the sender filled in as claims administrator where the application names none, the day
    received today where it gives none."""
    case = copy.deepcopy(data)
    if not api_key.state_feed and api_key.organization is not None:
        named = case.get("claims_administrator")
        if named is None:
            case["claims_administrator"] = {"name": api_key.organization.name, "adjuster": None}
        elif isinstance(named, dict) and not named.get("name"):
            named["name"] = api_key.organization.name
    dates = case.get("dates")
    if isinstance(dates, dict) and dates.get("application_received") is None:
        dates["application_received"] = timezone.localdate().isoformat()
    return case


def _earlier(api_key: ApiKey, idempotency_key: str, digest: str) -> Received | None:
    earlier = (
        IdempotentApplication.objects.select_related("case")
        .filter(sender=api_key.sender, idempotency_key=idempotency_key)
        .first()
    )
    if earlier is None:
        return None
    if earlier.request_hash != digest:
        raise ApiProblem(
            422,
            "idempotency-key-reused",
            f"This Idempotency-Key was used on {earlier.created_at:%Y-%m-%d} for another application "
            f"(case {earlier.case.case_number}); use a new key for a new application.",
            [Issue(path="header Idempotency-Key", message="was used before with another body")],
        )
    return Received(earlier.case, created=False)


def receive_application(api_key: ApiKey, *, body: bytes, data: Any, idempotency_key: str) -> Received:
    """Save the application as a new case (all or nothing) or answer the case it made before; ``ApiProblem`` (with
    every problem and its JSON path) when it is refused."""
    idempotency_key = idempotency_key.strip()
    if not idempotency_key or len(idempotency_key) > MAX_IDEMPOTENCY_KEY:
        raise ApiProblem(
            400,
            "idempotency-key-required",
            "Send an Idempotency-Key header (a unique value you choose for this application, at most 255 characters):"
            " the same key sent again answers the same case.",
            [Issue(path="header Idempotency-Key", message="is required (1 to 255 characters)")],
        )
    digest = request_hash(body)
    if (earlier := _earlier(api_key, idempotency_key, digest)) is not None:
        return earlier
    if not isinstance(data, dict):
        raise ApiProblem(
            422,
            "invalid-application",
            "The application must be a JSON object (one case of imr-case/1).",
            [Issue(path="$", message="must be an object")],
        )
    if issues := _application_issues(api_key, data):
        raise ApiProblem(422, "invalid-application", "The application was refused; nothing was saved.", issues)
    try:
        with transaction.atomic():
            result = import_document({"format": FORMAT, "cases": [_as_case(api_key, data)]})
            case = result.created[0]
            IdempotentApplication.objects.create(
                sender=api_key.sender,
                idempotency_key=idempotency_key,
                request_hash=digest,
                case=case,
                api_key=api_key,
            )
            record_event(None, "api.application_received", case, key=api_key.prefix, sender=api_key.sender)
    except InterchangeError as error:
        raise ApiProblem(
            422,
            "invalid-application",
            "The application was refused; nothing was saved.",
            [interchange_issue(message.split(_UPDATE_HINT)[0]) for message in error.errors],
        ) from None
    except IntegrityError:
        # The same key sent twice at once: the other request saved its case first. Answer that one.
        if (earlier := _earlier(api_key, idempotency_key, digest)) is not None:
            return earlier
        raise
    return Received(case, created=True)
