"""The access log's monthly partitions on PostgreSQL (migration 0004 made the table and its two functions).

A month's partition is ``audit_accessevent_yYYYYmMM`` and holds the rows whose ``at`` falls in that month in UTC.

Policy, so that a write never fails for want of a partition (there is no DEFAULT partition: a row that fell into one
would keep its month from ever getting a partition of its own without rewriting the default):
- the migration makes every month of the rows kept and three ahead;
- the beat task ``audit.tasks.make_access_log_partitions`` makes the current month and ``ACCESS_LOG_PARTITIONS_AHEAD``
  ahead (3), several times a day, idempotently;
- a write that still finds no partition (the beat stopped for three months) makes them and writes again
  (``audit.log``), in autocommit where the log is written.
The application's role makes them through ``audit_accessevent_partitions_ahead``, a SECURITY DEFINER function of the
owner's that can make nothing else; the partitions belong to the owner, like every table.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

from audit.models import AccessEvent

TABLE = AccessEvent._meta.db_table


@dataclass(frozen=True)
class Partition:
    name: str
    start: datetime.datetime  # UTC, inclusive
    end: datetime.datetime  # UTC, exclusive

    @property
    def month(self) -> str:
        return f"{self.start:%Y-%m}"


def month_start(moment: datetime.date | datetime.datetime) -> datetime.datetime:
    """The first instant (UTC) of the month of ``moment`` (a date, or an aware datetime taken in UTC)."""
    if isinstance(moment, datetime.datetime):
        moment = moment.astimezone(datetime.UTC)
    return datetime.datetime(moment.year, moment.month, 1, tzinfo=datetime.UTC)


def next_month(start: datetime.datetime) -> datetime.datetime:
    return start.replace(year=start.year + start.month // 12, month=start.month % 12 + 1)


def partition_name(start: datetime.datetime) -> str:
    return f"{TABLE}_y{start:%Y}m{start:%m}"


def parse_month(text: str) -> datetime.datetime:
    """``YYYY-MM`` as the month's first instant (UTC); ValueError naming the text otherwise."""
    try:
        return month_start(datetime.datetime.strptime(text.strip(), "%Y-%m").date())
    except ValueError:
        raise ValueError(f"{text!r} is not a month: write it as YYYY-MM, e.g. 2020-11.") from None


def partitioned(using: str = DEFAULT_DB_ALIAS) -> bool:
    connection = connections[using]
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT relkind = 'p' FROM pg_class WHERE oid = to_regclass(%s)", [TABLE])
        row = cursor.fetchone()
    return bool(row and row[0])


def partitions(using: str = DEFAULT_DB_ALIAS) -> list[Partition]:
    """The access log's partitions, oldest first (none on SQLite)."""
    if not partitioned(using):
        return []
    with connections[using].cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, pg_get_expr(c.relpartbound, c.oid) FROM pg_inherits i JOIN pg_class c "
            "ON c.oid = i.inhrelid WHERE i.inhparent = %s::regclass ORDER BY 1",
            [TABLE],
        )
        rows = cursor.fetchall()
    found = []
    for name, _bound in rows:
        start = datetime.datetime.strptime(name.removeprefix(f"{TABLE}_"), "y%Ym%m").replace(tzinfo=datetime.UTC)
        found.append(Partition(name, start, next_month(start)))
    return found


def make_ahead(months: int | None = None, *, using: str = DEFAULT_DB_ALIAS) -> int:
    """Make the current month's partition and ``months`` ahead (``ACCESS_LOG_PARTITIONS_AHEAD``) that are missing;
    how many were made. Any role that may write the log may call it."""
    if not partitioned(using):
        return 0
    ahead = settings.ACCESS_LOG_PARTITIONS_AHEAD if months is None else months
    with connections[using].cursor() as cursor:
        cursor.execute("SELECT audit_accessevent_partitions_ahead(%s)", [ahead])
        return cursor.fetchone()[0]


def make_month(start: datetime.datetime, *, using: str = DEFAULT_DB_ALIAS) -> str:
    """The partition of the month starting at ``start``, made if missing (the owner's: a restore, the generator)."""
    with connections[using].cursor() as cursor:
        cursor.execute("SELECT audit_accessevent_partition(%s)", [start])
        return cursor.fetchone()[0]


def rows_in(name: str, *, using: str = DEFAULT_DB_ALIAS) -> int:
    connection = connections[using]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {connection.ops.quote_name(name)}")
        return cursor.fetchone()[0]
