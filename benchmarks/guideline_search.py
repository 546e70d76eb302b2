"""Benchmark: as-you-type search of a guideline library of 5,000 sections.

Builds a throwaway PostgreSQL database (dropped and made again on each run), migrates it (which loads the seeded
library), adds generated sections up to 5,000 in all, then times ~200 queries as a reviewer types them (each phrase
sent at every keystroke from its second letter). Prints median and p95 in milliseconds, for ``search_sections`` alone
and for the whole ``guidelines:search`` endpoint (session, permission check, JSON).

    .venv/bin/python benchmarks/guideline_search.py [--url postgres://postgres@127.0.0.1:5432/imr_bench_guidelines]
        [--sections 5000] [--dense] [--sqlite] [--keep]

Section texts are sentences of the real letters (/work/shared/imr/letters/text); ``--dense`` draws them from ~110 words
instead, so that every word typed matches most sections (the worst case). ``--sqlite`` runs the same on a throwaway
SQLite file (the LIKE fallback), for comparison; ``--keep`` keeps the PostgreSQL database to EXPLAIN queries.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import time
from pathlib import Path

import bench_database

PHRASES = [
    "physical medicine",
    "acupuncture",
    "chiropractic manipulation",
    "opioids for chronic pain",
    "lumbar mri",
    "special studies",
    "tens unit",
    "epidural steroid injection",
    "muscle relaxants",
    "nsaids gi risk",
    "knee arthroscopy",
    "shoulder surgery rotator cuff",
    "home exercise program",
    "functional restoration program",
    "urine drug testing",
    "topical analgesics lidocaine",
    "electrodiagnostic emg ncs",
    "cervical collar",
    "work hardening",
    "psychological evaluation",
    "massage therapy",
    "aquatic therapy",
    "trigger point injections",
    "spinal cord stimulator",
    "gabapentin neuropathic",
    "facet joint radiofrequency",
    "carpal tunnel splint",
    "hot cold packs",
    "lumbar support brace",
    "postsurgical physical therapy",
]

TREATMENTS = [
    "Physical therapy",
    "Acupuncture",
    "Manipulation",
    "Opioids",
    "Muscle relaxants",
    "NSAIDs",
    "Topical analgesics",
    "Epidural steroid injections",
    "Facet injections",
    "Radiofrequency ablation",
    "MRI",
    "CT scan",
    "X-rays",
    "Electrodiagnostic testing",
    "TENS",
    "Massage",
    "Aquatic therapy",
    "Home exercise",
    "Work conditioning",
    "Functional restoration",
    "Psychological treatment",
    "Biofeedback",
    "Braces",
    "Orthotics",
    "Injections",
    "Surgery",
    "Arthroscopy",
    "Fusion",
    "Discectomy",
    "Trigger point injections",
    "Botulinum toxin",
    "Gabapentin",
    "Antidepressants",
    "Urine drug testing",
    "Cold therapy",
    "Heat therapy",
    "Ultrasound",
    "Traction",
    "Collars",
]
REGIONS = [
    "Lumbar spine",
    "Cervical spine",
    "Thoracic spine",
    "Shoulder",
    "Elbow",
    "Wrist",
    "Hand",
    "Hip",
    "Knee",
    "Ankle",
    "Foot",
    "Whole body",
    "Head",
]
CATEGORIES = [
    "Physical medicine",
    "Medications",
    "Diagnostics",
    "Injections",
    "Surgery",
    "Durable medical equipment",
    "Behavioral",
    "Programs",
]
QUALIFIERS = [
    "for chronic pain",
    "for acute pain",
    "postsurgical",
    "initial trial",
    "maintenance",
    "for radiculopathy",
    "for osteoarthritis",
    "for sprain and strain",
    "for myofascial pain",
    "for neuropathic pain",
    "after fracture",
    "for tendinitis",
    "in the elderly",
    "with functional improvement",
    "repeat",
]
WORDS_TEXT = (
    "recommended not recommended as an option for patients with chronic pain who have failed conservative treatment "
    "including physical therapy medications and home exercise evidence is limited moderate strong that this treatment "
    "improves function reduces pain allows return to work a trial of visits over weeks with documented objective "
    "functional improvement may be continued otherwise discontinued guidelines support short term use only "
    "randomized controlled trials systematic review showed no benefit compared with placebo sham adverse effects "
    "include dependence tolerance sedation gastrointestinal bleeding cardiovascular risk monitoring is required "
    "imaging is indicated for red flags neurologic deficit failure to progress prior to surgery myalgia myositis "
    "neuralgia neuritis radiculitis fading frequency active self directed passive modalities"
)
WORDS = WORDS_TEXT.split()


LETTERS = Path(
    os.environ.get("IMR_LETTERS_DIR", Path(__file__).resolve().parents[2] / "shared" / "imr" / "letters" / "text")
)


def sentences() -> list[str]:
    """Sentences of the real letters' rationales: medical prose with a realistic spread of words."""
    found: list[str] = []
    for path in sorted(LETTERS.glob("*.txt")):
        text = " ".join(path.read_text(encoding="utf-8", errors="replace").split())
        found.extend(sentence for sentence in re.split(r"(?<=\.) ", text) if 40 <= len(sentence) <= 300)
    return found


