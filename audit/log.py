"""Writing the access log. Every page about a case records itself through ``cases.permissions.case_view``; lists of
cases call ``record_list`` with the cases the page shows (one statement, however many); downloads, ZIPs and exports call
``record`` or ``record_many``. Every admin page of a model that holds case data is recorded by the admin site itself
(``audit.admin_site``), and a refusal (403) that nothing recorded by ``audit.middleware``.

A row is written at once, in a transaction of its own, before the view runs: the portal does not wrap requests in a
transaction (``ATOMIC_REQUESTS`` is off, a system check makes sure of it), so a request that fails later, or whose own
transaction is rolled back, still leaves its row.

On PostgreSQL that transaction commits asynchronously (``synchronous_commit = off`` for it alone): it does not wait
for the disk, which is most of what a durable commit costs (2.6 ms against 0.1 ms measured here; see
benchmarks/RESULTS-access-log.md). The row is visible at once and is written to disk within a fraction of a second,
and with the next durable commit of anything (every change of medical data is one); only a crash of the database
server in that fraction of a second could lose it. Nothing of a change is ever committed asynchronously.
"""

from __future__ import annotations

import datetime
import ipaddress
import re
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connections, router
from django.http import HttpRequest

from accounts.security import client_ip
from audit import partitions
from audit.models import AccessEvent
from core.text import BIDI_CONTROLS

Outcome = AccessEvent.Outcome

# Set on a request once a row of it is written: the refusal middleware then adds none.
_RECORDED = "_access_logged"

# What the log keeps of text a client chose (path, user agent): printable characters only, bounded.
_UNPRINTABLE = re.compile(rf"[\x00-\x1f\x7f-\x9f{BIDI_CONTROLS}]")


def _clean(text: str, limit: int) -> str:
    return _UNPRINTABLE.sub("\ufffd", text or "")[:limit]


def _address(request: HttpRequest) -> str | None:
    try:
        return str(ipaddress.ip_address(client_ip(request)))
    except ValueError:
        return None


def _action(request: HttpRequest) -> str:
    match = getattr(request, "resolver_match", None)
    return match.view_name[:64] if match and match.view_name else "unknown"


def _row(request: HttpRequest, *, outcome: str, action: str | None, detail: dict) -> AccessEvent:
    """What every row of this request has in common: who, when, from where, the page, the outcome."""
    user = getattr(request, "user", None)
    signed_in = user is not None and user.is_authenticated
    return AccessEvent(
        user=user if signed_in else None,
        username=user.get_username() if signed_in else "",
        kind=AccessEvent.Kind.READ if request.method in ("GET", "HEAD") else AccessEvent.Kind.WRITE,
        action=action or _action(request),
        outcome=outcome,
        method=_clean(request.method or "", 8),
        path=_clean(request.get_full_path(), 500),
        ip=_address(request),
        user_agent=_clean(request.META.get("HTTP_USER_AGENT", ""), 300),
        detail={key: _clean(value, 500) if isinstance(value, str) else value for key, value in detail.items()},
    )


# The columns that differ between the rows of one request (the objects read); the rest is the request's.
_TARGET = ("object_type", "object_id", "case_number")


def _targets(objects: Iterable[tuple[str, Any, str]]) -> list[tuple[str, str, str]]:
    return [(str(kind)[:32], _clean(str(pk), 64), _clean(str(number), 64)) for kind, pk, number in objects]


def recorded(request: HttpRequest) -> bool:
    """Whether this request has written its row already."""
    return getattr(request, _RECORDED, False)


