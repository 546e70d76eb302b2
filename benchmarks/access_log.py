"""What the PHI access log costs a page: the same pages with the log on and off, in one run.

    .venv/bin/python benchmarks/access_log.py --rounds 10 --requests 30

Works in a PostgreSQL database of its own (``imr_bench_access`` on 127.0.0.1, dropped and made anew; or
``DATABASE_URL``), with the 136 published cases imported and one of them assigned to a reviewer. Each round times
``--requests`` pairs of requests of each page, with the log on and off (``IMR_ACCESS_LOG``), through the full
Django stack (middleware, sessions, templates) in this process, one request with the log and one without in turn, so
the machine's drift hits both sides alike; the figures are medians over every request. Target: with the log ≤ 1.1x
without. Results: benchmarks/RESULTS-access-log.md.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

import bench_database

WORK = Path(tempfile.mkdtemp(prefix="access-bench-"))
if "DATABASE_URL" in os.environ:
    URL = os.environ["DATABASE_URL"]
else:
    URL = bench_database.postgres_url("imr_bench_access")
    bench_database.create(URL)
bench_database.setup_django(URL, work=WORK)

from django.conf import settings  # noqa: E402

LETTERS = Path(
    os.environ.get("IMR_LETTERS_DIR", Path(__file__).resolve().parents[2] / "shared" / "imr" / "letters" / "text")
)


def prepare():
    from django.contrib.auth.models import Group, User

    from cases.interchange.importer import import_document
    from cases.lifecycle import Status
    from cases.models import Case
    from core import roles
    from precedents.parser import published_letters_document

    bench_database.migrate()
    import_document(published_letters_document(sorted(LETTERS.glob("*.txt"))))
    admin = User.objects.create_user("bench-admin", password="x", first_name="Bench", last_name="Admin")
    admin.groups.add(Group.objects.get_or_create(name=roles.ADMINISTRATOR)[0])
    reviewer = User.objects.create_user("bench-reviewer", password="x", first_name="Bench", last_name="Reviewer")
    reviewer.groups.add(Group.objects.get_or_create(name=roles.REVIEWER)[0])
    case = Case.objects.order_by("case_number").first()
    Case.objects.filter(pk=case.pk).update(status=Status.IN_REVIEW, reviewer=reviewer)
    return admin, reviewer, case.case_number


def timed(client, url: str, count: int) -> float:
    started = time.perf_counter()
    for _ in range(count):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    return (time.perf_counter() - started) / count * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--requests", type=int, default=20)
    args = parser.parse_args()

    from django.contrib.auth.models import User
    from django.test import Client

    from audit.models import AccessEvent

    admin, reviewer, number = prepare()
    admin_client, reviewer_client, root_client = Client(), Client(), Client()
    admin_client.force_login(admin)
    reviewer_client.force_login(reviewer)
    root_client.force_login(User.objects.create_superuser("bench-root", password="x"))
    pages = {
        "case page (administrator)": (admin_client, f"/cases/{number}/"),
        "workspace (reviewer)": (reviewer_client, f"/cases/{number}/workspace/"),
        # Lists: one row per case shown, written in one statement (50 on the portal's page, 100 in the admin).
        "case list, 50 cases (administrator)": (admin_client, "/cases/"),
        "admin case list, 100 cases (superuser)": (root_client, "/admin/cases/case/"),
    }
    results = {name: {True: [], False: []} for name in pages}
    for client, url in pages.values():  # warm caches, templates and connections
        timed(client, url, 3)
    for _ in range(args.rounds):
        for name, (client, url) in pages.items():
            for _ in range(args.requests):  # one request with the log, one without, in turn: drift hits both alike
                for on in (True, False):
                    settings.IMR_ACCESS_LOG = on
                    results[name][on].append(timed(client, url, 1))
    settings.IMR_ACCESS_LOG = True
    print(f"# access log cost: {args.rounds} rounds x {args.requests} requests per page and mode")
    engine = settings.DATABASES["default"]["ENGINE"]
    print(f"machine: {os.cpu_count()} cores, load {os.getloadavg()[0]:.2f}; database {engine}")
    print(f"rows written: {AccessEvent.objects.count()}")
    print("| page | with log (median ms) | without (median ms) | ratio | p90 with | p90 without |")
    print("|---|---|---|---|---|---|")
    for name, modes in results.items():
        with_log, without = statistics.median(modes[True]), statistics.median(modes[False])
        p90 = [statistics.quantiles(modes[on], n=10)[-1] for on in (True, False)]
        print(f"| {name} | {with_log:.2f} | {without:.2f} | {with_log / without:.3f}x | {p90[0]:.2f} | {p90[1]:.2f} |")


if __name__ == "__main__":
    main()
