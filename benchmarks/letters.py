"""Letters: the round trip over all real letters, render + sign speed and memory, and throughput with Celery workers.

    .venv/bin/python benchmarks/letters.py roundtrip              # all 136 published letters
    .venv/bin/python benchmarks/letters.py sign --iterations 500  # render + sign a 3-page letter in a warm process
    .venv/bin/python benchmarks/letters.py workers --cases 40     # 2 prefork Celery workers against Redis
    .venv/bin/python benchmarks/letters.py scaling --cases 30 --rounds 3  # 1 worker process, then 2, letters/s each
    .venv/bin/python benchmarks/letters.py chromium --iterations 60   # ours (render + sign) against Chromium's print
    .venv/bin/python benchmarks/letters.py profile --iterations 40    # cProfile of render + sign, top functions

Each run works in a database of its own (a temporary SQLite file, or ``DATABASE_URL`` when set; its tables are
created by ``migrate``) and a temporary ``PRIVATE_DIR``; nothing is left behind.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

import bench_database

ROOT = bench_database.ROOT
WORK = Path(tempfile.mkdtemp(prefix="letters-bench-"))
bench_database.setup_django(os.environ.get("DATABASE_URL") or f"sqlite:///{WORK / 'bench.sqlite3'}", work=WORK)

from imrportal import worker  # noqa: E402

LETTERS = Path(
    os.environ.get("IMR_LETTERS_DIR", Path(__file__).resolve().parents[2] / "shared" / "imr" / "letters" / "text")
)


def rss_mib() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("VmRSS not found")


def peak_rss_mib() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("VmHWM not found")


def roundtrip() -> None:
    from cases.interchange.importer import import_document
    from cases.models import Case
    from letters import rendering
    from precedents.parser import published_letters_document

    paths = sorted(LETTERS.glob("*.txt"))
    import_document(published_letters_document(paths))
    matched, problems = 0, {}
    started = time.perf_counter()
    for path in paths:
        case = Case.objects.get(case_number=path.stem)
        rendered = rendering.render_letter_pdf(case, rendering.approved_determination(case), rendition="public")
        text = subprocess.run(
            ["pdftotext", "-layout", "-", "-"], input=rendered.pdf, capture_output=True, check=True
        ).stdout.decode()
        differences = rendering.published_differences(path.read_text(encoding="utf-8"), text)
        if differences:
            problems[path.stem] = differences
        else:
            matched += 1
    elapsed = time.perf_counter() - started
    print("| letters | match | differ | seconds | s/letter |\n|---|---|---|---|---|")
    print(f"| {len(paths)} | {matched} | {len(problems)} | {elapsed:.1f} | {elapsed / len(paths):.2f} |")
    for number, differences in problems.items():
        for difference in differences:
            print(f"- {number}: {difference}")


def _three_page_case():
    from tests import factories

    # The parties' letter of this case lays out on three pages (first page, determination, signature and copies).
    return factories.determined_case(decisions=("upheld",), long_text=2)


def _warm_like_a_worker() -> None:
    """What a letter worker's ``worker_process_init`` does (letters.tasks): fonts, stylesheet, a first render, and
    the process's heap frozen out of the garbage collector's sight (letters.pdf.warm_up)."""
    from letters import pdf

    pdf.warm_up()


def sign(iterations: int) -> None:
    from letters import rendering, services

    case = _three_page_case()
    determination = rendering.approved_determination(case)
    setup = services.signing_setup()
    _warm_like_a_worker()

    def one() -> tuple[float, int]:
        started = time.perf_counter()
        rendered = rendering.render_letter_pdf(
            case, determination, rendition="parties", verification_code="0123456789abcdef0123"
        )
        services.sign_rendered(rendered, setup=setup)
        return time.perf_counter() - started, rendered.page_count

    for _ in range(5):
        one()
    rss_warm = rss_mib()
    times, checkpoints = [], {}
    for index in range(1, iterations + 1):
        elapsed, pages = one()
        times.append(elapsed)
        if index in (50, iterations // 2, iterations):
            checkpoints[index] = rss_mib()
    # The whole service (register row, file, hash, audit) on fresh cases, for comparison.
    service_times = []
    for _ in range(20):
        fresh = _three_page_case()
        started = time.perf_counter()
        services.generate_rendition(fresh, rendition="parties")
        service_times.append(time.perf_counter() - started)
    print(f"pages per letter: {pages}")
    print("| measure | value |\n|---|---|")
    print(f"| render + sign, median | {statistics.median(times) * 1000:.0f} ms |")
    print(f"| render + sign, p95 | {statistics.quantiles(times, n=20)[18] * 1000:.0f} ms |")
    service_median = statistics.median(service_times) * 1000
    print(f"| render + sign + register (generate_rendition), median of 20 | {service_median:.0f} ms |")
    print(f"| RSS after warm-up | {rss_warm:.1f} MiB |")
    for index, value in checkpoints.items():
        print(f"| RSS after {index} letters | {value:.1f} MiB |")
    print(f"| peak RSS (VmHWM) | {peak_rss_mib():.1f} MiB |")
    print(f"| growth from letter 50 to {iterations} | {checkpoints[iterations] - checkpoints[50]:+.1f} MiB |")


def workers(cases: int) -> None:
    import redis

    from letters.models import Letter

    redis_url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
    redis.Redis.from_url(redis_url).ping()
    ids = [_three_page_case().pk for _ in range(cases)]
    env = dict(os.environ, REDIS_URL=redis_url, CELERY_TASK_ALWAYS_EAGER="false")
    process = subprocess.Popen(
        worker.command("-Q", "letters-bench", concurrency=2, loglevel="warning"),
        env=env,
        cwd=ROOT,
    )
    try:
        from imrportal.celery import app

        app.conf.broker_url = redis_url
        app.conf.task_always_eager = False
        from letters.tasks import generate_letters_task

        # Let the workers start and warm up (fonts) before the clock starts.
        generate_letters_task.apply_async(args=[ids[0]], queue="letters-bench")
        deadline = time.monotonic() + 60
        while Letter.objects.signed().count() < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        started = time.perf_counter()
        for case_id in ids[1:]:
            generate_letters_task.apply_async(args=[case_id], queue="letters-bench")
        expected = 2 * len(ids)
        deadline = time.monotonic() + 600
        while Letter.objects.signed().count() < expected and time.monotonic() < deadline:
            time.sleep(0.05)
        elapsed = time.perf_counter() - started
        done = Letter.objects.signed().count() - 2
        print("| workers | cases | letters signed | seconds | letters/s |\n|---|---|---|---|---|")
        print(f"| 2 prefork | {len(ids) - 1} | {done} | {elapsed:.1f} | {done / elapsed:.1f} |")
    finally:
        process.terminate()
        process.wait(timeout=30)


LOG_DIR = Path(os.environ["BENCH_LOG_DIR"]) if os.environ.get("BENCH_LOG_DIR") else None  # worker logs (-l info)


def _start_workers(count: int, env: dict, queue: str) -> list[subprocess.Popen]:
    """``count`` separate worker processes (one prefork child each), as on ``count`` machines."""
    return [
        subprocess.Popen(
            worker.command(
                "-n",
                f"bench{index}-{os.getpid()}@%h",
                "-Q",
                queue,
                concurrency=1,
                loglevel="info" if LOG_DIR else "warning",
            ),
            env=env,
            cwd=ROOT,
            stdout=open(LOG_DIR / f"worker-{count}-{index}.log", "a") if LOG_DIR else None,  # noqa: SIM115
            stderr=subprocess.STDOUT if LOG_DIR else None,
        )
        for index in range(count)
    ]


def _cpu_seconds(processes: list[subprocess.Popen]) -> float:
    """User + system CPU time of the worker processes and their pool children so far."""
    ticks = os.sysconf("SC_CLK_TCK")
    pids = [process.pid for process in processes]
    for process in processes:
        found = subprocess.run(["pgrep", "-P", str(process.pid)], capture_output=True, text=True).stdout.split()
        pids.extend(int(pid) for pid in found)
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


def _letters_per_second(count: int, cases: int, env: dict, queue: str) -> tuple[int, float, float]:
    from imrportal.celery import app
    from letters.models import Letter
    from letters.tasks import generate_letters_task

    warm = [_three_page_case().pk for _ in range(2 * count)]
    ids = [_three_page_case().pk for _ in range(cases)]
    processes = _start_workers(count, env, queue)
    try:
        deadline = time.monotonic() + 120
        while len(app.control.ping(timeout=1.0)) < count:
            if time.monotonic() > deadline:
                raise RuntimeError(f"{count} worker(s) did not answer within 120 s")
        for case_id in warm:  # every worker has rendered and signed before the clock starts
            generate_letters_task.apply_async(args=[case_id], queue=queue)
        while Letter.objects.signed().filter(case_id__in=warm).count() < 2 * len(warm):
            time.sleep(0.05)
        cpu_before = _cpu_seconds(processes)
        started = time.perf_counter()
        for case_id in ids:
            generate_letters_task.apply_async(args=[case_id], queue=queue)
        deadline = time.monotonic() + 900
        while Letter.objects.signed().filter(case_id__in=ids).count() < 2 * cases and time.monotonic() < deadline:
            time.sleep(0.05)
        elapsed = time.perf_counter() - started
        cpu = _cpu_seconds(processes) - cpu_before
        return Letter.objects.signed().filter(case_id__in=ids).count(), elapsed, cpu
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=60)


def scaling(cases: int, rounds: int) -> None:
    """Letters/s with one worker process, then two, alternately for ``rounds`` rounds: medians and their ratio."""
    import redis

    from imrportal.celery import app

    redis_url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
    redis.Redis.from_url(redis_url).ping()
    queue = f"letters-scaling-{os.getpid()}"
    env = dict(os.environ, REDIS_URL=redis_url, CELERY_TASK_ALWAYS_EAGER="false")
    app.conf.broker_url = redis_url
    app.conf.task_always_eager = False
    rates: dict[int, list[float]] = {1: [], 2: []}
    cpu_per_letter: dict[int, list[float]] = {1: [], 2: []}
    print(f"cores: {os.cpu_count()}")
    print("| round | worker processes | letters | seconds | letters/s | worker CPU s/letter | CPU busy | load avg |")
    print("|---|---|---|---|---|---|---|---|")
    for round_number in range(1, rounds + 1):
        for count in (1, 2):
            done, elapsed, cpu = _letters_per_second(count, cases, env, queue)
            if done != 2 * cases:
                raise RuntimeError(f"only {done} of {2 * cases} letters signed with {count} worker(s)")
            rates[count].append(done / elapsed)
            cpu_per_letter[count].append(cpu / done)
            print(
                f"| {round_number} | {count} | {done} | {elapsed:.1f} | {done / elapsed:.2f} | {cpu / done:.3f} "
                f"| {cpu / elapsed:.2f} cores | {os.getloadavg()[0]:.1f} |",
                flush=True,
            )
    one, two = statistics.median(rates[1]), statistics.median(rates[2])
    print(f"\nmedian letters/s: 1 worker {one:.2f}, 2 workers {two:.2f}; ratio {two / one:.2f}x (target >= 1.9x)")
    cpu_one, cpu_two = statistics.median(cpu_per_letter[1]), statistics.median(cpu_per_letter[2])
    print(f"median worker CPU per letter: 1 worker {cpu_one:.3f} s, 2 workers {cpu_two:.3f} s")


# -- against Chromium's print of the same HTML and stylesheet (issue 25, item 5) -------------------------------------

VERIFICATION_CODE = "0123456789abcdef0123"


def _chromium_html(html: str) -> str:
    """The letter's HTML with the stylesheet WeasyPrint is given (``letters/static_pdf/letter.css``) imported first.

    WeasyPrint applies that stylesheet as a user stylesheet: the letter's own ``<style>`` wins over it whatever the
    selectors' specificity. A cascade layer gives it the same place in Chromium (layered rules lose to unlayered
    ones). Its fonts are ``file:`` URLs relative to the stylesheet, so Chromium embeds the same Liberation fonts."""
    from letters import pdf

    head = html.index("<head>") + len("<head>")
    link = f'\n<style>@import url("{pdf.STYLESHEET_PATH.as_uri()}") layer(letter);</style>'
    return html[:head] + link + html[head:]


def _pdf_pages(data: bytes) -> int:
    info = subprocess.run(["pdfinfo", "-"], input=data, capture_output=True, check=True).stdout.decode()
    return int(next(line.split()[1] for line in info.splitlines() if line.startswith("Pages:")))


def _pdf_fonts(data: bytes) -> list[str]:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        file.write(data)
        file.flush()
        listing = subprocess.run(["pdffonts", file.name], capture_output=True, check=True).stdout.decode()
    return sorted({line.split()[0].split("+")[-1] for line in listing.splitlines()[2:] if line.strip()})


def _children_cpu_seconds() -> float:
    """User + system CPU time of this process's descendants (Playwright's driver and Chromium's processes)."""
    import psutil

    total = 0.0
    for child in psutil.Process().children(recursive=True):
        try:
            times = child.cpu_times()
        except psutil.NoSuchProcess:
            continue
        total += times.user + times.system
    return total


