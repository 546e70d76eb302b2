"""Benchmark: what the browser feels. The reviewer's workspace at 1, 10 and 17 disputed items and the case list, in
Chromium, under production settings (DEBUG off, static files collected by the production storage and served by
WhiteNoise, gunicorn with 2 workers of 4 threads as docs/deploy.md runs it, keeping their database connections), cold
(a new browser profile: empty cache) and warm (the same page again in that profile).

    .venv/bin/python benchmarks/browser.py [--runs 7] [--cases 2000] [--reuse] [--before PATH]

1. Makes a PostgreSQL database of its own (``imr_bench_browser``; ``--reuse`` keeps one already filled): migrate,
   ``seed_demo``, ``generate_cases --count CASES`` (1 to 19 items a case), and picks a case in review with 1, 10 and
   17 items (the generated median and largest of issue 25).
2. For each tree measured (this checkout; with ``--before PATH`` also an older checkout of the portal, e.g. made by
   ``git archive <commit> | tar -x -C PATH`` with ``static/vendor`` linked in): ``collectstatic`` into a temporary
   folder with that tree's production storage (benchmarks/browser_settings.py), then gunicorn from that tree on a free
   port of 127.0.0.1. Both servers run at once and the runs alternate between them, so that a busy moment of this
   shared machine hits both alike.
3. Each run, for each tree and each page: a new browser context with the user's session cookie, the page opened
   (cold) and opened again (warm), each time waited for until the network is quiet (no request for 500 ms,
   Playwright's ``networkidle``), then read from the page's own Resource Timing: DOMContentLoaded, network quiet (the
   end of the last response: the page, its files and every fetch its scripts made), the requests that went to the
   network (a file answered from the cache has no transfer) and the bytes transferred. Medians of ``--runs`` runs.
   Before that, "cold, first open": the same cold load with the server's decision-support cache emptied as well
   (``precedents.support`` keeps each item's sections and similar decisions, and makes them ready when the reviewer
   accepts the case), as for a case whose support is not ready.

Targets (issue 25, at 10 items): workspace network quiet ≤ 300 ms warm and ≤ 600 ms cold; case list ≤ 150 ms warm.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import bench_database
from pages import free_port, get, sessions

ROOT = bench_database.ROOT
BENCH_DB = "imr_bench_browser"
SIZES = (1, 10, 17)
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking"]

# Read from the page once its network is quiet: times from the start of the navigation, in ms.
TIMING = """() => {
  const nav = performance.getEntriesByType("navigation")[0];
  const files = performance.getEntriesByType("resource");
  return {
    dcl: nav.domContentLoadedEventEnd,
    quiet: Math.max(nav.responseEnd, nav.loadEventEnd, ...files.map((entry) => entry.responseEnd)),
    requests: 1 + files.filter((entry) => entry.transferSize > 0).length,
    resources: 1 + files.length,
    bytes: nav.transferSize + files.reduce((sum, entry) => sum + entry.transferSize, 0),
    html: nav.transferSize,
    waiting: [...document.querySelectorAll(".support-quantity, .support-sections, .precedent-results")]
      .filter((node) => /Quantity check…|Looking…/.test(node.textContent)).length,
  };
}"""


def environment(url: str, static_root: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": url,
        "DEBUG": "false",
        "DATABASE_CONN_MAX_AGE": "60",
        "DJANGO_SETTINGS_MODULE": "browser_settings",
        "PYTHONPATH": str(ROOT / "benchmarks"),
        "BENCH_STATIC_ROOT": static_root,
    }


def serve(name: str, tree: Path, url: str, reuse: bool) -> tuple[subprocess.Popen, int]:
    """collectstatic of `tree` (kept from the last run with `reuse`: Brotli takes minutes on a busy machine), then
    gunicorn from `tree` (its port)."""
    static_root = Path(tempfile.gettempdir()) / f"imr-bench-browser-static-{name}"
    env = environment(url, str(static_root))
    python = str(ROOT / ".venv" / "bin" / "python")
    if not (reuse and (static_root / "staticfiles.json").exists()):
        shutil.rmtree(static_root, ignore_errors=True)
        subprocess.run([python, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=tree, env=env, check=True)
    port = free_port()
    # Threads, as docs/deploy.md runs it: Chromium opens spare connections ahead of need and keeps them idle, and a
    # sync worker waits on one until its 30 s timeout.
    gunicorn = [str(ROOT / ".venv" / "bin" / "gunicorn"), "imrportal.wsgi", "--workers", "2", "--chdir", str(tree)]
    gunicorn += ["--worker-class", "gthread", "--threads", "4"]
    server = subprocess.Popen([*gunicorn, "--bind", f"127.0.0.1:{port}", "--log-level", "error"], env=env, cwd=tree)
    for _ in range(200):
        try:
            if get(port, "/accounts/login/", None)[0] == 200:
                return server, port
        except OSError:
            pass
        server.poll()
        if server.returncode is not None:
            break
        time.sleep(0.3)
    server.terminate()
    raise SystemExit(f"gunicorn of {tree} did not answer")


def pages() -> list[tuple[str, str, str]]:
    """(name, username, path): the workspace of a case in review with 1, 10 and 17 items, and the case list."""
    from django.db.models import Count

    from cases.models import Case

    in_review = Case.objects.filter(status="in_review").exclude(reviewer=None).annotate(items_count=Count("items"))
    chosen = []
    for size in SIZES:
        case = in_review.filter(items_count=size).order_by("pk").first()
        if case is None:
            raise SystemExit(f"no case in review with {size} items: generate more cases (--cases)")
        chosen.append(
            (
                f"workspace, {size} item{'s' if size > 1 else ''}",
                case.reviewer.username,
                f"/cases/{case.case_number}/workspace/",
            )
        )
    return [*chosen, ("case list", "admin", "/cases/")]


def forget_decision_support() -> None:
    """Empty what ``precedents.support`` keeps in the shared cache, as for a case no one has opened yet."""
    from django.core.cache import cache

    client = cache._cache.get_client(write=True)  # the Redis client of Django's RedisCache
    keys = list(client.scan_iter(match=f"*{cache.make_key('support:')}*"))
    if keys:
        client.delete(*keys)


def measure(browser, port: int, cookie: str, path: str) -> tuple[dict, dict]:
    """(cold, warm) timings of one page in a new browser context."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    context.add_cookies([{"name": "sessionid", "value": cookie, "domain": "127.0.0.1", "path": "/"}])
    page = context.new_page()
    try:
        found = []
        for _ in range(2):
            response = page.goto(f"http://127.0.0.1:{port}{path}", wait_until="networkidle", timeout=60_000)
            if response is None or response.status != 200:
                raise SystemExit(f"{path} answered {response and response.status}")
            found.append(page.evaluate(TIMING))
        return found[0], found[1]
    finally:
        context.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--cases", type=int, default=2000)
    parser.add_argument(
        "--reuse", action="store_true", help="keep the benchmark database and the collected static files of a last run"
    )
    parser.add_argument("--before", type=Path, help="an older checkout of the portal, measured in the same run")
    parser.add_argument("--url", default=os.environ.get("BENCH_ADMIN_URL", bench_database.ADMIN_URL))
    args = parser.parse_args()
    url = bench_database.postgres_url(BENCH_DB, args.url)
    os.environ.update(bench_database.environment(url))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "imrportal.settings")
    if not args.reuse:
        bench_database.create(url)
        bench_database.manage(url, "migrate", "-v0")
        bench_database.manage(url, "seed_demo")
        bench_database.manage(url, "generate_cases", "--count", str(args.cases), "--seed", "1")
    import django

    django.setup()
    page_list = pages()
    cookies = sessions({username for _, username, _ in page_list})
    trees = {"after": ROOT} | ({"before": args.before.resolve()} if args.before else {})
    load_start = os.getloadavg()
    servers = {name: serve(name, tree, url, args.reuse) for name, tree in trees.items()}
    results: dict[tuple[str, str, str], list[dict]] = {}
    try:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"), args=CHROMIUM_ARGS
            )
            for _name, (_, port) in servers.items():  # warm-up: each worker's first requests, drafts started
                for _, username, path in page_list:
                    measure(browser, port, cookies[username], path)
            for run in range(args.runs):
                print(f"run {run + 1}, load average {os.getloadavg()[0]:.2f}", file=sys.stderr, flush=True)
                for name, (_, port) in servers.items():
                    for page_name, username, path in page_list:
                        # A case's first open ever: the server's decision-support cache emptied too.
                        forget_decision_support()
                        first, _ = measure(browser, port, cookies[username], path)
                        results.setdefault((name, page_name, "cold, first open"), []).append(first)
                        cold, warm = measure(browser, port, cookies[username], path)
                        results.setdefault((name, page_name, "cold"), []).append(cold)
                        results.setdefault((name, page_name, "warm"), []).append(warm)
            browser.close()
    finally:
        for server, _ in servers.values():
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
    load_end = os.getloadavg()
    print(
        f"cores: {os.cpu_count()}; load average at start {load_start[0]:.2f} {load_start[1]:.2f}, at the end "
        f"{load_end[0]:.2f} {load_end[1]:.2f}; {args.runs} runs; medians\n"
    )
    print(
        "| tree | page | load | DOMContentLoaded ms | network quiet ms | requests (network / all) | KB transferred "
        "| HTML KB | panels left waiting |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for (tree, page_name, mode), values in sorted(results.items(), key=lambda row: (row[0][1], row[0][2], row[0][0])):
        median = {key: statistics.median(value[key] for value in values) for key in values[0]}
        print(
            f"| {tree} | {page_name} | {mode} | {median['dcl']:.0f} | {median['quiet']:.0f} "
            f"(min {min(v['quiet'] for v in values):.0f}, max {max(v['quiet'] for v in values):.0f}) | "
            f"{median['requests']:.0f} / {median['resources']:.0f} | {median['bytes'] / 1024:.1f} | "
            f"{median['html'] / 1024:.1f} | {max(v['waiting'] for v in values)} |"
        )


if __name__ == "__main__":
    main()
