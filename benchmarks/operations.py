"""Benchmark: the operations pages at 100,000 generated cases, by the method of ``benchmarks/pages.py``.

    .venv/bin/python benchmarks/operations.py [--cases 100000] [--small 10000] [--requests 40] [--reuse]
        [--database imr_bench_operations]

1. Makes a PostgreSQL database of its own (dropped first; ``--reuse`` keeps one already filled), migrates it, loads
   the demo data (``seed_demo``) and ``generate_cases --count SMALL`` (devtools/generate.py: every state; its bulk
   load counts the operations figures again).
2. Counts the queries of every page through Django's test client at SMALL cases, generates the rest up to
   ``--cases``, runs ``VACUUM ANALYZE`` and counts them again: the counts must not grow.
3. Starts gunicorn (2 sync workers, ``DEBUG=false``, ``benchmarks/pages_settings.py``) on 127.0.0.1 and times
   ``--requests`` GETs of each page by the administrator, the pages and the yardsticks of ``pages.py`` (a minimal
   Django view; the empty signed-in layout page) taken in turn. Median and p95 of each. Target: ≤ 100 ms p95.
4. ``imr_report`` over a year, in this process.

The figures are aggregates kept by triggers (``operations/sql.py``): no page reads the case table. What a write
costs them: ``benchmarks/operations_writes.py`` on the same database.
"""

from __future__ import annotations

import argparse
import io
import os
import signal
import statistics
import time

import bench_database
import pages

YEAR = "start=2026-01-01&end=2026-12-31"
PAGES = [
    ("dashboard", "admin", "/operations/"),
    ("outcomes (a year, seven breakdowns)", "admin", f"/operations/outcomes/?{YEAR}"),
    (
        "outcomes (3/15 to 9/14: half months at both ends)",
        "admin",
        "/operations/outcomes/?start=2026-03-15&end=2026-09-14",
    ),
    ("state report (a year)", "admin", f"/operations/state-report/?{YEAR}"),
    ("state report JSON (a year)", "admin", f"/operations/state-report/?{YEAR}&format=json"),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--reuse", action="store_true", help="keep the benchmark database if it is already filled")
    parser.add_argument("--database", default="imr_bench_operations")
    args = parser.parse_args()
    url = bench_database.postgres_url(args.database)
    os.environ.update(bench_database.environment(url))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "imrportal.settings")
    import django

    print(f"cores: {os.cpu_count()}, load average at start: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    small_counts = None
    if not args.reuse:
        pages.fresh_database(url)
        print(bench_database.manage(url, "generate_cases", "--count", str(args.small), "--seed", "1"))
        pages.vacuum(url)
        django.setup()
        small_counts = pages.query_counts(PAGES)
        started = time.perf_counter()
        print(bench_database.manage(url, "generate_cases", "--count", str(args.cases - args.small), "--seed", "2"))
        print(f"generate_cases of {args.cases - args.small:,}: {time.perf_counter() - started:.1f} s")
        pages.vacuum(url)
    else:
        django.setup()
    from django.core.management import call_command

    from cases.models import Case

    total = Case.objects.count()
    big_counts = pages.query_counts(PAGES)
    cookies = pages.sessions({"admin"})
    port = pages.free_port()
    server = pages.start_gunicorn(url, port)
    try:
        times = pages.timings(port, PAGES, cookies, args.requests)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    base = statistics.median(times["minimal view"])
    print(f"\n{total:,} cases; load average at the end: {' '.join(f'{v:.2f}' for v in os.getloadavg())}\n")
    small = f"{args.small:,}" if small_counts else "-"
    print(
        f"| page | queries at {small} / {total:,} cases | median ms | p95 ms | median / minimal view | p95 ≤ 100 ms |"
    )
    print("|---|---|---|---|---|---|")
    yardsticks = {name for name, _, _ in pages.YARDSTICKS}
    for name, values in times.items():
        median, p95 = statistics.median(values), pages.percentile(values, 0.95)
        queries = (
            "-" if name in yardsticks else f"{small_counts[name][0] if small_counts else '-'} / {big_counts[name][0]}"
        )
        met = "yes" if p95 <= 100 else "NO"
        print(f"| {name} | {queries} | {median:.1f} | {p95:.1f} | {median / base:.1f}x | {met} |")
    if small_counts:
        grown = [name for name in big_counts if big_counts[name][0] != small_counts[name][0]]
        print(f"\nQuery counts that grew with the rows: {', '.join(grown) if grown else 'none'}")
    report_times = []
    for _ in range(5):
        started = time.perf_counter()
        call_command("imr_report", "--from", "2026-01-01", "--to", "2026-12-31", stdout=io.StringIO())
        report_times.append((time.perf_counter() - started) * 1000)
    print(f"\nimr_report (a year, in this process, 5 runs): median {statistics.median(report_times):.1f} ms")


if __name__ == "__main__":
    main()