def _machine() -> str:
    model = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if "model name" in line
        ),
        "unknown CPU",
    )
    return f"{os.cpu_count()} CPUs ({model})"


def _load() -> str:
    return " / ".join(f"{value:.2f}" for value in os.getloadavg())


class _ChromiumPrinter:
    """One warm headless Chromium and one page, reused for every letter, driven from a thread of its own.

    Playwright's sync API runs an event loop in the thread that uses it; our render and sign must not run in such a
    thread (Django refuses database access there, and ``letters.signing`` would move pyHanko to a helper thread).
    Each letter is written to a new ``file:`` page (its stylesheet and fonts are absolute ``file:`` URLs), loaded,
    its fonts awaited, and printed with ``page.pdf()`` (CSS page size, backgrounds). The time is taken in the thread,
    around those steps only."""

    def __init__(self, folder: Path) -> None:
        import queue
        import threading

        self.folder = folder
        self.requests: queue.Queue = queue.Queue()
        self.answers: queue.Queue = queue.Queue()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()
        self.version = self.answers.get()

    def _run(self) -> None:
        from playwright.sync_api import sync_playwright

        from tests.conftest import CHROMIUM_ARGS  # the browser tests' flags (TECH-NOTES.md: no outside hosts)

        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"),
                headless=True,
                args=CHROMIUM_ARGS,
            )
            page = browser.new_page()
            self.answers.put(browser.version)
            number = 0
            while (request := self.requests.get()) is not None:
                html, tagged = request
                number += 1
                path = self.folder / f"letter-{number}.html"
                started = time.perf_counter()
                path.write_text(html, encoding="utf-8")
                page.goto(path.as_uri(), wait_until="load")
                page.evaluate("document.fonts.ready.then(() => document.fonts.size)")
                data = page.pdf(prefer_css_page_size=True, print_background=True, tagged=tagged)
                self.answers.put((time.perf_counter() - started, data))
            browser.close()

    def print(self, html: str, *, tagged: bool) -> tuple[float, bytes]:
        self.requests.put((html, tagged))
        return self.answers.get()

    def close(self) -> None:
        self.requests.put(None)
        self.thread.join(timeout=60)


