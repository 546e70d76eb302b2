"""Benchmark: "assign the queue" for 2,000 waiting cases and 200 reviewers.

Builds a throwaway SQLite database (or PostgreSQL with ``--url``), migrates it, and fills it with a roster of 200
reviewers (13 specialties, capacities 8-16, some with open cases already, 2 affiliations each, a few away or with an
expired licence) and 2,000 waiting cases (1-3 disputed items each, 60 employers, 20 claims administrators, 150
requesting physicians in 40 groups, 30 law firms). Then times, ``--runs`` times:

- ``RosterSnapshot.load`` (every query matching needs), and
- ``propose_bulk_assignment`` (in memory),

and prints the median of each, how many cases were proposed, and how balanced the loads came out (load as a share of
capacity, per reviewer who can take cases: min / median / max, standard deviation, Gini coefficient), and checks that
no proposed pair is conflicted or over capacity.

    .venv/bin/python benchmarks/bulk_assignment.py [--cases 2000] [--reviewers 200] [--runs 5] [--url DATABASE_URL]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def gini(values: list[float]) -> float:
    values = sorted(values)
    n, total = len(values), sum(values)
    if n == 0 or total == 0:
        return 0.0
    cumulative = sum((index + 1) * value for index, value in enumerate(values))
    return (2 * cumulative) / (n * total) - (n + 1) / n


def build(cases: int, reviewers: int, seed: int = 7) -> None:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.utils import timezone

    from cases import clock
    from cases.models import Case, DisputedItem
    from core import roles
    from core.models import Party
    from reviewers import demo
    from reviewers.models import Affiliation, Licence, ReviewerProfile, Specialty

    rng = random.Random(seed)
    today = timezone.localdate()
    demo.seed_specialties(lambda _: None)
    specialties = list(Specialty.objects.all())
    main_specialties = [s for s in specialties if s.name not in {"Pain Management", "Sports Medicine"}]
    sub_specialties = [s for s in specialties if s.name in {"Pain Management", "Sports Medicine"}]

    def parties(kind: str, count: int, prefix: str) -> list[Party]:
        Party.objects.bulk_create([Party(kind=kind, name=f"{prefix} {n}") for n in range(count)])
        return list(Party.objects.filter(kind=kind))

    employers = parties(Party.Kind.EMPLOYER, 60, "Employer")
    insurers = parties(Party.Kind.CLAIMS_ADMINISTRATOR, 20, "Claims Administrator")
    groups = parties(Party.Kind.PROVIDER_GROUP, 40, "Provider Group")
    firms = parties(Party.Kind.LAW_FIRM, 30, "Law Firm")
    Party.objects.bulk_create(
        [Party(kind=Party.Kind.PHYSICIAN, name=f"Physician {n}", organization=rng.choice(groups)) for n in range(150)]
    )
    physicians = list(Party.objects.filter(kind=Party.Kind.PHYSICIAN))
    everyone = employers + insurers + groups + firms + physicians

    User = get_user_model()
    User.objects.bulk_create(
        [
            User(username=f"bench-reviewer-{n}", first_name="Bench", last_name=f"Reviewer {n:03d}")
            for n in range(reviewers)
        ]
    )
    users = list(User.objects.filter(username__startswith="bench-reviewer-").order_by("pk"))
    Group.objects.get_or_create(name=roles.REVIEWER)[0].user_set.add(*users)
    ReviewerProfile.objects.bulk_create(
        [
            ReviewerProfile(
                user=user,
                practice_started=today - timedelta(days=365 * rng.randint(6, 30)),
                weekly_practice_hours=rng.choice([24, 30, 36, 40]),
                capacity=rng.randint(8, 16),
                credentials_verified_on=today - timedelta(days=rng.randint(10, 900)),
                away_from=today - timedelta(days=2) if rng.random() < 0.03 else None,
                away_to=today + timedelta(days=10) if rng.random() < 0.03 else None,
            )
            for user in users
        ]
    )
    profiles = list(ReviewerProfile.objects.filter(user__in=users).order_by("pk"))
    certification = ReviewerProfile.certifications.through
    certification.objects.bulk_create(
        [certification(reviewerprofile=p, specialty=rng.choice(main_specialties)) for p in profiles]
    )
    subspecialty = ReviewerProfile.subspecialties.through
    subspecialty.objects.bulk_create(
        [subspecialty(reviewerprofile=p, specialty=rng.choice(sub_specialties)) for p in profiles if rng.random() < 0.3]
    )
    Licence.objects.bulk_create(
        [
            Licence(
                profile=p,
                state="CA",
                number=f"A {p.pk:06d}",
                expires_on=today + timedelta(days=-5 if rng.random() < 0.03 else 400),
            )
            for p in profiles
        ]
    )
    Affiliation.objects.bulk_create(
        [
            Affiliation(profile=p, party=party, relationship="benchmark tie")
            for p in profiles
            for party in rng.sample(everyone, 2)
        ]
    )

    categories = [
        ("Therapies", 30),
        ("Pharmaceuticals", 25),
        ("Diagnostic Testing", 15),
        ("Durable Medical Equipment", 8),
        ("Injections", 8),
        ("Evaluation and Management", 6),
        ("Surgery", 4),
        ("Programs", 2),
        ("Psychological Services", 2),
    ]
    names, weights = zip(*categories, strict=True)
    new_cases = []
    for n in range(cases):
        received = today - timedelta(days=rng.randint(0, 25))
        priority = "expedited" if rng.random() < 0.05 else "standard"
        physician = rng.choice(physicians)
        new_cases.append(
            Case(
                case_number=f"CM26-{9_000_000 + n:07d}",
                priority=priority,
                status="records_received",
                application_received=received,
                records_received=received,
                due_date=clock.due_date(priority, received, received),
                employer=rng.choice(employers),
                claims_administrator=rng.choice(insurers),
                employee_attorney=rng.choice(firms) if rng.random() < 0.4 else None,
                requesting_provider=physician,
                provider_specialty=rng.choice(main_specialties).name,
            )
        )
    Case.objects.bulk_create(new_cases, batch_size=500)
    saved = list(Case.objects.filter(case_number__startswith="CM26-9"))
    DisputedItem.objects.bulk_create(
        [
            DisputedItem(case=case, position=i, description=f"Item {i}", category=category)
            for case in saved
            for i, category in enumerate(rng.choices(names, weights, k=rng.randint(1, 3)))
        ],
        batch_size=1000,
    )
    # Some reviewers already have open cases.
    busy = rng.sample(users, reviewers // 4)
    open_cases = [
        Case(
            case_number=f"CM26-{8_000_000 + n:07d}",
            status="in_review",
            reviewer=user,
            employer=rng.choice(employers),
        )
        for n, user in enumerate(u for u in busy for _ in range(rng.randint(1, 5)))
    ]
    Case.objects.bulk_create(open_cases, batch_size=500)


def run(runs: int) -> dict:
    from cases import matching
    from reviewers.qualification import conflict_party_ids

    waiting = list(matching.waiting_cases())
    load_times, propose_times = [], []
    proposal, snapshot = [], None
    for _ in range(runs):
        started = time.perf_counter()
        snapshot = matching.RosterSnapshot.load()
        loaded = time.perf_counter()
        proposal = matching.propose_bulk_assignment(waiting, snapshot=snapshot)
        done = time.perf_counter()
        load_times.append(loaded - started)
        propose_times.append(done - loaded)

    # Checks: no conflicted pair, no reviewer over capacity, no unqualified reviewer.
    ties = conflict_party_ids([p.pk for p in snapshot.profiles])
    conflicted = sum(1 for case, p in proposal if ties[p.pk] & matching.case_parties(case).keys())
    loads = dict(snapshot.loads)
    for _, profile in proposal:
        loads[profile.user_id] = loads.get(profile.user_id, 0) + 1
    over = sum(
        1
        for p in snapshot.profiles
        if loads.get(p.user_id, 0) > p.capacity and snapshot.loads.get(p.user_id, 0) <= p.capacity
    )
    unqualified = sum(1 for _, p in proposal if snapshot.problems[p.pk])
    qualified = [p for p in snapshot.profiles if not snapshot.problems[p.pk]]
    shares = [loads.get(p.user_id, 0) / p.capacity for p in qualified]
    given = [sum(1 for _, q in proposal if q.pk == p.pk) for p in qualified]
    return {
        "waiting": len(waiting),
        "reviewers": len(snapshot.profiles),
        "qualified": len(qualified),
        "capacity_free": sum(max(p.capacity - snapshot.loads.get(p.user_id, 0), 0) for p in qualified),
        "proposed": len(proposal),
        "load_median": statistics.median(load_times),
        "propose_median": statistics.median(propose_times),
        "total_median": statistics.median(a + b for a, b in zip(load_times, propose_times, strict=True)),
        "runs": runs,
        "share_min": min(shares),
        "share_median": statistics.median(shares),
        "share_max": max(shares),
        "share_stdev": statistics.pstdev(shares),
        "gini": gini(shares),
        "given_min": min(given),
        "given_max": max(given),
        "at_capacity": sum(1 for s in shares if s >= 1),
        "conflicted": conflicted,
        "over_capacity": over,
        "unqualified": unqualified,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=2000)
    parser.add_argument("--reviewers", type=int, default=200)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--url", default="", help="a database URL to use instead of a throwaway SQLite file")
    args = parser.parse_args()

    folder = tempfile.mkdtemp(prefix="imr-bench-assign-")
    os.environ["DATABASE_URL"] = args.url or f"sqlite:///{folder}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "imrportal.settings")
    os.environ["DEBUG"] = "false"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0, skip_checks=True)
    started = time.perf_counter()
    build(args.cases, args.reviewers)
    print(
        f"Built {args.cases} cases and {args.reviewers} reviewers in {time.perf_counter() - started:.1f} s "
        f"({connection.vendor})"
    )
    result = run(args.runs)
    print(f"""
| measure | value |
| --- | --- |
| waiting cases / reviewers (qualified) | {result["waiting"]} / {result["reviewers"]} ({result["qualified"]}) |
| free capacity of qualified reviewers | {result["capacity_free"]} |
| cases proposed | {result["proposed"]} |
| RosterSnapshot.load, median of {result["runs"]} | {result["load_median"] * 1000:.0f} ms |
| propose_bulk_assignment, median of {result["runs"]} | {result["propose_median"] * 1000:.0f} ms |
| total, median | {result["total_median"] * 1000:.0f} ms |
| load/capacity after, min / median / max | {result["share_min"]:.2f} / {result["share_median"]:.2f} / \
{result["share_max"]:.2f} |
| load/capacity standard deviation | {result["share_stdev"]:.3f} |
| Gini of load/capacity | {result["gini"]:.3f} |
| cases given per qualified reviewer, min / max | {result["given_min"]} / {result["given_max"]} |
| qualified reviewers at capacity after | {result["at_capacity"]} |
| conflicted / over-capacity / unqualified pairs | {result["conflicted"]} / {result["over_capacity"]} / \
{result["unqualified"]} |
""")


if __name__ == "__main__":
    main()
