"""Benchmark: the portal's pages at 100,000 cases, against a minimal Django view measured in the same run.

    .venv/bin/python benchmarks/pages.py [--cases 100000] [--small 1000] [--requests 40] [--wrk-seconds 10]
        [--items-per-case 10] [--url postgres://postgres@127.0.0.1:5432/postgres] [--reuse] [--database NAME]
        [--counts-only] [--without PAGE-NAME-START ...] [--only PAGE-NAME-START ...]

    # at 1,000,000 cases, on the database benchmarks/load.py uses (made as RESULTS-scale.md's last section says),
    # without the two pages that list every case they concern (over a minute each there; measured apart)
    .venv/bin/python benchmarks/pages.py --reuse --database imr_bench_load --requests 20 --wrk-seconds 5 \
        --without "late records" --without "parties' home"

1. Makes a PostgreSQL database of its own (``imr_bench_pages``, dropped first; ``--reuse`` keeps one already filled),
   migrates it, loads the demo data (``seed_demo``: users, guideline library, roster, published cases) and
   ``generate_cases --count SMALL`` (devtools/generate.py: every state, 10 items a case by default, documents, drafts,
   determinations, letters; ``--items-per-case`` passed on: the published cases average 2.1).
2. Counts the queries of every page through Django's test client (``CaptureQueriesContext``) at SMALL cases, then
   generates the rest up to ``--cases``, runs ``VACUUM ANALYZE`` and counts them again: the counts must not grow.
3. Starts gunicorn (2 sync workers, ``DEBUG=false``, settings ``benchmarks/pages_settings.py``: the portal's plus
   the yardsticks of ``benchmarks/pages_urls.py``) on 127.0.0.1, logs each role in (a session cookie made by the
   test client in the same database), and times ``--requests`` GETs of every page, the pages taken in turn so that a
   busy moment of the machine hits all of them alike. Median and p95 of each, and the ratio of its median to the
   yardsticks' medians. The workspace is opened twice: on the generated case in review with the median item count and
   on the one with the most items (a reviewer's page grows with the items). Targets: ≤ 3x the minimal view and
   ≤ 100 ms p95. The pages: the administrators' (case list and its filters, search, case page, assignment queue,
   late records, roster, library, precedents, access log, organizations, billing), the reviewer's (home, workspace),
   QA's (queue, review), the staff's (letter center, a case's letter register), the parties' (home, case page and
   people of a generated claims administrator, whose manager ``bench-party`` is made once), the dashboards
   (operations, outcomes, state report, quality, billing aging), and the Django admin's case changelist, search and
   change page at the same rows, beside the portal's. Three yardsticks: ``/bench/minimal``
   without a session (no database, no template: the issue's "minimal Django view"), the same with the
   administrator's session (what every signed-in request pays: session, user, second factor, idle check), and
   ``/bench/layout``, the portal's empty signed-in page (``base.html``).
4. Throughput: ``wrk`` (2 threads, 8 connections, ``--wrk-seconds`` each) against the minimal view, the case list and
   a case page, requests/s as a share of the minimal view's.

The generated documents and letters have no file on disk (devtools/generate.py): the pages list them from their
rows; nothing here downloads a PDF.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import time

import bench_database

ROOT = bench_database.ROOT
BENCH_DB = "imr_bench_pages"
MINIMAL = "/bench/minimal"


def fresh_database(url: str) -> None:
    bench_database.create(url)
    bench_database.manage(url, "migrate", "-v0")
    bench_database.manage(url, "seed_demo")


def vacuum(url: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("VACUUM ANALYZE")


# -- the pages ---------------------------------------------------------------------------------------------------


def pages() -> list[tuple[str, str, str]]:
    """(name, username, path) of every page measured."""
    from cases.lifecycle import ASSIGNABLE_STATES
    from cases.models import Case

    served = Case.objects.filter(status="served", claim_number__startswith="").order_by("pk").first()
    median, largest = workspace_cases()
    reviewer = median.reviewer.username
    last_name = served.employee_name.split()[-1]
    party = party_user(median)  # a generated case's claims administrator (the demo's parties have a few cases)
    qa_case = Case.objects.filter(status="qa").order_by("pk").first()
    assignable = Case.objects.filter(status__in=ASSIGNABLE_STATES, reviewer=None).order_by("pk").first()
    return [
        ("case list", "admin", "/cases/"),
        ("case list: open", "admin", "/cases/?status=open"),
        ("case list: state in review", "admin", "/cases/?status=in_review"),
        ("case list: state served", "admin", "/cases/?status=served"),
        ("case list: expedited", "admin", "/cases/?priority=expedited"),
        ("case list: category Surgery", "admin", "/cases/?category=Surgery"),
        ("case list: overdue", "admin", "/cases/?due=overdue"),
        ("case list: at risk", "admin", "/cases/?due=at_risk"),
        ("case list: on track", "admin", "/cases/?due=on_track"),
        ("case list: clock not started", "admin", "/cases/?due=not_started"),
        ("case list: page 40", "admin", "/cases/?page=40"),
        ("search: case number", "admin", f"/cases/?q={served.case_number}"),
        ("search: claim number", "admin", f"/cases/?q={served.claim_number}"),
        ("search: worker name", "admin", f"/cases/?q={last_name}"),
        ("case page", "admin", f"/cases/{served.case_number}/"),
        ("reviewer's home", reviewer, "/cases/mine/"),
        ("workspace: median case", reviewer, f"/cases/{median.case_number}/workspace/"),
        ("workspace: largest case", largest.reviewer.username, f"/cases/{largest.case_number}/workspace/"),
        ("QA queue", "qa", "/cases/qa/"),
        ("QA review", "qa", f"/cases/{qa_case.case_number}/qa/"),
        ("letter center", "staff", "/letters/"),
        ("letter register", "staff", f"/letters/case/{served.case_number}/"),
        ("assignment queue", "admin", "/cases/assign/"),
        ("assignment page", "admin", f"/cases/{assignable.case_number}/assign/"),
        ("late records report", "admin", "/cases/records/late/"),
        ("roster", "admin", "/reviewers/"),
        ("guideline library", "admin", "/guidelines/"),
        ("precedent search", "admin", "/precedents/?q=physical+therapy"),
        ("access log", "admin", "/access-log/"),
        ("organizations (staff)", "admin", "/parties/organizations/"),
        ("dashboard: operations", "admin", "/operations/"),
        ("dashboard: outcomes", "admin", "/operations/outcomes/"),
        ("dashboard: state report", "admin", "/operations/state-report/"),
        ("dashboard: quality", "admin", "/operations/quality/"),
        ("dashboard: billing aging", "admin", "/billing/aging/"),
        ("billing: invoices", "admin", "/billing/invoices/"),
        ("parties' home (claims administrator)", party, "/parties/"),
        ("parties' case page", party, f"/parties/cases/{median.case_number}/"),
        ("parties' people", party, "/parties/people/"),
        # The Django admin at the same rows, beside the portal's case list, search and case page.
        ("Django admin: case changelist", "admin", "/admin/cases/case/"),
        ("Django admin: case search", "admin", f"/admin/cases/case/?q={last_name}"),
        ("Django admin: case change page", "admin", f"/admin/cases/case/{served.pk}/change/"),
    ]


def party_user(case) -> str:
    """A manager of the claims administrator of `case` (the case whose party page is opened), made once."""
    from django.contrib.auth import get_user_model
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from parties.models import Membership

    user, _ = get_user_model().objects.get_or_create(
        username="bench-party", defaults={"first_name": "Bench", "last_name": "Party", "email": "bench@party.example"}
    )
    Membership.objects.get_or_create(
        user=user, defaults={"organization_id": case.claims_administrator_id, "is_manager": True}
    )
    # The party portal asks for the second factor: a confirmed authenticator, passed in its session (signed_in).
    TOTPDevice.objects.get_or_create(user=user, defaults={"name": "Authenticator app", "confirmed": True})
    return user.username


def signed_in(username: str):
    """A test client signed in as `username`, with the second factor passed when the user has an authenticator (as
    ``accounts.views.second_factor`` leaves the session)."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    from tests.parties.conftest import sign_in

    return sign_in(Client(), get_user_model().objects.get(username=username))