def build(sections_wanted: int, *, dense: bool = False) -> int:
    from django.db import connection, transaction

    from guidelines.models import GuidelineSection, GuidelineSectionVersion, GuidelineSource
    from guidelines.services import refresh_search_vectors

    rng = random.Random(20261127)
    prose = [] if dense else sentences()
    existing = GuidelineSection.objects.count()
    families = [GuidelineSource.Family.MTUS, GuidelineSource.Family.ODG, GuidelineSource.Family.ACOEM]
    with transaction.atomic():
        sources = [
            GuidelineSource.objects.create(
                key=f"bench-{index}",
                family=families[index % 3],
                chapter=f"{rng.choice(REGIONS)} {rng.choice(['Complaints', 'Disorders', 'Treatment'])} {index}",
                year=rng.choice([2004, 2007, 2009, 2016, 2017]),
                evidence_rank=1 + index % 3,
            )
            for index in range(40)
        ]
        names: set[tuple[int, str]] = set()
        new = []
        while len(new) < sections_wanted - existing:
            source = rng.choice(sources)
            name = f"{rng.choice(TREATMENTS)} {rng.choice(QUALIFIERS)}"
            if (source.pk, name) in names:
                name = f"{name} ({len(new)})"
            names.add((source.pk, name))
            new.append(
                GuidelineSection(
                    source=source,
                    name=name,
                    pages=f"{rng.randint(1, 120)}-{rng.randint(121, 130)}",
                    body_region=rng.choice(REGIONS),
                    treatment_category=rng.choice(CATEGORIES),
                    recommendation=(
                        " ".join(rng.choice(WORDS) for _ in range(rng.randint(60, 220))) + "."
                        if dense
                        else " ".join(rng.sample(prose, rng.randint(2, 6)))
                    ),
                    evidence_level=rng.choice(["1a", "1b", "2", "3", ""]),
                    times_cited=rng.choice([0, 0, 0, 1, 2, 5, 20]),
                    version=1,
                )
            )
        GuidelineSection.objects.bulk_create(new, batch_size=1000)
        GuidelineSectionVersion.objects.bulk_create(
            [
                GuidelineSectionVersion(
                    section=section, number=1, source_label=section.source.label, **section.snapshot()
                )
                for section in GuidelineSection.objects.filter(source__key__startswith="bench-").select_related(
                    "source"
                )
            ],
            batch_size=1000,
        )
        refresh_search_vectors()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return GuidelineSection.objects.count()


