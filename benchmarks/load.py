"""Load test: 200 people at once (issue 25 item 3) — 150 reviewers, 30 administrators, 20 QA and staff, with locust.

    .venv/bin/python benchmarks/load.py --database imr_bench_load [--run-time 5m] [--reviewers 150] [--admins 30]
        [--qa-staff 20] [--workers 4] [--spawn-rate 10] [--out /tmp/imr-load]

The database must exist already, migrated, with ``seed_demo`` and ``generate_cases`` in it (its name starts with
``imr_bench``; nothing here makes or drops it), e.g.::

    createdb imr_bench_load && DATABASE_URL=…/imr_bench_load manage.py migrate && manage.py seed_demo \\
        && manage.py generate_cases --count 1000000 --items-per-case 2.1

1. The plan (Django in this process): one distinct generated case in review per reviewer (its reviewer's session),
   case numbers for the administrators, unassigned eligible cases to offer, cases in QA to approve, letters whose file
   is in storage. Everyone is signed in beforehand: a session made by Django's test client (``force_login``, as
   ``benchmarks/pages.py`` does) stored in the database gunicorn reads, so no sign-in page or second-factor prompt is
   in the figures (``IMR_OTP_ENFORCED`` is off outside production settings).
2. gunicorn (``--workers`` sync workers, ``DEBUG=false``, kept database connections) on 127.0.0.1 and a Celery worker
   (``imrportal.worker``, 2 processes: the letters an approval makes), both on this database.
3. ``locust --headless`` for ``--run-time`` against 127.0.0.1 only, this file as the locustfile:
   - reviewers: open the workspace (the revision read from the page), then every 15 s an autosave (the workspace's
     ``autosave.js`` body: ``{"revision", "summary", "decisions"}``) and one read: the records' search, the guideline
     library search, the quantity check or the similar precedents (the URLs the workspace page gives its scripts);
   - administrators: the case list, its filters, a search, a case page, the assignment queue, a case's assignment
     page and an offer (POST) of an unassigned case to the first eligible reviewer;
   - QA: the QA queue, a submitted determination, its approval (POST); staff: the letter center, letter downloads.
   No redirect is followed: any answer but the expected one (200, or the redirect a successful POST gives) is an
   error.
4. Afterwards: every autosave's revision, as answered, is checked in the database (`check_autosaves`: the draft's
   revision and summary are those of the last save answered, and the revisions answered rose by one each time: none
   lost); p95 per endpoint from locust's statistics; CPU per request: the gunicorn workers' user + system time
   (``/proc/PID/stat``) before and after, divided by the requests served.
"""

from __future__ import annotations

import argparse
import csv
import html
import json
import os
import random
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

from locust import HttpUser, between, constant_pacing, events, task

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_database  # noqa: E402

ROOT = bench_database.ROOT
PLAN = os.environ.get("IMR_LOAD_PLAN", "")
SAVES = os.environ.get("IMR_LOAD_SAVES", "")
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


_loaded: dict = {}


def _plan() -> dict:
    """The plan, read once and shared by every simulated user of this process (each takes its own session, case)."""
    if not _loaded and PLAN:
        _loaded.update(json.loads(Path(PLAN).read_text()))
    return _loaded


# -- the locust users --------------------------------------------------------------------------------------------

saved_revisions: dict[str, list[list]] = {}  # case number -> [revision answered, summary sent] per autosave


@events.test_stop.add_listener
def _write_saves(**_kwargs) -> None:
    if SAVES:
        Path(SAVES).write_text(json.dumps(saved_revisions))


class PortalUser(HttpUser):
    abstract = True
    role = ""

    def on_start(self) -> None:
        plan = _plan()
        self.plan = plan
        session = plan["sessions"][self.role].pop()
        self.client.cookies.set("sessionid", session)
        self.csrf = ""

    def fetch(self, path: str, name: str, *, expect: int = 200, method: str = "GET", **kwargs):
        headers = kwargs.pop("headers", {})
        if method == "POST":
            headers |= {"X-CSRFToken": self.csrf, "Referer": self.host + path}
        with self.client.request(
            method, path, name=name, headers=headers, allow_redirects=False, catch_response=True, **kwargs
        ) as response:
            if response.status_code != expect:
                response.failure(f"{response.status_code} (expected {expect}) at {path}")
            elif method == "GET" and "text/html" in response.headers.get("Content-Type", ""):
                found = CSRF_FIELD.search(response.text)
                self.csrf = found.group(1) if found else self.csrf
        return response