def workspace_cases():
    """The workspaces opened: of the case in review with the median item count among the generated cases in review
    (the demo's cases, whose reviewers are not the generator's, left out), and of the one with the most items."""
    from django.db.models import Count

    from cases.models import Case
    from devtools.generate import GENERATED_USER_PREFIX

    in_review = Case.objects.filter(status="in_review", reviewer__username__startswith=GENERATED_USER_PREFIX).annotate(
        n_items=Count("items")
    )
    counts = sorted(in_review.values_list("n_items", flat=True))
    if not counts:
        raise SystemExit("no generated case in review with a reviewer")
    median_count = counts[len(counts) // 2]
    median = in_review.filter(n_items=median_count).select_related("reviewer").order_by("pk").first()
    largest = in_review.select_related("reviewer").order_by("-n_items", "pk").first()
    print(
        f"workspaces opened: median case {median.case_number} ({median.n_items} items), "
        f"largest {largest.case_number} ({largest.n_items} items), of {len(counts):,} generated cases in review"
    )
    return median, largest


def query_counts(page_list) -> dict[str, tuple[int, int]]:
    """Queries and HTTP status of each page, through the test client."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = {}
    for name, username, path in page_list:
        client = signed_in(username)
        client.get(path)  # warm caches (the library's, the session's)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        counts[name] = (len(queries), response.status_code)
    return counts


def sessions(usernames: set[str]) -> dict[str, str]:
    """A session cookie per user, stored in the benchmark's database for gunicorn to read."""
    from django.conf import settings

    cookies = {}
    for username in usernames:
        client = signed_in(username)
        cookies[username] = client.cookies[settings.SESSION_COOKIE_NAME].value
    return cookies


# -- gunicorn, timings and wrk -------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(url: str, port: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DEBUG": "false",
        # As in production (imrportal/settings.py, docs/deploy.md): a worker keeps its database connection between
        # requests; opening one per request (the development default) cost ~8 ms of every page.
        "DATABASE_CONN_MAX_AGE": "60",
        "DJANGO_SETTINGS_MODULE": "pages_settings",
        "PYTHONPATH": str(ROOT / "benchmarks"),
    }
    server = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "imrportal.wsgi",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "--chdir",
            str(ROOT),
            "--log-level",
            "warning",
            "--timeout",
            "120",
        ],
        env=env,
        cwd=ROOT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if get(port, MINIMAL, None)[0] == 200:
                return server
        except OSError:
            time.sleep(0.3)
    server.terminate()
    raise SystemExit("gunicorn did not answer")


