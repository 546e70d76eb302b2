"""Benchmark: the precedent search page and the workspace's similar decisions at 100,000 precedents.

Builds a throwaway PostgreSQL database (dropped and made again on each run), migrates it, imports the 136 real
published decisions through the importer, then generates precedents up to ``--precedents`` (100,000) by varying the
real ones: each copies the items of a real decision, its treatment varied within its kind (naproxen → ibuprofen,
Norco → tramadol, left → right, lumbar → cervical, #60 → #90, 6 visits → 12), its rationale mixing the sentences of
two real rationales on the same kind of treatment, its outcome flipped one time in four, its date anywhere in
2015-2025. Then it times, through Django's test client with a logged-in reviewer:

- ``GET /precedents/?…``: the search page (treatment text with synonyms, filters on kind, guideline, body region
  and outcome; the statistics over the whole result set; the first page of 25 with the rationale's passages marked);
- ``GET /precedents/similar/?q=…&guideline=…``: the workspace's similar decisions for the real letters' items, with
  the guidelines their claims administrator cited.

    .venv/bin/python benchmarks/precedent_search.py [--precedents 100000] [--url postgres://…/imr_bench_precedents]
        [--sqlite] [--keep] [--repeat 3]

Target (issue 12, point 4): median ≤ 100 ms, p95 ≤ 250 ms. Results: benchmarks/RESULTS-precedent-search.md.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import bench_database

LETTERS = Path(
    os.environ.get("IMR_LETTERS_DIR", Path(__file__).resolve().parents[2] / "shared" / "imr" / "letters" / "text")
)

# Within a kind of treatment, what a varied request may name instead.
VARIANTS = [
    ["Naproxen", "Ibuprofen", "Meloxicam", "Diclofenac", "Etodolac", "Nabumetone", "Anaprox DS", "Mobic", "Motrin"],
    ["Norco", "Tramadol", "Oxycodone", "Percocet", "Hydrocodone/APAP", "Tylenol #3", "Nucynta", "Ultram"],
    ["Flexeril", "Cyclobenzaprine", "Tizanidine", "Baclofen", "Robaxin", "Methocarbamol", "Soma", "Zanaflex"],
    ["Omeprazole", "Pantoprazole", "Prilosec", "Protonix", "Ranitidine", "Famotidine"],
    ["Gabapentin", "Lyrica", "Neurontin", "Pregabalin", "Topamax"],
    ["Lidoderm", "Terocin", "Flector", "Voltaren gel", "Capsaicin cream"],
    ["lumbar", "cervical", "thoracic"],
    ["left", "right", "bilateral"],
    ["shoulder", "knee", "wrist", "elbow", "ankle", "hip"],
    ["MRI", "CT scan", "X-rays"],
    ["physical therapy", "chiropractic treatment", "acupuncture", "massage therapy", "aquatic therapy"],
]
QUANTITIES = ["#30", "#60", "#90", "#120", "6 visits", "8 visits", "12 visits", "2 times a week for 4 weeks"]

QUERIES = [
    {"q": "naproxen"},
    {"q": "Anaprox DS"},
    {"q": "Norco 10/325"},
    {"q": "tramadol"},
    {"q": "TENS unit"},
    {"q": "ESI"},
    {"q": "MRI lumbar spine"},
    {"q": "MRI of the cervical spine without contrast"},
    {"q": "physical therapy 12 visits"},
    {"q": "chiropractic"},
    {"q": "acupuncture"},
    {"q": "Flexeril"},
    {"q": "Lidoderm patch"},
    {"q": "urine drug screen"},
    {"q": "EMG/NCV bilateral lower extremities"},
    {"q": "functional restoration program"},
    {"q": "naproxin"},
    {"q": "omeprazole", "outcome": "overturned"},
    {"q": "physical therapy", "region": "lumbar"},
    {"q": "MRI", "category": "imaging", "region": "knee"},
    {"q": "opioids", "outcome": "upheld"},
    {"q": "gabapentin", "guideline": "Antiepilepsy"},
    {"guideline": "NSAIDs"},
    {"guideline": "Special Studies", "outcome": "overturned"},
    {"category": "chiropractic"},
    {"category": "medication", "outcome": "overturned"},
    {"q": "home health services"},
    {"q": "topical compounded cream flurbiprofen"},
    {"q": "Retrospective Famotidine 20mg #60"},
    {"q": "sleep study"},
]


def templates() -> list[dict]:
    """The real decisions as the parser reads them."""
    from precedents.parser import parse_published_letter

    return [parse_published_letter(path.read_text(encoding="utf-8")) for path in sorted(LETTERS.glob("*.txt"))]


def vary(text: str, rng: random.Random) -> str:
    for group in VARIANTS:
        for word in group:
            if re.search(rf"\b{re.escape(word)}\b", text, flags=re.IGNORECASE) and rng.random() < 0.6:
                text = re.sub(rf"\b{re.escape(word)}\b", rng.choice(group), text, count=1, flags=re.IGNORECASE)
                break
    quantity = re.search(r"#\d+|\d+ visits", text)
    if quantity and rng.random() < 0.5:
        text = text[: quantity.start()] + rng.choice(QUANTITIES) + text[quantity.end() :]
    return text


def build(wanted: int) -> tuple[int, int]:
    """Import the real decisions, then generate precedents up to ``wanted``: (precedents, items)."""
    from django.db import connection, transaction

    from cases.lifecycle import Status
    from cases.models import Case
    from guidelines.quantity import body_regions, treatment_kind
    from precedents import importer
    from precedents.models import Precedent, PrecedentCitation, PrecedentItem

    importer.import_paths([LETTERS])
    rng = random.Random(20261203)
    letters = templates()
    sentences_by_kind: dict[str, list[str]] = {}
    for letter in letters:
        for item in letter["items"]:
            kind = treatment_kind(item["description"]) or ""
            sentences = re.split(r"(?<=\.) ", " ".join(item["determination"]["rationale"].split()))
            sentences_by_kind.setdefault(kind, []).extend(sentence for sentence in sentences if len(sentence) > 30)
    existing = Precedent.objects.count()
    batch = 2000
    for start in range(existing, wanted, batch):
        count = min(batch, wanted - start)
        with transaction.atomic():
            chosen = [rng.choice(letters) for _ in range(count)]
            dates = [date(2015, 1, 1) + timedelta(days=rng.randrange(0, 3950)) for _ in range(count)]
            cases = Case.objects.bulk_create(
                [
                    Case(
                        case_number=f"CM{15 + (start + index) // 1_000_000:02d}-{(start + index) % 10_000_000:07d}",
                        status=Status.CLOSED,
                        decision_date=day,
                    )
                    for index, (letter, day) in enumerate(zip(chosen, dates, strict=True))
                ]
            )
            precedents = Precedent.objects.bulk_create(
                [
                    Precedent(
                        case=case,
                        case_number=case.case_number,
                        decision_date=case.decision_date,
                        reviewer_licensure="California",
                        reviewer_specialty="Physical Medicine & Rehabilitation",
                        summary=letter["clinical_case_summary"] or "",
                        content_sha256=f"generated-{case.case_number}",
                        source_name="generated",
                    )
                    for case, letter in zip(cases, chosen, strict=True)
                ]
            )
            rows, labels = [], []
            for precedent, letter in zip(precedents, chosen, strict=True):
                for position, item in enumerate(letter["items"]):
                    description = vary(item["description"], rng)
                    kind = treatment_kind(description) or ""
                    pool = sentences_by_kind.get(kind) or sentences_by_kind[""]
                    own = re.split(r"(?<=\.) ", " ".join(item["determination"]["rationale"].split()))
                    rationale = " ".join(own[: rng.randint(1, max(1, len(own)))] + rng.sample(pool, min(3, len(pool))))
                    decision = item["determination"]["decision"]
                    if rng.random() < 0.25:
                        decision = "overturned" if decision == "upheld" else "upheld"
                    cited = importer._labels(item["determination"]["basis"])
                    claims = importer._labels(item["claims_administrator_basis"])
                    regions = body_regions(description)
                    rows.append(
                        PrecedentItem(
                            precedent=precedent,
                            position=position,
                            description=description,
                            original_request=item["original_request"] or "",
                            authorized=item["authorized"] or "",
                            ur_outcome=item["ur_outcome"],
                            category=kind,
                            body_region=regions[0] if regions else "",
                            decision=decision,
                            decision_date=precedent.decision_date,
                            guidelines=importer._label_text(cited),
                            claims_administrator_guidelines=importer._label_text(claims),
                            no_evidence_cited=not cited,
                            rationale=rationale,
                        )
                    )
                    labels.append((cited, claims))
            rows = PrecedentItem.objects.bulk_create(rows, batch_size=1000)
            PrecedentCitation.objects.bulk_create(
                [
                    PrecedentCitation(item=row, by=by, kind=kind, chapter=chapter, section=section)
                    for row, (cited, claims) in zip(rows, labels, strict=True)
                    for by, group in (
                        (PrecedentCitation.By.REVIEWER, cited),
                        (PrecedentCitation.By.CLAIMS_ADMINISTRATOR, claims),
                    )
                    for kind, chapter, section in group
                ],
                batch_size=2000,
            )
        print(f"  {start + count} precedents", file=sys.stderr, flush=True)
    importer.refresh_search_vectors()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE precedents_precedentitem")
            cursor.execute("VACUUM ANALYZE precedents_precedentcitation")
            cursor.execute("VACUUM ANALYZE precedents_precedent")
            cursor.execute("VACUUM ANALYZE precedents_precedentsearchrow")
            cursor.execute("ANALYZE cases_case")
    return Precedent.objects.count(), PrecedentItem.objects.count()


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def timed(client, url: str, params, repeat: int) -> tuple[list[float], list]:
    times, answers = [], []
    for _ in range(repeat):
        for query in params:
            started = time.perf_counter()
            response = client.get(url, query)
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (query, response.status_code)
            answers.append((query, response))
    return times, answers


def similar_queries() -> list[list[tuple[str, str]]]:
    queries = []
    for letter in templates():
        for item in letter["items"]:
            guidelines = [
                f"{citation['chapter']}|{section}"
                for citation in item["claims_administrator_basis"]["mtus"]
                for section in citation["sections"] or [""]
            ]
            queries.append([("q", item["description"]), *(("guideline", value) for value in guidelines)])
    random.Random(3).shuffle(queries)
    return queries[:100]


def run(args) -> None:
    from django.contrib.auth.models import Group, User
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    from core import roles

    bench_database.migrate()
    started = time.perf_counter()
    total, items = build(args.precedents)
    built = time.perf_counter() - started
    setup_test_environment()
    reviewer = User.objects.filter(username="bench-reviewer").first() or User.objects.create_user("bench-reviewer")
    reviewer.groups.add(Group.objects.get_or_create(name=roles.REVIEWER)[0])
    client = Client()
    client.force_login(reviewer)
    timed(client, "/precedents/", QUERIES[:10], 1)  # warm up: URL configuration, templates, caches
    search_times, answers = timed(client, "/precedents/", QUERIES, args.repeat)
    similar = similar_queries()
    timed(client, "/precedents/similar/", similar[:10], 1)
    similar_times, _ = timed(client, "/precedents/similar/", similar, 1)

    found = {str(query): response.context["statistics"].total for query, response in answers}
    slowest = sorted(zip(search_times, [str(query) for query, _ in answers], strict=True), reverse=True)[:5]
    print(f"database: {connection.vendor}, precedents: {total}, items: {items} (built in {built:.0f} s)")
    print("results per search: " + ", ".join(f"{query} {count}" for query, count in list(found.items())[:12]) + " …")
    print("slowest searches: " + ", ".join(f"{query} {ms:.0f} ms" for ms, query in slowest))
    for label, times in (("GET /precedents/?…", search_times), ("GET /precedents/similar/", similar_times)):
        print(
            f"{label:>26}: {len(times)} requests, median {statistics.median(times):.1f} ms, "
            f"p95 {percentile(times, 0.95):.1f} ms, max {max(times):.1f} ms"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default="postgres://postgres@127.0.0.1:5432/imr_bench_precedents")
    parser.add_argument("--precedents", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3, help="how many times each search is sent")
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL database afterwards (to EXPLAIN)")
    parser.add_argument("--reuse", action="store_true", help="use the kept database as it is (no rebuild)")
    parser.add_argument("--sqlite", action="store_true", help="use a throwaway SQLite file instead")
    args = parser.parse_args()
    if args.sqlite:
        bench_database.setup_django(bench_database.sqlite_url())
        run(args)
        return
    with bench_database.throwaway(args.url, keep=args.keep, reuse=args.reuse):
        bench_database.setup_django(args.url)
        run(args)


if __name__ == "__main__":
    main()
