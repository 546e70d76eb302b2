"""Hooks a higher layer registers on the cases app when it starts: how ``cases`` reaches what it must not import.

The one hook: the letters of an approved case. ``letters`` imports ``cases``, never the reverse, so the letters app
registers its one way of asking for letters here in ``LettersConfig.ready()`` (``letters/apps.py``:
``letters.services.requests.request_letters``), and ``approve_determination`` calls :func:`ask_for_letters` inside
its transaction; the letters app checks the case, writes the audit row and queues its task after the commit. A portal
started without a registered letter requester fails Django's system checks (``cases.E001``) instead of approving
cases whose letters are never made.

The second: the service record. The letters app records when and how a letter was served on each addressee; an
appeal's deadline runs from service on the appealing party, so ``record_appeal`` asks :func:`service_of` (registered
by ``letters/apps.py``: ``letters.service_record.service_of``) and falls back to what the administrator typed only
when no service is recorded. Without a registered lookup the system checks fail (``cases.E002``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Protocol

from django.core import checks

if TYPE_CHECKING:
    from cases.models import Case
    from core.models import OutboxEmail


class LetterRequester(Protocol):
    def __call__(self, case: Case, *, by) -> None: ...


_letter_requester: LetterRequester | None = None


def register_letter_requester(requester: LetterRequester) -> None:
    """``requester(case, by=user)`` asks for the case's signed letters (queued once the caller's transaction
    commits)."""
    global _letter_requester
    _letter_requester = requester


def ask_for_letters(case: Case, *, by) -> None:
    """Ask the letters app for the letters of a case just determined (``by``: the QA who approved it)."""
    if _letter_requester is None:
        raise RuntimeError("No letter requester is registered: the letters app registers one when it starts.")
    _letter_requester(case, by=by)


class ServiceLookup(Protocol):
    def __call__(self, case: Case, party: str) -> tuple[date, str] | None: ...


_service_lookup: ServiceLookup | None = None


def register_service_lookup(lookup: ServiceLookup) -> None:
    """``lookup(case, party)`` gives (served on, ``cases.clock.ServiceMethod`` value) of the earliest recorded service
    of the case's letter on that party (an ``Appeal.FiledBy`` value), or None when none is recorded."""
    global _service_lookup
    _service_lookup = lookup


def service_of(case: Case, party: str) -> tuple[date, str] | None:
    """When and how the case's determination was served on ``party`` (an ``Appeal.FiledBy`` value), from the
    service record; None when no service on that party is recorded."""
    if _service_lookup is None:
        raise RuntimeError("No service lookup is registered: the letters app registers one when it starts.")
    return _service_lookup(case, party)


@checks.register()
def service_lookup_registered(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    if _service_lookup is None:
        return [
            checks.Error(
                "No service lookup is registered on cases.hooks: appeal deadlines could not read the service record.",
                hint="Install the letters app (its AppConfig.ready() registers letters.service_record.service_of).",
                id="cases.E002",
            )
        ]
    return []


@checks.register()
def letter_requester_registered(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    if _letter_requester is None:
        return [
            checks.Error(
                "No letter requester is registered on cases.hooks: approved cases would get no letter.",
                hint="Install the letters app (its AppConfig.ready() registers letters.services.request_letters).",
                id="cases.E001",
            )
        ]
    return []


# The third: what other apps add to the notice of assignment (the mailroom's link to the records cover sheets). Each
# provider gives extra template variables for a case; none registered leaves the notice as it is.
_notice_extras: dict[str, Callable[[Case], dict]] = {}


def register_notice_extra(name: str, provider: Callable[[Case], dict]) -> None:
    """``provider(case)`` gives variables for the notice of assignment's template (registered once by name)."""
    _notice_extras[name] = provider


def notice_extras(case: Case) -> dict:
    context: dict = {}
    for provider in _notice_extras.values():
        context.update(provider(case))
    return context


# The third: the injured worker's notice of assignment (in the worker's language, with the case access code), which
# the parties app writes (``parties.worker_notice.queue_worker_notice``, registered by ``parties/apps.py``).
class WorkerNotice(Protocol):
    def __call__(self, case: Case) -> OutboxEmail: ...


_worker_notice: WorkerNotice | None = None


def register_worker_notice(notice: WorkerNotice) -> None:
    global _worker_notice
    _worker_notice = notice


def worker_notice(case: Case) -> OutboxEmail:
    """Queue the worker's notice of assignment (once a case); the outbox message."""
    if _worker_notice is None:
        raise RuntimeError("No worker notice is registered: the parties app registers one when it starts.")
    return _worker_notice(case)


@checks.register()
def worker_notice_registered(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    if _worker_notice is None:
        return [
            checks.Error(
                "No worker notice is registered on cases.hooks: the injured worker would get no notice of assignment.",
                hint="Install the parties app (its AppConfig.ready() registers parties.worker_notice).",
                id="cases.E003",
            )
        ]
    return []