def get(port: int, path: str, cookie: str | None) -> tuple[int, float]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    headers = {"Cookie": f"sessionid={cookie}"} if cookie else {}
    started = time.perf_counter()
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    response.read()
    elapsed = time.perf_counter() - started
    connection.close()
    return response.status, elapsed


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


YARDSTICKS = [
    ("minimal view", None, MINIMAL),
    ("minimal view, signed in", "admin", MINIMAL),
    ("empty layout page, signed in", "admin", "/bench/layout"),
]


# A page whose warm-up request took longer than this is timed SLOW_REQUESTS times only (its p95 is then its
# slowest): 30 requests of a 13-second page would hold the run for minutes and say no more than 3 do.
SLOW_SECONDS = 2.0
SLOW_REQUESTS = 3


def timings(port: int, page_list, cookies: dict[str, str], requests: int) -> dict[str, list[float]]:
    measured = [*YARDSTICKS, *page_list]
    times: dict[str, list[float]] = {name: [] for name, _, _ in measured}
    slow = set()
    for name, username, path in measured:  # warm-up: each worker's first request of each page
        for _ in range(3):
            if get(port, path, cookies.get(username))[1] > SLOW_SECONDS:
                slow.add(name)
                break
    for round_number in range(requests):
        for name, username, path in measured:
            if name in slow and round_number >= SLOW_REQUESTS:
                continue
            status, elapsed = get(port, path, cookies.get(username))
            if status != 200:
                raise SystemExit(f"{name}: {path} answered {status}")
            times[name].append(elapsed * 1000)
    return times


