"""Fill the access log with generated rows, fast, for the scale benchmark (PostgreSQL; never on a real database).

    python manage.py generate_access_log --rows 10000000 --months 60

Rows are spread over ``--months`` months ending with the current one (the current month only up to now), about as
many each month. Each month ~``--cases-per-month`` cases are opened (case numbers ``GNyy-nnnnnnn``); a row reads a case
opened that month or in the two before, cases chosen unevenly (a few cases are read far more than most), by one of
``--users`` users (made if missing, ``gen-user-NNNN``; a few users do most of the reading), with the portal's actions in
the proportions of a working day (case pages, workspaces, lists, documents, letters, autosaves), 0.5 % refusals.

Speed: a month with no rows yet is detached from the log, emptied of its indexes, filled by the database itself
(``INSERT … SELECT`` over ``generate_series``), and attached again: PostgreSQL then builds its indexes in one pass
each, checks the foreign key in one query and clones the append-only trigger back. A month that has rows is filled
through its indexes. (Building the rows in Python and sending them with COPY was slower: 20,000 rows/s of Python.)
"""

from __future__ import annotations

import datetime
import time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from audit.partitions import TABLE, make_month, month_start, next_month, partitioned, rows_in

# (action, object type, kind, weight, path pattern)
ACTIONS = [
    ("cases:detail", "case", "read", 24, "/cases/{id}/"),
    ("cases:workspace", "case", "read", 18, "/cases/{id}/workspace/"),
    ("cases:list", "case", "read", 20, "/cases/?page={page}"),
    ("cases:document", "document", "read", 14, "/cases/{id}/documents/{doc}/"),
    ("cases:autosave", "determination", "write", 6, "/cases/{id}/autosave/"),
    ("letters:download", "letter", "read", 4, "/letters/{doc}/download/"),
    ("letters:case_register", "case", "read", 3, "/letters/case/{id}/"),
    ("cases:records_search", "case", "read", 3, "/cases/{id}/records/search/?q=mri"),
    ("precedents:similar", "case", "read", 3, "/precedents/similar/{id}/"),
    ("cases:qa_review", "case", "write", 2, "/cases/{id}/qa/"),
    ("cases:transition", "case", "write", 2, "/cases/{id}/transition/"),
    ("cases:edit", "case", "write", 1, "/cases/{id}/edit/"),
]
AGENTS = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0",
]
COLUMNS = [
    "at",
    "user_id",
    "username",
    "kind",
    "action",
    "object_type",
    "object_id",
    "case_number",
    "outcome",
    "method",
    "path",
    "ip",
    "user_agent",
    "detail",
]
BATCH = 1_000_000