def keystrokes() -> list[str]:
    queries = []
    for phrase in PHRASES:
        queries.extend(phrase[:end] for end in range(2, len(phrase) + 1) if not phrase[:end].endswith(" "))
    rng = random.Random(7)
    rng.shuffle(queries)
    return queries[:200]


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def run(args) -> None:
    from django.contrib.auth.models import Group, User
    from django.test import Client
    from django.test.utils import setup_test_environment

    from core import roles
    from guidelines.search import search_sections

    bench_database.migrate()
    if args.suggestions:
        suggestions(args)
        return
    total = build(args.sections, dense=args.dense)
    queries = keystrokes()
    for query in queries[:20]:  # warm up caches and the connection
        search_sections(query)

    core_times, found = [], []
    for query in queries:
        started = time.perf_counter()
        results = search_sections(query)
        core_times.append((time.perf_counter() - started) * 1000)
        found.append(len(results))

    setup_test_environment()
    reviewer = User.objects.create_user("bench-reviewer", password="x")
    reviewer.groups.add(Group.objects.get_or_create(name=roles.REVIEWER)[0])
    client = Client()
    client.force_login(reviewer)
    for query in queries[:20]:  # warm up: the first request loads the URL configuration and the views
        client.get("/guidelines/search/", {"q": query})
    endpoint_times = []
    for query in queries:
        started = time.perf_counter()
        response = client.get("/guidelines/search/", {"q": query})
        endpoint_times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.content

    from django.db import connection

    slowest = sorted(zip(core_times, queries, strict=True), reverse=True)[:5]
    print("slowest: " + ", ".join(f"{query!r} {ms:.1f} ms" for ms, query in slowest))
    corpus = "dense vocabulary" if args.dense else "sentences of real letters"
    print(f"database: {connection.vendor}, sections: {total} ({corpus}), queries: {len(queries)}")
    print(f"median results per query: {statistics.median(found)}")
    for label, times in (("search_sections", core_times), ("GET /guidelines/search/", endpoint_times)):
        print(
            f"{label:>24}: median {statistics.median(times):.2f} ms, p95 {percentile(times, 0.95):.2f} ms, "
            f"max {max(times):.2f} ms"
        )


def suggestions(args) -> None:
    """Over every item of the real letters: is a section the reviewer cited in the first five suggestions?"""
    from django.db import connection

    from precedents.suggestions import measure

    started = time.perf_counter()
    report = measure(sorted(LETTERS.glob("*.txt")), top=args.top)
    elapsed = time.perf_counter() - started
    if args.verbose:
        for case_number, description, suggested, _expected in report.misses:
            print(f"miss {case_number} {description!r}: " + " | ".join(suggested))
    print(f"database: {connection.vendor}, letters: {LETTERS}")
    print(
        f"items: {report.items}, with a cited section in the library: {report.measurable}, "
        f"cited section in the top {report.top}: {report.found} ({report.rate:.1%}); "
        f"without the claims administrator's sections offered first: {report.found_without_claims_administrator} "
        f"({report.rate_without_claims_administrator:.1%}); {elapsed:.1f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default="postgres://postgres@127.0.0.1:5432/imr_bench_guidelines")
    parser.add_argument("--sections", type=int, default=5000)
    parser.add_argument(
        "--dense",
        action="store_true",
        help="section texts drawn from ~110 words (every word matches most sections: the worst case) instead of "
        "sentences of the real letters",
    )
    parser.add_argument(
        "--suggestions",
        action="store_true",
        help="measure instead how often the section the expert reviewer cited is among the first suggestions, over "
        "every item of the real letters (the seeded library only)",
    )
    parser.add_argument("--top", type=int, default=5, help="with --suggestions: how many suggestions count")
    parser.add_argument("--verbose", action="store_true", help="with --suggestions: print every miss")
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL database afterwards (to EXPLAIN)")
    parser.add_argument("--sqlite", action="store_true", help="use a throwaway SQLite file instead")
    args = parser.parse_args()
    if args.sqlite:
        bench_database.setup_django(bench_database.sqlite_url())
        run(args)
        return
    with bench_database.throwaway(args.url, keep=args.keep):
        bench_database.setup_django(args.url)
        run(args)


if __name__ == "__main__":
    main()