def wrk(port: int, path: str, cookie: str | None, seconds: int) -> float:
    command = ["wrk", "-t2", "-c8", f"-d{seconds}s", "--latency", f"http://127.0.0.1:{port}{path}"]
    if cookie:
        command[1:1] = ["-H", f"Cookie: sessionid={cookie}"]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    found = re.search(r"Requests/sec:\s+([\d.]+)", output)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if errors:
        raise SystemExit(f"wrk {path}: {errors.group(1)} non-2xx responses")
    return float(found.group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--small", type=int, default=1_000)
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--wrk-seconds", type=int, default=10)
    parser.add_argument(
        "--items-per-case", default="10", help="generate_cases' mean disputed items per case (published cases: 2.1)"
    )
    parser.add_argument(
        "--url", default=os.environ.get("BENCH_ADMIN_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    )
    parser.add_argument("--reuse", action="store_true", help="keep the benchmark database if it is already filled")
    parser.add_argument("--database", default=BENCH_DB, help=f"the benchmark's database (default {BENCH_DB})")
    parser.add_argument("--counts-only", action="store_true", help="print the query counts and stop (no gunicorn)")
    parser.add_argument(
        "--without", action="append", default=[], help="leave out the pages whose name starts so (repeatable)"
    )
    parser.add_argument(
        "--only", action="append", default=[], help="time only the pages whose name starts so (repeatable)"
    )
    args = parser.parse_args()
    url = bench_database.postgres_url(args.database, args.url)
    os.environ.update(bench_database.environment(url))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "imrportal.settings")
    import django

    print(f"cores: {os.cpu_count()}, load average at start: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    small_counts = None
    items = ["--items-per-case", args.items_per_case]
    if not args.reuse:
        fresh_database(url)
        print(bench_database.manage(url, "generate_cases", "--count", str(args.small), "--seed", "1", *items))
        django.setup()
        small_counts = query_counts(pages())
        started = time.perf_counter()
        print(
            bench_database.manage(url, "generate_cases", "--count", str(args.cases - args.small), "--seed", "2", *items)
        )
        print(
            f"generate_cases of {args.cases - args.small:,} (child process, Django start-up included): "
            f"{time.perf_counter() - started:.1f} s"
        )
        vacuum(url)
    else:
        django.setup()
    from cases.models import Case

    total = Case.objects.count()
    page_list = [
        page
        for page in pages()
        if not any(page[0].startswith(prefix) for prefix in args.without)
        and (not args.only or any(page[0].startswith(prefix) for prefix in args.only))
    ]
    big_counts = query_counts(page_list)
    if args.counts_only:
        print(f"\n{total:,} cases: queries (HTTP status) per page")
        for name, (queries, status) in big_counts.items():
            small = f"{small_counts[name][0]} / " if small_counts else ""
            print(f"| {name} | {small}{queries} | {status} |")
        return
    cookies = sessions({username for _, username, _ in page_list} | {"admin"})
    port = free_port()
    server = start_gunicorn(url, port)
    try:
        times = timings(port, page_list, cookies, args.requests)
        throughput = {}
        if shutil.which("wrk"):
            case_page = next(path for name, _, path in page_list if name == "case page")
            for name, username, path in [
                ("minimal view", None, MINIMAL),
                ("empty layout page, signed in", "admin", "/bench/layout"),
                ("case list", "admin", "/cases/"),
                ("case page", "admin", case_page),
            ]:
                throughput[name] = wrk(port, path, cookies.get(username), args.wrk_seconds)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)

    base = statistics.median(times["minimal view"])
    layout = statistics.median(times["empty layout page, signed in"])
    print(f"\n{total:,} cases; load average at the end: {' '.join(f'{v:.2f}' for v in os.getloadavg())}\n")
    header = (
        "| page | queries at {} / {} cases | median ms | p95 ms | median / minimal | ≤ 3x | median / empty layout page "
        "| p95 ≤ 100 ms |"
    )
    print(header.format(f"{args.small:,}" if small_counts else "-", f"{total:,}"))
    print("|---|---|---|---|---|---|---|---|")
    yardsticks = {name for name, _, _ in YARDSTICKS}
    for name, values in times.items():
        median, p95 = statistics.median(values), percentile(values, 0.95)
        shown = name
        if len(values) < args.requests:
            shown = f"{name} ({len(values)} requests: over {SLOW_SECONDS:.0f} s at warm-up)"
        ratio = median / base
        if name in yardsticks:
            queries = "-"
        else:
            small = f"{small_counts[name][0]}" if small_counts else "-"
            queries = f"{small} / {big_counts[name][0]}"
        print(
            f"| {shown} | {queries} | {median:.1f} | {p95:.1f} | {ratio:.1f}x | {'yes' if ratio <= 3 else 'NO'} | "
            f"{median / layout:.1f}x | {'yes' if p95 <= 100 else 'NO'} |"
        )
    if small_counts:
        grown = [name for name in big_counts if big_counts[name][0] != small_counts[name][0]]
        print(f"\nQuery counts that grew with the rows: {', '.join(grown) if grown else 'none'}")
    if throughput:
        print(f"\nwrk, 2 threads, 8 connections, {args.wrk_seconds} s each:\n")
        print("| page | requests/s | share of the minimal view |")
        print("|---|---|---|")
        for name, value in throughput.items():
            print(f"| {name} | {value:.0f} | {value / throughput['minimal view']:.2f} |")


if __name__ == "__main__":
    main()