class Reviewer(PortalUser):
    fixed_count = int(os.environ.get("IMR_LOAD_REVIEWERS", "150"))
    role = "reviewer"
    wait_time = constant_pacing(15)

    def on_start(self) -> None:
        super().on_start()
        self.case = self.plan["reviewer_cases"].pop()
        self.saves = 0
        self.open_workspace()

    def open_workspace(self) -> None:
        page = self.fetch(f"/cases/{self.case}/workspace/", "workspace").text
        self.revision = int(re.search(r'data-revision="(\d+)"', page).group(1))
        attribute = {
            name: html.unescape(value) for name, value in re.findall(r'data-(search-url|quantity-url)="([^"]*)"', page)
        }
        descriptions = [html.unescape(d) for d in re.findall(r'data-description="([^"]*)"', page)]
        self.description = descriptions[0] if descriptions else "physical therapy"
        self.search_url = attribute.get("search-url", "")
        self.quantity_url = attribute.get("quantity-url", "")
        precedents = re.search(r'class="precedent-panel[^>]*data-url="([^"]*)"', page)
        self.precedents_url = html.unescape(precedents.group(1)) if precedents else ""

    @task
    def autosave_and_read(self) -> None:
        self.saves += 1
        summary = f"Load test: {self.case}, save {self.saves}."
        response = self.fetch(
            f"/cases/{self.case}/workspace/autosave/",
            "autosave",
            method="POST",
            json={"revision": self.revision, "summary": summary, "decisions": {}},
        )
        if response.status_code == 200:
            self.revision = response.json()["revision"]
            saved_revisions.setdefault(self.case, []).append([self.revision, summary])
        word = random.choice(self.description.split() or ["pain"])
        read = random.choice(["records", "library", "quantity", "precedents", "workspace"])
        if read == "records":
            self.fetch(f"/cases/{self.case}/records/search/?q={word}", "records search")
        elif read == "library" and self.search_url:
            self.fetch(f"{self.search_url}&q={word}", "guideline search", params={"limit": 8})
        elif read == "quantity" and self.quantity_url:
            self.fetch(self.quantity_url, "quantity check", params={"text": self.description})
        elif read == "precedents" and self.precedents_url:
            self.fetch(self.precedents_url, "similar precedents", params={"q": self.description})
        else:
            self.open_workspace()


class Administrator(PortalUser):
    fixed_count = int(os.environ.get("IMR_LOAD_ADMINS", "30"))
    role = "admin"
    wait_time = between(5, 15)
    FILTERS = ["status=open", "status=in_review", "priority=expedited", "due=overdue", "due=at_risk", "page=20"]

    @task(3)
    def case_list(self) -> None:
        self.fetch(f"/cases/?{random.choice(self.FILTERS)}", "case list: filter")

    @task(2)
    def case_list_plain(self) -> None:
        self.fetch("/cases/", "case list")

    @task(2)
    def search(self) -> None:
        self.fetch(f"/cases/?q={random.choice(self.plan['names'])}", "case list: search name")

    @task(3)
    def case_page(self) -> None:
        self.fetch(f"/cases/{random.choice(self.plan['case_numbers'])}/", "case page")

    @task(1)
    def assignment(self) -> None:
        self.fetch("/cases/assign/", "assignment queue")
        if not self.plan["assignable"]:
            return
        case = self.plan["assignable"].pop()
        page = self.fetch(f"/cases/{case}/assign/", "assignment page").text
        reviewer = re.search(r'name="reviewer" value="(\d+)"', page)
        if reviewer:
            self.fetch(
                f"/cases/{case}/assign/",
                "assignment offer (POST)",
                method="POST",
                expect=302,
                data={"reviewer": reviewer.group(1), "action": "offer", "csrfmiddlewaretoken": self.csrf},
            )


