"""Letters: the round trip over all real letters, render + sign speed and memory, and throughput with Celery workers.

    .venv/bin/python benchmarks/letters.py roundtrip              # all 136 published letters
    .venv/bin/python benchmarks/letters.py sign --iterations 500  # render + sign a 3-page letter in a warm process
    .venv/bin/python benchmarks/letters.py workers --cases 40     # 2 prefork Celery workers against Redis
    .venv/bin/python benchmarks/letters.py scaling --cases 30 --rounds 3  # 1 worker process, then 2, letters/s each

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


def sign(iterations: int) -> None:
    from letters import rendering, services

    case = _three_page_case()
    determination = rendering.approved_determination(case)
    setup = services.signing_setup()

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
    arguments = parser.parse_args()
    bench_database.migrate()
    if arguments.command == "roundtrip":
        roundtrip()
    elif arguments.command == "sign":
        sign(arguments.iterations)
    elif arguments.command == "scaling":
        scaling(arguments.cases, arguments.rounds)
    else:
        workers(arguments.cases)


if __name__ == "__main__":
    main()