def chromium(iterations: int) -> None:
    """Ours (template, WeasyPrint tagged PDF/A, PAdES sign) and Chromium's print of the same HTML, interleaved:
    ours, Chromium tagged, Chromium untagged in each iteration, the order reversed every other iteration."""
    from django.conf import settings

    from letters import pdf, rendering, services

    case = _three_page_case()
    determination = rendering.approved_determination(case)
    setup = services.signing_setup()
    html = rendering.render_letter_html(case, determination, rendition="parties", verification_code=VERIFICATION_CODE)
    page_html = _chromium_html(html)
    folder = WORK / "chromium"
    folder.mkdir()
    _warm_like_a_worker()

    def ours() -> tuple[dict[str, float], bytes]:
        cpu, started = time.process_time(), time.perf_counter()
        # render_letter_pdf, in its two steps: the template, then WeasyPrint.
        letter_html = rendering.render_letter_html(
            case, determination, rendition="parties", verification_code=VERIFICATION_CODE
        )
        templated = time.perf_counter()
        rendered = pdf.render_pdf(letter_html, base_url=str(settings.BASE_DIR), pdf_variant=setup.pdf_variant)
        weasyprinted = time.perf_counter()
        signed = services.sign_rendered(rendered, setup=setup)
        done = time.perf_counter()
        return {
            "ours": done - started,
            "template": templated - started,
            "weasyprint": weasyprinted - templated,
            "sign": done - weasyprinted,
            "ours_cpu": time.process_time() - cpu,
        }, signed

    print(f"date: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; machine: {_machine()}")
    print(f"load average at the start (1/5/15 min): {_load()}")
    printer = _ChromiumPrinter(folder)
    try:
        for _ in range(5):  # warm-up: fonts, caches, Chromium's renderer
            ours()
            printer.print(page_html, tagged=True)
            printer.print(page_html, tagged=False)
        _, signed = ours()
        _, tagged_pdf = printer.print(page_html, tagged=True)
        _, untagged_pdf = printer.print(page_html, tagged=False)
        print(f"Chromium {printer.version}; ours: WeasyPrint, {setup.pdf_variant}, tagged, signed")
        print(
            f"pages: ours {_pdf_pages(signed)}, Chromium {_pdf_pages(tagged_pdf)} (tagged) {_pdf_pages(untagged_pdf)}"
        )
        print(f"fonts: ours {', '.join(_pdf_fonts(signed))}; Chromium {', '.join(_pdf_fonts(tagged_pdf))}")
        print(f"bytes: ours {len(signed)}, Chromium tagged {len(tagged_pdf)}, untagged {len(untagged_pdf)}")
        samples: dict[str, list[float]] = {}
        chromium_cpu = 0.0
        for index in range(iterations):
            steps = ("ours", "tagged", "untagged") if index % 2 == 0 else ("untagged", "tagged", "ours")
            for step in steps:
                if step == "ours":
                    figures, _ = ours()
                    for name, value in figures.items():
                        samples.setdefault(name, []).append(value)
                else:
                    before = _children_cpu_seconds()
                    elapsed, _ = printer.print(page_html, tagged=step == "tagged")
                    chromium_cpu += _children_cpu_seconds() - before
                    samples.setdefault(f"chromium_{step}", []).append(elapsed)
    finally:
        printer.close()
    print(f"load average at the end (1/5/15 min): {_load()}")
    print(f"\n{iterations} iterations, interleaved (order alternating), one process, Chromium's page reused\n")
    print("| measure | median ms | p90 ms |\n|---|---:|---:|")
    names = {
        "ours": "ours: render + sign (template + WeasyPrint + pyHanko)",
        "template": "… template (database + Django template)",
        "weasyprint": "… WeasyPrint (HTML to tagged PDF/A)",
        "sign": "… pyHanko (PAdES signature)",
        "ours_cpu": "ours: CPU time of this process",
        "chromium_tagged": "Chromium page.pdf(), tagged",
        "chromium_untagged": "Chromium page.pdf(), untagged",
    }
    for name, label in names.items():
        values = samples[name]
        median, p90 = statistics.median(values) * 1000, statistics.quantiles(values, n=10)[8] * 1000
        print(f"| {label} | {median:.1f} | {p90:.1f} |")
    per_print = chromium_cpu / (2 * iterations) * 1000
    print(f"| Chromium: CPU time of its processes and Playwright's driver, mean per print | {per_print:.1f} | |")
    for variant in ("untagged", "tagged"):
        ratios = [a / b for a, b in zip(samples["ours"], samples[f"chromium_{variant}"], strict=True)]
        median_ratio = statistics.median(samples["ours"]) / statistics.median(samples[f"chromium_{variant}"])
        print(
            f"\nours / Chromium {variant}: ratio of medians {median_ratio:.2f}x, "
            f"median of per-iteration ratios {statistics.median(ratios):.2f}x (target <= 1.0x)"
        )


