"""Benchmark: the operations pages and ``imr_report`` over generated cases, in this process (Django's test client).

    .venv/bin/python benchmarks/operations.py [--cases 2000] [--requests 20] [--reuse]

Makes a PostgreSQL database of its own (``imr_bench_operations``, dropped first; ``--reuse`` keeps one already
filled), migrates it and ``generate_cases --count CASES`` (devtools/generate.py: every state; its bulk load rebuilds
the operations figures). Then, for the dashboard, the outcomes over a year, the state's report over a year (page and
JSON) and the ``imr_report`` command: the number of queries, and the median and p95 of ``--requests`` requests.
The figures are aggregates kept by triggers: no page reads the case table, so the times should not grow with
``--cases`` (the issue's target: ≤ 100 ms p95 at 100,000 cases; not measured at that size yet).
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATABASE = "imr_bench_operations"


def write_cost(connection, rounds: int = 100) -> str:
    """What the triggers add to a write: a decided case's credentials changed (its two days recomputed), with the
    operations triggers on and off, in turn; medians in ms."""
    from cases.models import Case

    ids = list(Case.objects.filter(status="served").values_list("pk", flat=True)[:rounds])
    times: dict[bool, list[float]] = {True: [], False: []}
    for index, pk in enumerate(ids):
        for enabled in (True, False):
            with connection.cursor() as cursor:
                state = "ENABLE" if enabled else "DISABLE"
                cursor.execute(f"ALTER TABLE cases_case {state} TRIGGER operations_case_update")
            started = time.perf_counter()
            Case.objects.filter(pk=pk).update(reviewer_credentials={"certifications": [f"Bench {index} {enabled}"]})
            times[enabled].append((time.perf_counter() - started) * 1000)
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE cases_case ENABLE TRIGGER operations_case_update")
    return f"{statistics.median(times[True]):.1f} ms with the triggers, {statistics.median(times[False]):.1f} without"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=2000)
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--reuse", action="store_true")
    options = parser.parse_args()
    os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{DATABASE}"
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "imrportal.settings")
    if not options.reuse:
        for sql in (f"DROP DATABASE IF EXISTS {DATABASE}", f"CREATE DATABASE {DATABASE}"):
            subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", sql], check=True)

    import django

    django.setup()
    from django.contrib.auth.models import Group, User
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from cases.models import Case
    from core import roles

    if not options.reuse:
        call_command("migrate", verbosity=0)
        call_command("generate_cases", count=options.cases, stdout=io.StringIO())
    admin, _ = User.objects.get_or_create(username="bench-operations")
    admin.groups.add(Group.objects.get_or_create(name=roles.ADMINISTRATOR)[0])
    client = Client()
    client.force_login(admin)
    pages = {
        "dashboard": "/operations/",
        "outcomes (a year)": "/operations/outcomes/?start=2026-01-01&end=2026-12-31",
        "state report (a year)": "/operations/state-report/?start=2026-01-01&end=2026-12-31",
        "state report JSON": "/operations/state-report/?start=2026-01-01&end=2026-12-31&format=json",
    }
    print(f"{Case.objects.count()} cases")
    print("| page | queries | median ms | p95 ms |\n| --- | --- | --- | --- |")
    for name, url in pages.items():
        queries: list[str] = []

        def count(execute, sql, *args, queries=queries):
            queries.append(sql)
            return execute(sql, *args)

        with connection.execute_wrapper(count):
            assert client.get(url).status_code == 200, url
        times = []
        for _ in range(options.requests):
            started = time.perf_counter()
            client.get(url)
            times.append((time.perf_counter() - started) * 1000)
        p95 = statistics.quantiles(times, n=20, method="inclusive")[-1]
        print(f"| {name} | {len(queries)} | {statistics.median(times):.1f} | {p95:.1f} |")
    print(f"| a decided case's update (one statement): {write_cost(connection)} |")
    started = time.perf_counter()
    call_command("imr_report", "--from", "2026-01-01", "--to", "2026-12-31", stdout=io.StringIO())
    print(f"| imr_report (a year, with start-up of the command) | | {(time.perf_counter() - started) * 1000:.1f} | |")


if __name__ == "__main__":
    main()