def _save(request: HttpRequest, row: AccessEvent, targets: list[tuple[str, str, str]]) -> None:
    """Write one row per target, each ``row`` with the target's object type, id and case number."""
    setattr(request, _RECORDED, True)
    connection = connections[router.db_for_write(AccessEvent)]
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        # Inside a caller's transaction its commit decides, as for everything else in it.
        rows = [AccessEvent(**{**_values(row), **dict(zip(_TARGET, target, strict=True))}) for target in targets]
        AccessEvent.objects.bulk_create(rows, batch_size=500)
        return
    # One statement, whatever the number of objects (the request's values once, the objects as three arrays), so
    # one transaction in autocommit and one round trip; set_config(..., true) makes that transaction's commit
    # asynchronous, and only that one.
    fields = [field for field in AccessEvent._meta.concrete_fields if not field.primary_key]
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    values = [
        f"target.{field.column}" if field.name in _TARGET else f"%s::{field.db_type(connection)}" for field in fields
    ]
    params = [
        field.get_db_prep_save(getattr(row, field.attname), connection) for field in fields if field.name not in _TARGET
    ]
    params += [[target[index] for target in targets] for index in range(len(_TARGET))]
    statement = (
        f"INSERT INTO {connection.ops.quote_name(AccessEvent._meta.db_table)} ({columns}) "
        f"SELECT {', '.join(values)} FROM unnest(%s::text[], %s::text[], %s::text[]) "
        f"AS target({', '.join(_TARGET)}) WHERE set_config('synchronous_commit', 'off', true) IS NOT NULL"
    )
    with connection.cursor() as cursor:
        try:
            cursor.execute(statement, params)
        except IntegrityError as error:
            # No partition for this month (the beat task has not run for months: audit.partitions): make the months
            # and write again. Autocommit, so the failed statement left nothing to roll back.
            if "no partition" not in str(error):
                raise
            partitions.make_ahead(using=connection.alias)
            cursor.execute(statement, params)


def _values(row: AccessEvent) -> dict:
    return {field.attname: getattr(row, field.attname) for field in AccessEvent._meta.concrete_fields}


def accesses_of_case(case_number: str, limit: int = 15, *, since: datetime.datetime | None = None) -> list[AccessEvent]:
    """The latest reads and changes of a case, newest first (the case page shows them to administrators).

    ``since``: the case's creation. Nothing of a case is read before it exists, so the months before it need not be
    asked: PostgreSQL then plans and probes only the partitions since (a day earlier is asked: the row of the page that
    creates a case is written before the case)."""
    # iexact: the index is on UPPER(case_number) (the search's, audit.views); case numbers are stored upper case.
    events = AccessEvent.objects.filter(case_number__iexact=case_number)
    if since is not None:
        events = events.filter(at__gte=since - datetime.timedelta(days=1))
    return list(events.order_by("-at", "-pk")[:limit])


def record(
    request: HttpRequest,
    *,
    object_type: str,
    object_id: Any = "",
    case_number: str = "",
    outcome: str = Outcome.ALLOWED,
    action: str | None = None,
    **detail: Any,
) -> AccessEvent | None:
    """Record that ``request`` reached (or was refused) a protected object."""
    if not settings.IMR_ACCESS_LOG:
        return None
    row = _row(request, outcome=outcome, action=action, detail=detail)
    targets = _targets([(object_type, object_id, case_number)])
    row.object_type, row.object_id, row.case_number = targets[0]
    _save(request, row, targets)
    return row


def record_many(
    request: HttpRequest, objects: Iterable[tuple[str, Any, str]], *, action: str | None = None, **detail: Any
) -> None:
    """Record one read per ``(object_type, object_id, case_number)``, in one statement: the letters of a ZIP, the cases
    of an export."""
    if not settings.IMR_ACCESS_LOG:
        return
    targets = _targets(objects)
    if targets:
        _save(request, _row(request, outcome=Outcome.ALLOWED, action=action, detail=detail), targets)


def record_list(
    request: HttpRequest,
    object_type: str,
    objects: Iterable[tuple[Any, str]],
    *,
    action: str | None = None,
    **detail: Any,
) -> None:
    """Record a list page: one read per ``(object_id, case_number)`` it shows, in one statement; one row with no
    object when it shows none, so that every list page leaves a row."""
    shown = list(objects) or [("", "")]
    rows = ((object_type, object_id, case_number) for object_id, case_number in shown)
    record_many(request, rows, action=action, **detail)


def record_cases(request: HttpRequest, cases: Iterable[Any]) -> None:
    """Record a list of cases (``record_list``): the portal's lists call this with the cases the page shows."""
    record_list(request, "case", ((case.pk, case.case_number) for case in cases))