def profile(iterations: int) -> None:
    """cProfile of ``iterations`` warm render + sign of the 3-page parties' letter: the top functions."""
    import cProfile
    import pstats

    from letters import rendering, services

    case = _three_page_case()
    determination = rendering.approved_determination(case)
    setup = services.signing_setup()
    _warm_like_a_worker()

    def one() -> None:
        rendered = rendering.render_letter_pdf(
            case, determination, rendition="parties", verification_code=VERIFICATION_CODE, pdf_variant=setup.pdf_variant
        )
        services.sign_rendered(rendered, setup=setup)

    for _ in range(5):
        one()
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(iterations):
        one()
    profiler.disable()
    output = WORK / "letters.prof"
    profiler.dump_stats(output)
    print(f"load average (1/5/15 min): {_load()}; profile written to {output}")
    stats = pstats.Stats(profiler)
    # Own time by library (WeasyPrint by subpackage): where a letter's time goes, whatever function it is in.
    areas: dict[str, float] = {}
    for (filename, _, _), (_, _, own, _, _) in stats.stats.items():  # type: ignore[attr-defined]
        parts = Path(filename).parts
        if "site-packages" in parts:
            rest = parts[parts.index("site-packages") + 1 :]
            area = "/".join(rest[:2]) if rest[0] == "weasyprint" and len(rest) > 2 else rest[0]
        elif filename.startswith("~") or filename.startswith("<"):
            area = "built-ins (C: zlib, Pango via cffi, re, ...)"
        else:
            area = "standard library" if "python3" in filename else "IMR Portal"
        areas[area] = areas.get(area, 0.0) + own
    total = sum(areas.values())
    print("| where (own time) | share |\n|---|---:|")
    for area, own in sorted(areas.items(), key=lambda item: -item[1])[:20]:
        print(f"| {area} | {own / total:.0%} |")
    stats.strip_dirs()
    stats.sort_stats("cumulative").print_stats(45)
    stats.sort_stats("tottime").print_stats(30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("roundtrip")
    sign_parser = sub.add_parser("sign")
    sign_parser.add_argument("--iterations", type=int, default=500)
    workers_parser = sub.add_parser("workers")
    workers_parser.add_argument("--cases", type=int, default=40)
    scaling_parser = sub.add_parser("scaling")
    scaling_parser.add_argument("--cases", type=int, default=30)
    scaling_parser.add_argument("--rounds", type=int, default=3)
    chromium_parser = sub.add_parser("chromium")
    chromium_parser.add_argument("--iterations", type=int, default=60)
    profile_parser = sub.add_parser("profile")
    profile_parser.add_argument("--iterations", type=int, default=40)
    arguments = parser.parse_args()
    bench_database.migrate()
    if arguments.command == "roundtrip":
        roundtrip()
    elif arguments.command == "sign":
        sign(arguments.iterations)
    elif arguments.command == "chromium":
        chromium(arguments.iterations)
    elif arguments.command == "profile":
        profile(arguments.iterations)
    elif arguments.command == "scaling":
        scaling(arguments.cases, arguments.rounds)
    else:
        workers(arguments.cases)


if __name__ == "__main__":
    main()