class QA(PortalUser):
    fixed_count = int(os.environ.get("IMR_LOAD_QA_STAFF", "20")) // 2
    role = "qa"
    wait_time = between(5, 15)

    @task
    def review(self) -> None:
        self.fetch("/cases/qa/", "QA queue")
        if self.plan["qa_cases"]:
            case = self.plan["qa_cases"].pop()
            self.fetch(f"/cases/{case}/qa/", "QA review")
            self.fetch(
                f"/cases/{case}/qa/",
                "QA approval (POST)",
                method="POST",
                expect=302,
                data={"action": "approve", "csrfmiddlewaretoken": self.csrf},
            )


class Staff(PortalUser):
    fixed_count = (int(os.environ.get("IMR_LOAD_QA_STAFF", "20")) + 1) // 2
    role = "staff"
    wait_time = between(5, 15)

    @task
    def letters(self) -> None:
        self.fetch("/letters/", "letter center")
        if self.plan["letters"]:
            self.fetch(f"/letters/{random.choice(self.plan['letters'])}/download/", "letter download")


# -- the runner (not run by locust: it imports this file for the classes above) ---------------------------------


def check_autosaves(saves: dict[str, list[list]]) -> list[str]:
    """What was lost: each case's draft must hold the revision and summary of the last save answered 200, and the
    revisions answered must rise by one each time (a gap or a repeat is a save the server did not keep in order)."""
    from cases.models import Determination

    problems = []
    drafts = {
        d.case.case_number: d
        for d in Determination.objects.filter(case__case_number__in=saves, state=Determination.State.DRAFT)
        .select_related("case")
        .only("revision", "clinical_case_summary", "case__case_number")
    }
    for case_number, answered in saves.items():
        revisions = [revision for revision, _ in answered]
        if any(later != earlier + 1 for earlier, later in zip(revisions, revisions[1:], strict=False)):
            problems.append(f"{case_number}: revisions answered not consecutive: {revisions}")
        draft = drafts.get(case_number)
        last_revision, last_summary = answered[-1]
        if draft is None:
            problems.append(f"{case_number}: no draft in the database")
        elif (draft.revision, draft.clinical_case_summary) != (last_revision, last_summary):
            problems.append(
                f"{case_number}: database has revision {draft.revision} {draft.clinical_case_summary!r}, "
                f"last save answered {last_revision} {last_summary!r}"
            )
    return problems


