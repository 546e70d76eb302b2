"""Benchmark: what the operations triggers add to a write, the recount by day (before) against the deltas (after).

    .venv/bin/python benchmarks/operations_writes.py [--database imr_bench_operations] [--rounds 60]
        [--before 6458a18]

Runs on a database already filled (``benchmarks/operations.py --cases N`` makes ``imr_bench_operations``). Installs
the triggers of ``operations/sql.py`` as they were at commit ``--before`` (a recount of every day a statement
touched), times the writes, then installs today's (a delta of the cases a statement touched) and times them again,
in one run. Each write is one statement in its own transaction, timed with the trigger on and off in turn (the
difference is the trigger's cost):

- a decided case's update (its credentials: every figure of its decision day by specialty);
- a determination's QA time moved by a second (QA's day, and its case's figures).

Leaves today's triggers installed (and every figure counted again).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import time
import types

import bench_database

ROOT = bench_database.ROOT


def old_sql(commit: str) -> types.ModuleType:
    """``operations/sql.py`` as it was at `commit`, as a module."""
    source = subprocess.run(
        ["git", "show", f"{commit}:operations/sql.py"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    module = types.ModuleType("operations_sql_before")
    exec(compile(source, f"{commit}:operations/sql.py", "exec"), module.__dict__)  # noqa: S102 - our own history
    return module


def install(connection, module: types.ModuleType) -> float:
    from django.conf import settings  # deferred: after setup_django

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(module.UNINSTALL)
        cursor.execute(module.install(settings.TIME_ZONE))
    return time.perf_counter() - started


def timed(connection, table: str, trigger: str, writes) -> tuple[float, float]:
    """Median ms of each write with `trigger` on and off, in turn."""
    times: dict[bool, list[float]] = {True: [], False: []}
    for write in writes:
        for enabled in (True, False):
            with connection.cursor() as cursor:
                cursor.execute(f"ALTER TABLE {table} {'ENABLE' if enabled else 'DISABLE'} TRIGGER {trigger}")
            started = time.perf_counter()
            write(enabled)
            times[enabled].append((time.perf_counter() - started) * 1000)
    with connection.cursor() as cursor:
        cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER {trigger}")
    return statistics.median(times[True]), statistics.median(times[False])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default="imr_bench_operations")
    parser.add_argument("--rounds", type=int, default=60)
    parser.add_argument("--before", default="6458a18")
    options = parser.parse_args()
    bench_database.setup_django(bench_database.postgres_url(options.database))
    from datetime import timedelta

    from django.db import connection
    from django.db.models import F

    from cases.models import Case, Determination
    from operations import sql

    cases = list(Case.objects.filter(status="served").order_by("pk").values_list("pk", flat=True)[: options.rounds])
    approved = Determination.objects.filter(state="approved", case__status="served").order_by("pk")
    determinations = list(approved.values_list("pk", flat=True)[: options.rounds])
    print(f"{Case.objects.count()} cases, {len(cases)} rounds")
    print("| triggers | install + count everything s | case update ms (on / off) | determination update ms |")
    print("| --- | --- | --- | --- |")
    for name, module in ((f"recount by day ({options.before})", old_sql(options.before)), ("deltas", sql)):
        seconds = install(connection, module)

        def case_writes(tag=name):
            for index, pk in enumerate(cases):
                yield lambda enabled, pk=pk, index=index: Case.objects.filter(pk=pk).update(
                    reviewer_credentials={"certifications": [f"Bench {tag} {index} {enabled}"]}
                )

        def determination_writes():
            for pk in determinations:
                yield lambda enabled, pk=pk: Determination.objects.filter(pk=pk).update(
                    qa_at=F("qa_at") + timedelta(seconds=1)
                )

        case_on, case_off = timed(connection, "cases_case", "operations_case_update", case_writes())
        on, off = timed(connection, "cases_determination", "operations_determination_update", determination_writes())
        print(f"| {name} | {seconds:.1f} | {case_on:.1f} / {case_off:.1f} | {on:.1f} / {off:.1f} |")


if __name__ == "__main__":
    main()