class Command(BaseCommand):
    help = "Generate access-log rows with COPY, spread over months (PostgreSQL; for benchmarks)."

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, required=True)
        parser.add_argument("--months", type=int, default=60)
        parser.add_argument("--users", type=int, default=300)
        parser.add_argument("--cases-per-month", type=int, default=17_000)
        parser.add_argument("--seed", type=int, default=25, help="The database's random seed (setseed).")

    def handle(self, *args, rows, months, users, cases_per_month, seed, **options):
        if not partitioned():
            raise CommandError("The access log is not partitioned here: the generator needs PostgreSQL, migrated.")
        if rows < 1 or months < 1 or users < 1 or cases_per_month < 1:
            raise CommandError("--rows, --months, --users and --cases-per-month must be at least 1.")
        self.users = self._users(users)
        with connection.cursor() as cursor:
            cursor.execute("SELECT setseed(%s)", [seed / 2**31])
            cursor.execute("SET maintenance_work_mem = '512MB'")  # ATTACH's index builds sort in memory
        now = timezone.now()
        first = month_start(now)
        for _ in range(months - 1):
            first = (first - datetime.timedelta(days=1)).replace(day=1)
        started = time.perf_counter()
        month, index, written = first, 0, 0
        while month <= now:
            share = rows // months + (1 if index < rows % months else 0)
            self._month(month, min(next_month(month), now), share, index, cases_per_month)
            written += share
            index += 1
            elapsed = time.perf_counter() - started
            self.stdout.write(f"{month:%Y-%m}: {written:,} rows in {elapsed:.0f} s ({written / elapsed:,.0f} rows/s)")
            month = next_month(month)
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {TABLE}")
        self.stdout.write(f"{written:,} rows over {months} months in {time.perf_counter() - started:.0f} s.")

    def _users(self, count: int) -> list[tuple[int, str]]:
        User = get_user_model()
        existing = set(User.objects.filter(username__startswith="gen-user-").values_list("username", flat=True))
        User.objects.bulk_create(
            User(username=name, is_active=True)
            for name in (f"gen-user-{number:04d}" for number in range(count))
            if name not in existing
        )
        return list(
            User.objects.filter(username__startswith="gen-user-").order_by("username").values_list("pk", "username")
        )[:count]

    def _month(self, start: datetime.datetime, end: datetime.datetime, count: int, index: int, per_month: int):
        name = make_month(start)
        fast = rows_in(name) == 0
        with transaction.atomic(), connection.cursor() as cursor:
            if fast:
                self._detach(cursor, name)
            for offset in range(0, count, BATCH):
                params = self._params(start, end, min(BATCH, count - offset), index, per_month)
                cursor.execute(self._insert(name), params)
            if fast:
                bounds = (start.isoformat(), next_month(start).isoformat())
                cursor.execute(f"ALTER TABLE {TABLE} ATTACH PARTITION {name} FOR VALUES FROM (%s) TO (%s)", bounds)
                cursor.execute(f"ALTER TABLE {name} DROP CONSTRAINT {name}_bounds")

    def _detach(self, cursor, name: str) -> None:
        """Detach an empty month and drop its indexes and foreign key (checked row by row, it costs most of a COPY;
        ATTACH checks it in one query); a CHECK of its bounds spares ATTACH its scan."""
        start = datetime.datetime.strptime(name.removeprefix(f"{TABLE}_"), "y%Ym%m").replace(tzinfo=datetime.UTC)
        cursor.execute(f"ALTER TABLE {TABLE} DETACH PARTITION {name}")
        cursor.execute(
            "SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass AND contype IN ('p', 'f')", [name]
        )
        for (constraint,) in cursor.fetchall():
            cursor.execute(f"ALTER TABLE {name} DROP CONSTRAINT {constraint}")
        cursor.execute("SELECT indexrelid::regclass::text FROM pg_index WHERE indrelid = %s::regclass", [name])
        for (index,) in cursor.fetchall():
            cursor.execute(f"DROP INDEX {index}")
        cursor.execute(
            f"ALTER TABLE {name} ADD CONSTRAINT {name}_bounds CHECK (at >= %s AND at < %s)",
            [start.isoformat(), next_month(start).isoformat()],
        )

    def _insert(self, name: str) -> str:
        """One batch of rows made by the database itself (``generate_series``): building them in Python and sending
        them with COPY was the slower side here (20,000 rows/s of Python on this shared machine)."""
        return f"""
            INSERT INTO {name} ({", ".join(COLUMNS)})
            SELECT g.at, u.id, u.username, a.kind, a.action, a.object_type,
                   CASE WHEN a.object_type = 'case' THEN g.case_id::text ELSE (g.case_id * 7 + g.rank %% 13)::text END,
                   'GN' || to_char(%(start)s::timestamptz - make_interval(months => g.age), 'YY') || '-'
                        || lpad(g.serial::text, 7, '0'),
                   CASE WHEN g.roll < 0.995 THEN 'allowed' WHEN g.roll < 0.998 THEN 'not_found' ELSE 'denied' END,
                   CASE WHEN a.kind = 'read' THEN 'GET' ELSE 'POST' END,
                   replace(replace(replace(a.pattern, '{{id}}', g.case_id::text),
                                   '{{doc}}', (g.case_id * 7 + g.rank %% 13)::text),
                           '{{page}}', (1 + g.rank %% 5)::text),
                   ('10.' || g.rank %% 200 || '.' || u.id %% 250 || '.' || (1 + g.rank %% 250))::inet,
                   (%(agents)s::text[])[1 + u.id %% 3], '{{}}'::jsonb
              FROM (
                SELECT %(start)s::timestamptz + random() * %(span)s * interval '1 second' AS at,
                       1 + floor(%(users)s * power(random(), 2.5))::int AS user_index,
                       1 + floor(100 * random())::int AS action_index,
                       age, rank, 10000000 + ((%(index)s - age) %% 1000) * %(per_month)s + rank + 1 AS case_id,
                       ((%(index)s - age) %% 1000) * %(per_month)s + rank + 1 AS serial, roll
                  FROM (SELECT CASE WHEN r < 0.6 THEN 0 WHEN r < 0.9 THEN 1 ELSE 2 END AS age,
                               floor(%(per_month)s * power(random(), 2))::int AS rank, random() AS roll
                          FROM (SELECT random() AS r FROM generate_series(1, %(count)s)) s) t
              ) g
              JOIN unnest(%(user_ids)s::int[], %(usernames)s::text[]) WITH ORDINALITY AS u(id, username, n)
                ON u.n = g.user_index
              JOIN unnest(%(kinds)s::text[], %(actions)s::text[], %(types)s::text[], %(patterns)s::text[])
                   WITH ORDINALITY AS a(kind, action, object_type, pattern, n)
                ON a.n = g.action_index
        """

    def _params(self, start, end, count: int, index: int, per_month: int) -> dict:
        # The actions a hundred times over in their proportions: a row picks one of the hundred.
        weighted = [entry for entry in ACTIONS for _ in range(entry[3])]
        weighted = [weighted[position * len(weighted) // 100] for position in range(100)]
        return {
            "start": start,
            "span": (end - start).total_seconds(),
            "users": len(self.users),
            "index": index,
            "per_month": per_month,
            "count": count,
            "agents": AGENTS,
            "user_ids": [user_id for user_id, _ in self.users],
            "usernames": [username for _, username in self.users],
            "kinds": [kind for _, _, kind, _, _ in weighted],
            "actions": [action for action, _, _, _, _ in weighted],
            "types": [object_type for _, object_type, _, _, _ in weighted],
            "patterns": [pattern for _, _, _, _, pattern in weighted],
        }
