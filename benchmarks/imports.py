"""Benchmark: ``manage.py import_cases`` of a 10,000-case imr-case/1 file on PostgreSQL: cases/s and peak memory.

    .venv/bin/python benchmarks/imports.py [--cases 10000] [--small 1000] [--url postgres://postgres@127.0.0.1:5432/postgres]

Writes ``var/bench-imports-N.json``: N cases varied from the 136 real published ones
(devtools/demo/data/published-cases.json): each takes a real case's items (descriptions, UR outcomes, the claims
administrator's basis, the reviewer's decision, basis and rationale) and summary, with made-up parties (about 400
employers, 60 claims administrators, 80 law firms, 600 physicians in 120 provider groups, named as
``devtools.generate`` names them), injured workers, claim numbers and dates. 70% are decided (closed, with their
determinations), 30% open intake cases without a case number (numbered from the sequence on import).

Then, for the N-case file and for a ``--small`` one (to show that memory does not grow with the file), creates an
empty PostgreSQL database of its own (``imr_bench_imports``, dropped first), migrates it, and runs
``manage.py import_cases FILE`` in a child process, timing it and reading the child's peak RSS (``ru_maxrss``).
Prints cases/s (the time inside ``call_command``: the interpreter's start-up and Django's set-up left out), the peak
RSS of both sizes, the marginal rate between the two sizes (the one-off cost of the first case left out), and checks
the counts in the database.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
from pathlib import Path

import bench_database

ROOT, PYTHON = bench_database.ROOT, bench_database.PYTHON
BENCH_DB = "imr_bench_imports"


def make_file(path: Path, count: int, seed: int = 11) -> int:
    """Write the document one case at a time; returns the number of disputed items."""
    from devtools import generate

    rng = random.Random(seed)
    published = generate.load_published()
    employers = generate._party_names(rng, generate._EMPLOYER_KINDS, 400)
    insurers = generate._party_names(rng, generate._INSURER_KINDS, 60)
    firms = generate._party_names(rng, generate._LAW_KINDS, 80)
    groups = generate._party_names(rng, generate._GROUP_KINDS, 120)
    physicians = [
        (f"{rng.choice(generate.FIRST_NAMES)} {rng.choice(generate.LAST_NAMES)}, MD", rng.choice(generate.SPECIALTIES))
        for _ in range(600)
    ]
    items = 0
    with path.open("w", encoding="utf-8") as out:
        out.write('{"format": "imr-case/1", "cases": [\n')
        for number in range(count):
            base = rng.choice(published)
            decided = rng.random() < 0.7
            year = rng.randint(2017, 2025)
            received = f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
            physician, specialty = physicians[number % len(physicians)]
            icd10, diagnosis = rng.choice(generate.DIAGNOSES)
            case = {
                "priority": "expedited" if rng.random() < 0.05 else "standard",
                "claim_number": f"CLM-{rng.randint(10, 99)}-{rng.randint(100000, 999999)}",
                "dates": {
                    "injury": f"{year - 1}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                    "ur_determination": received,
                    "application_received": received,
                    "assigned": received if decided else None,
                    "records_received": None,
                    "decision": f"{year}-12-30" if decided else None,
                },
                "employee": {
                    "name": f"{rng.choice(generate.FIRST_NAMES)} {rng.choice(generate.LAST_NAMES)}",
                    "date_of_birth": None,
                    "age": base["employee"]["age"] or rng.randint(22, 64),
                    "sex": base["employee"]["sex"] or rng.choice(["male", "female"]),
                },
                "employer": {"name": rng.choice(employers)},
                "claims_administrator": {"name": rng.choice(insurers), "adjuster": rng.choice(generate.LAST_NAMES)},
                "employee_attorney": {"name": rng.choice(generate.LAST_NAMES), "firm": rng.choice(firms)}
                if rng.random() < 0.4
                else None,
                "requesting_provider": {
                    "name": physician,
                    "specialty": specialty,
                    "organization": groups[number % len(groups)],
                },
                "diagnosis": {"description": diagnosis, "icd10": icd10},
                "reviewer": base["reviewer"] if decided else None,
                "clinical_case_summary": base["clinical_case_summary"] if decided else None,
                "items": [],
            }
            if decided:
                case = {"case_number": f"CM{year % 100:02d}-9{number:06d}", "status": "closed", **case}
            for item in base["items"]:
                item = dict(item)
                if not decided:
                    item.pop("determination", None)
                case["items"].append(item)
            items += len(case["items"])
            out.write(json.dumps(case, ensure_ascii=False))
            out.write(",\n" if number < count - 1 else "\n")
        out.write("]}\n")
    return items


def fresh_database(base: str) -> str:
    url = bench_database.postgres_url(BENCH_DB, base)
    bench_database.create(url)
    bench_database.manage(url, "migrate", "-v0")
    return url


def run_child(url: str, path: Path) -> tuple[float, int, str]:
    """Seconds inside ``import_cases path`` (Django set up before), peak RSS (KiB) and the command's summary, from a
    child process of its own."""
    env = {**os.environ, **bench_database.environment(url)}
    code = (
        "import os, resource, sys, time, django;"
        "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'imrportal.settings'); django.setup();"
        "from django.core.management import call_command;"
        "t = time.perf_counter(); call_command('import_cases', sys.argv[1]);"
        "print('SECONDS', time.perf_counter() - t);"
        "print('RSS', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"
    )
    result = subprocess.run(
        [PYTHON, "-c", code, str(path)], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise SystemExit(f"import failed:\n{result.stdout}\n{result.stderr}")
    lines = dict(line.split(" ", 1) for line in result.stdout.splitlines() if line.startswith(("SECONDS", "RSS")))
    summary = [line for line in result.stdout.splitlines() if line.startswith("Imported")]
    return float(lines["SECONDS"]), int(lines["RSS"]), summary[0] if summary else ""


def counts(url: str) -> dict[str, int]:
    import psycopg

    with psycopg.connect(url) as connection:
        return {
            table: connection.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
            for table in ("cases_case", "cases_disputeditem", "cases_determination", "cases_itemdecision", "core_party")
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--small", type=int, default=1_000)
    parser.add_argument(
        "--url",
        default=os.environ.get("BENCH_ADMIN_URL", "postgres://postgres@127.0.0.1:5432/postgres"),
        help="a PostgreSQL database to connect to for creating the benchmark's own database",
    )
    args = parser.parse_args()
    bench_database.setup_django(bench_database.postgres_url(BENCH_DB, args.url))
    work = ROOT / "var"
    work.mkdir(exist_ok=True)
    print(f"cores: {os.cpu_count()}, load average: {os.getloadavg()[0]:.2f}")
    results = []
    for count in (args.small, args.cases):
        path = work / f"bench-imports-{count}.json"
        items = make_file(path, count)
        url = fresh_database(args.url)
        seconds, rss, summary = run_child(url, path)
        found = counts(url)
        assert found["cases_case"] == count, found
        assert found["cases_disputeditem"] == items, (found, items)
        results.append((count, items, path.stat().st_size, seconds, rss))
        print(
            f"{count:,} cases, {items:,} items, {path.stat().st_size / 1e6:.1f} MB: {seconds:.2f} s, "
            f"{count / seconds:,.0f} cases/s, peak RSS {rss / 1024:.0f} MiB — {summary}"
        )
        print(f"  rows: {found}")
    print(f"load average at the end: {os.getloadavg()[0]:.2f}")
    print("| cases | items | file MB | seconds | cases/s | target | peak RSS MiB |")
    print("|---|---|---|---|---|---|---|")
    for count, items, size, seconds, rss in results:
        print(
            f"| {count:,} | {items:,} | {size / 1e6:.1f} | {seconds:.2f} | {count / seconds:,.0f} | "
            f"≥ 500 ({count / seconds / 500:.1f}x) | {rss / 1024:.0f} |"
        )
    (small, _, _, small_seconds, _), (big, _, _, big_seconds, _) = results
    marginal = (big - small) / (big_seconds - small_seconds)
    print(
        f"\nMarginal rate, the fixed cost of the first case (loading the ICD-10-CM list, the schema) left out: "
        f"({big:,} - {small:,}) / ({big_seconds:.2f} s - {small_seconds:.2f} s) = {marginal:,.0f} cases/s"
    )


if __name__ == "__main__":
    main()