def make_plan(reviewers: int, admins: int, qa_staff: int) -> dict:
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.files.storage import default_storage  # noqa: F401  (storage set up before letters')
    from django.test import Client

    from cases.lifecycle import ASSIGNABLE_STATES
    from cases.models import Case
    from devtools.generate import GENERATED_USER_PREFIX
    from letters.models import Letter

    users = {user.username: user for user in get_user_model().objects.filter(username__in=["admin", "qa", "staff"])}

    def session(user) -> str:
        client = Client()
        client.force_login(user)
        return client.cookies[settings.SESSION_COOKIE_NAME].value

    in_review = list(
        Case.objects.filter(status="in_review", reviewer__username__startswith=GENERATED_USER_PREFIX)
        .select_related("reviewer")
        .order_by("pk")[:reviewers]
    )
    if len(in_review) < reviewers:
        raise SystemExit(f"only {len(in_review)} generated cases in review for {reviewers} reviewers")
    bounds = Case.objects.order_by("pk").values_list("pk", flat=True)
    low, high = bounds.first(), bounds.last()
    sample = list(Case.objects.filter(pk__in=random.Random(1).sample(range(low, high + 1), 3000)))
    # Generated letters have no file in storage; the demo's signed letters (the oldest) and any the worker made since
    # (the newest) have: look at both ends.
    signed = Letter.objects.signed().exclude(file="")
    letters = [
        letter.pk
        for letter in [*signed.order_by("pk")[:300], *signed.order_by("-pk")[:300]]
        if letter.file.storage.exists(letter.file.name)
    ]
    return {
        "sessions": {
            "reviewer": [session(case.reviewer) for case in in_review],
            "admin": [session(users["admin"]) for _ in range(admins)],
            "qa": [session(users["qa"]) for _ in range(qa_staff // 2)],
            "staff": [session(users["staff"]) for _ in range((qa_staff + 1) // 2)],
        },
        "reviewer_cases": [case.case_number for case in in_review],
        "case_numbers": [case.case_number for case in sample],
        "names": sorted({case.employee_name.split()[-1] for case in sample if case.employee_name})[:500],
        "assignable": list(
            Case.objects.filter(status__in=ASSIGNABLE_STATES, reviewer=None)
            .order_by("pk")
            .values_list("case_number", flat=True)[:400]
        ),
        "qa_cases": list(Case.objects.filter(status="qa").order_by("pk").values_list("case_number", flat=True)[:400]),
        "letters": letters,
    }


def cpu_seconds(master: int) -> float:
    """User + system CPU time of gunicorn's workers (the master's children), from /proc."""
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    ticks = 0
    for pid in children:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        ticks += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
    return ticks / os.sysconf("SC_CLK_TCK")


def tree_cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process and its descendants alive now (the Celery worker and its pool)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return 0.0
    own = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return own + sum(tree_cpu_seconds(int(child)) for child in children)


def machine_busy() -> tuple[int, int]:
    """(busy, total) clock ticks of all cores since boot, from /proc/stat: the whole machine, other sessions too."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]  # idle, iowait
    return sum(values) - idle, sum(values)


def postgres_cpu_seconds(database: str) -> float:
    """CPU time of the PostgreSQL backends connected to `database` now (the kept connections of gunicorn and the
    worker), from /proc."""
    import psycopg

    with psycopg.connect(bench_database.postgres_url("postgres"), autocommit=True) as connection:
        pids = [row[0] for row in connection.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s", [database])]
    return sum(tree_cpu_seconds(pid) for pid in pids)


def start_gunicorn(url: str, port: int, workers: int) -> subprocess.Popen:
    env = {**os.environ, **bench_database.environment(url), "DATABASE_CONN_MAX_AGE": "60"}
    server = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "imrportal.wsgi",
            "--workers",
            str(workers),
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
    import http.client

    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            connection.request("GET", "/accounts/login/")
            if connection.getresponse().status in (200, 302):
                return server
        except OSError:
            time.sleep(0.5)
    server.terminate()
    raise SystemExit("gunicorn did not answer")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default="imr_bench_load")
    parser.add_argument("--url", default=bench_database.ADMIN_URL, help="any database URL of the PostgreSQL server")
    parser.add_argument("--run-time", default="5m")
    parser.add_argument("--reviewers", type=int, default=150)
    parser.add_argument("--admins", type=int, default=30)
    parser.add_argument("--qa-staff", type=int, default=20)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers")
    parser.add_argument("--spawn-rate", type=float, default=10)
    parser.add_argument("--out", default="/tmp/imr-load")
    args = parser.parse_args()
    url = bench_database.postgres_url(args.database, args.url)
    bench_database._name(url)  # refuses a database not named imr_bench…
    os.environ.update(bench_database.environment(url))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "imrportal.settings")
    import django

    django.setup()
    from cases.models import Case

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    plan = make_plan(args.reviewers, args.admins, args.qa_staff)
    (out / "plan.json").write_text(json.dumps(plan))
    total = args.reviewers + args.admins + args.qa_staff
    print(
        f"{Case.objects.count():,} cases; plan made in {time.perf_counter() - started:.1f} s: "
        f"{len(plan['assignable'])} cases to offer, {len(plan['qa_cases'])} to approve, "
        f"{len(plan['letters'])} letters with a file"
    )
    with __import__("socket").socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = start_gunicorn(url, port, args.workers)
    worker = subprocess.Popen(
        [str(ROOT / ".venv/bin/python"), "-m", "imrportal.worker", "-c", "2", "-l", "warning"],
        env={**os.environ},
        cwd=ROOT,
    )
    env = {
        **os.environ,
        "IMR_LOAD_PLAN": str(out / "plan.json"),
        "IMR_LOAD_SAVES": str(out / "saves.json"),
        "IMR_LOAD_REVIEWERS": str(args.reviewers),
        "IMR_LOAD_ADMINS": str(args.admins),
        "IMR_LOAD_QA_STAFF": str(args.qa_staff),
    }
    load_before = os.getloadavg()
    cpu_before = cpu_seconds(server.pid)
    worker_before = tree_cpu_seconds(worker.pid)
    busy_before = machine_busy()
    try:
        subprocess.run(
            [
                str(ROOT / ".venv/bin/locust"),
                "-f",
                __file__,
                "--headless",
                "-u",
                str(total),
                "-r",
                str(args.spawn_rate),
                "-t",
                args.run_time,
                "--host",
                f"http://127.0.0.1:{port}",
                "--csv",
                str(out / "locust"),
                "--only-summary",
                "--stop-timeout",
                "30",
                "--loglevel",
                "WARNING",
            ],
            env=env,
            cwd=ROOT,
            check=False,
        )
        cpu_after = cpu_seconds(server.pid)
        worker_cpu = tree_cpu_seconds(worker.pid) - worker_before
        busy_after = machine_busy()
        # The backends of kept connections live as long as the run: their whole CPU time is the run's (plus the
        # plan's few queries before it, from this process's own connection, not counted here).
        postgres_cpu = postgres_cpu_seconds(args.database)
    finally:
        load_after = os.getloadavg()
        for process in (server, worker):
            process.send_signal(signal.SIGTERM)
        for process in (server, worker):
            process.wait(timeout=60)
    report(out, cpu_after - cpu_before, load_before, load_after)
    busy = (busy_after[0] - busy_before[0]) / max(1, busy_after[1] - busy_before[1])
    print(
        f"Celery worker CPU: {worker_cpu:.1f} s; PostgreSQL backends of the run: {postgres_cpu:.1f} s; "
        f"the machine's two cores busy {100 * busy:.0f}% of the run (every session on it)"
    )


def report(out: Path, cpu: float, load_before, load_after) -> None:
    with (out / "locust_stats.csv").open() as file:
        rows = list(csv.DictReader(file))
    saves = json.loads((out / "saves.json").read_text()) if (out / "saves.json").exists() else {}
    problems = check_autosaves(saves)
    print(
        f"\nload average before: {' '.join(f'{v:.2f}' for v in load_before)}, "
        f"after: {' '.join(f'{v:.2f}' for v in load_after)}\n"
    )
    print("| endpoint | requests | errors | median ms | p95 ms | p99 ms | max ms |")
    print("|---|---|---|---|---|---|---|")
    aggregated = None
    for row in rows:
        if row["Name"] == "Aggregated":
            aggregated = row
            continue
        print(
            f"| {row['Type']} {row['Name']} | {row['Request Count']} | {row['Failure Count']} | "
            f"{row['Median Response Time']} | {row['95%']} | {row['99%']} | {float(row['Max Response Time']):.0f} |"
        )
    if aggregated:
        requests = int(aggregated["Request Count"])
        print(
            f"| **all** | {requests} | {aggregated['Failure Count']} | {aggregated['Median Response Time']} | "
            f"{aggregated['95%']} | {aggregated['99%']} | {float(aggregated['Max Response Time']):.0f} |"
        )
        print(
            f"\nrequests/s: {float(aggregated['Requests/s']):.1f}; gunicorn workers' CPU: {cpu:.1f} s, "
            f"{1000 * cpu / max(requests, 1):.1f} ms per request"
        )
    failures = out / "locust_failures.csv"
    if failures.exists():
        print(failures.read_text())
    autosaves = sum(len(v) for v in saves.values())
    print(f"autosaves answered 200: {autosaves} on {len(saves)} cases; lost or out of order: {len(problems)}")
    for problem in problems[:20]:
        print("  ", problem)


if __name__ == "__main__":
    main()
