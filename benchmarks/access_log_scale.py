"""The access log at scale: its search page, its streamed CSV export and a case's "who accessed" panel, over a
database filled by ``manage.py generate_access_log``.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/imr_auditlog_bench .venv/bin/python manage.py migrate
    DATABASE_URL=... .venv/bin/python manage.py generate_access_log --rows 10000000 --months 60
    DATABASE_URL=... .venv/bin/python benchmarks/access_log_scale.py --requests 60

Works in the database of ``DATABASE_URL`` as it is (nothing dropped; a user ``bench-log-admin`` and a case are added).
Every request goes through the full Django stack in this process (middleware, sessions, the page's own access-log
row); queries are sampled: case numbers from rows drawn at random (so a busy case is drawn as often as it is read) and
uniformly from the generated numbers, users at random, days at random over the months loaded. Medians and p95 in ms.
Results: benchmarks/RESULTS-access-log.md.
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import statistics
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

import bench_database

WORK = Path(tempfile.mkdtemp(prefix="access-scale-"))
bench_database.setup_django(os.environ["DATABASE_URL"], work=WORK)


def sample(sql: str, params=()) -> list:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]


def timed(function) -> float:
    started = time.perf_counter()
    function()
    return (time.perf_counter() - started) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=60, help="Requests per measured query shape.")
    parser.add_argument("--seed", type=int, default=25)
    args = parser.parse_args()
    chooser = random.Random(args.seed)

    from django.contrib.auth.models import Group, User
    from django.test import Client

    from audit import log
    from audit.models import AccessEvent
    from core import roles

    admin, _ = User.objects.get_or_create(username="bench-log-admin", defaults={"first_name": "Bench"})
    admin.groups.add(Group.objects.get_or_create(name=roles.ADMINISTRATOR)[0])
    client = Client()
    client.force_login(admin)

    rows = sample(
        "SELECT sum(reltuples)::bigint FROM pg_class WHERE relname LIKE 'audit_accessevent_y%%' AND relkind = 'r'"
    )[0]
    read = AccessEvent.objects.raw(
        "SELECT id, case_number, at FROM audit_accessevent TABLESAMPLE SYSTEM (0.05) LIMIT 400"
    )
    read = [(event.case_number, event.at) for event in read]
    busy_cases = [number for number, _ in read]
    # The panel asks from the case's creation on (the case page passes it): a generated case is opened in the month
    # of a row that reads it or in the two before, so 92 days before a sampled row is no later than its creation.
    opened = [(number, at - datetime.timedelta(days=92)) for number, at in read]
    months = sample("SELECT DISTINCT date_trunc('day', at)::date FROM audit_accessevent TABLESAMPLE SYSTEM (0.05)")
    users = sample("SELECT username FROM auth_user WHERE username LIKE 'gen-user-%%'")
    # A case number of the generated form that no row has: the panel and the search probe every partition for it.
    absent = [f"GN{year:02d}-{9_000_000 + number:07d}" for year in range(20, 27) for number in range(60)]

    def page(**params):
        return lambda: _ok(client.get("/access-log/?" + urlencode(params)))

    def csv(**params):
        def run():
            response = client.get("/access-log/export.csv?" + urlencode(params))
            assert response.status_code == 200
            b"".join(response.streaming_content)

        return run

    def csv_first_chunk(**params):
        def run():
            response = client.get("/access-log/export.csv?" + urlencode(params))
            assert response.status_code == 200
            iterator = iter(response.streaming_content)
            for _ in range(2001):  # the header and the first 2,000 rows (one fetch of the server-side cursor)
                next(iterator, None)
            response.close()

        return run

    def day():
        return chooser.choice(months).strftime("%m/%d/%Y")

    shapes = {
        "search: newest page (no filter)": lambda: page()(),
        "search: page 20 (no filter)": lambda: page(page=20)(),
        "search: by case number (busy case)": lambda: page(case_number=chooser.choice(busy_cases).lower())(),
        "search: by case number (not in the log)": lambda: page(case_number=chooser.choice(absent))(),
        "search: by user": lambda: page(user=chooser.choice(users))(),
        "search: one day": lambda: (lambda d: page(date_from=d, date_to=d)())(day()),
        "search: user + one day": lambda: (lambda d: page(user=chooser.choice(users), date_from=d, date_to=d)())(day()),
        "search: action + one day": lambda: (lambda d: page(action="letters:download", date_from=d, date_to=d)())(
            day()
        ),
        "search: refusals (outcome = denied)": lambda: page(outcome="denied")(),
        "CSV: one case, every row (streamed)": lambda: csv(case_number=chooser.choice(busy_cases))(),
        "CSV: one user, one day, every row": lambda: (
            lambda d: csv(user=chooser.choice(users), date_from=d, date_to=d)()
        )(day()),
        "CSV: whole log, first 2,000 rows": lambda: csv_first_chunk()(),
        "panel: who accessed case X (busy case)": lambda: log.accesses_of_case(*chooser.choice(opened)[:1]),
        "panel: who accessed case X, since its creation": lambda: (
            lambda case: log.accesses_of_case(case[0], since=case[1])
        )(chooser.choice(opened)),
        "panel: who accessed case X (not in the log)": lambda: log.accesses_of_case(chooser.choice(absent)),
    }
    for shape in shapes.values():  # warm: templates, connections, the cache of the first partitions touched
        for _ in range(3):
            shape()
    results = {name: [] for name in shapes}
    for _ in range(args.requests):  # interleaved: the machine's drift hits every shape alike
        for name, shape in shapes.items():
            results[name].append(timed(shape))

    print(f"# access log at scale: {rows:,} rows (planner's estimate), {args.requests} requests per shape")
    print(f"machine: {os.cpu_count()} cores, load {os.getloadavg()[0]:.2f}")
    print(
        f"partitions: {len(sample('SELECT 1 FROM pg_inherits WHERE inhparent = %s::regclass', ['audit_accessevent']))}"
    )
    print("| query | median ms | p95 ms | max ms |")
    print("|---|---|---|---|")
    for name, times in results.items():
        p95 = statistics.quantiles(times, n=20)[-1]
        print(f"| {name} | {statistics.median(times):.1f} | {p95:.1f} | {max(times):.1f} |")
    print(f"rows now: {AccessEvent.objects.filter(username='bench-log-admin').count()} written by this run")


def _ok(response) -> None:
    assert response.status_code == 200, response.status_code


if __name__ == "__main__":
    main()
