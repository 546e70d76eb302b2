"""Benchmark: "assign the queue" for 2,000 waiting cases and 200 reviewers, before and after load balancing.

Builds a throwaway SQLite database (or PostgreSQL with ``--url``), migrates it, and fills it with a roster of 200
reviewers (13 specialties, capacities 8-16, some with open cases already, 2 affiliations each, a few away or with an
expired licence) and 2,000 waiting cases (1-3 disputed items each, 60 employers, 20 claims administrators, 150
requesting physicians in 40 groups, 30 law firms). Then times, ``--runs`` times each:

- ``RosterSnapshot.load`` (every query matching needs),
- "before": ``legacy_propose``, a frozen copy of the greedy proposal this replaced (most urgent case first, each to the
  best score where 45 fit points outweigh 30 free-capacity points), and
- "after": ``bulk_assignment.plan_bulk_assignment`` (in memory),

and prints, for both, the median time, how many cases were proposed, how balanced the loads came out (load as a share
of capacity, per qualified reviewer: min / median / max, standard deviation, Gini coefficient), how well the
specialties fit (share of proposed cases given to a reviewer of the best fit tier any eligible reviewer with room had
before the proposal; mean fit), and the hard-rule violations, checked pair by pair in decision order with
``matching.blocking_reasons`` (qualification, conflict, specialty rule, capacity counting the pairs before): must be 0.

    .venv/bin/python benchmarks/bulk_assignment.py [--cases 2000] [--reviewers 200] [--runs 5] [--url DATABASE_URL]
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from datetime import timedelta

import bench_database


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
    from devtools.demo import reviewers as demo
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


def legacy_propose(cases, snapshot) -> list:
    """The proposal before load balancing (cases/matching.py until this change), kept verbatim for comparison."""
    from datetime import date

    from cases.services import matching

    fit_points, provider_points, load_points, speed_base, speed_pressure = 45, 10, 30, 5, 15

    def score(case, profile, categories, load, pressure) -> float:
        weights = snapshot.weights.get(profile.pk, {})
        fit = sum(weights.get(c, 0) for c in categories) / (100 * len(categories)) if categories else 0.5
        points = fit_points * fit
        if case.provider_specialty and snapshot.provider_match(profile, case.provider_specialty):
            points += provider_points
        free = max(profile.capacity - load, 0) / profile.capacity if profile.capacity else 0
        points += load_points * free
        median = snapshot.turnaround.get(profile.user_id)
        speed = 0.5 if median is None else 1 / (1 + median / 7)
        points += (speed_base + speed_pressure * pressure[0]) * speed
        return round(points, 1)

    def urgency_key(case) -> tuple:
        return (0 if case.priority == "expedited" else 1, case.due_date or date.max, case.case_number)

    loads = dict(snapshot.loads)
    qualified = [p for p in snapshot.profiles if not snapshot.problems.get(p.pk)]
    proposal = []
    for case in sorted(cases, key=urgency_key):
        party_ids = matching.case_parties(case).keys()
        categories = matching.case_categories(case)
        pressure = matching._pressure(case, snapshot.on)
        best, best_profile = None, None
        for profile in qualified:
            load = loads.get(profile.user_id, 0)
            if load >= profile.capacity or profile.user_id == case.reviewer_id:
                continue
            if not snapshot.conflicts.get(profile.pk, set()).isdisjoint(party_ids):
                continue
            weights = snapshot.weights.get(profile.pk, {})
            if any(c in snapshot.ruled_categories and weights.get(c, 0) == 0 for c in categories):
                continue
            key = (score(case, profile, categories, load, pressure), -load)
            if best is None or key > best:
                best, best_profile = key, profile
        if best_profile is not None:
            proposal.append((case, best_profile))
            loads[best_profile.user_id] = loads.get(best_profile.user_id, 0) + 1
    return proposal


def measure(waiting: list, proposal: list, snapshot) -> dict:
    """Balance, fit and hard-rule checks of a proposal (pairs in decision order)."""
    from cases.services import matching

    qualified = [p for p in snapshot.profiles if not snapshot.problems[p.pk]]
    tier_rank = {tier: n for n, tier in enumerate(matching.TIERS)}
    loads = dict(snapshot.loads)
    violations = 0
    best_tier_given = 0
    fits = []
    for case, profile in proposal:
        load = loads.get(profile.user_id, 0)
        if matching.blocking_reasons(case, profile, snapshot, load=load):
            violations += 1
        loads[profile.user_id] = load + 1
        categories = matching.case_categories(case)
        party_ids = matching.case_parties(case).keys()
        fit, tier = matching.specialty_fit(snapshot.weights.get(profile.pk, {}), categories)
        fits.append(fit)
        possible = [
            matching.specialty_fit(snapshot.weights.get(p.pk, {}), categories)[1]
            for p in qualified
            if snapshot.loads.get(p.user_id, 0) < p.capacity
            and snapshot.conflicts.get(p.pk, set()).isdisjoint(party_ids)
            and not any(
                c in snapshot.ruled_categories and snapshot.weights.get(p.pk, {}).get(c, 0) == 0 for c in categories
            )
        ]
        if tier_rank[tier] <= min(tier_rank[t] for t in possible):
            best_tier_given += 1
    duplicated = len(proposal) - len({case.pk for case, _ in proposal})
    shares = [loads.get(p.user_id, 0) / p.capacity for p in qualified]
    given = [sum(1 for _, q in proposal if q.pk == p.pk) for p in qualified]
    # Why a qualified reviewer got nothing: a weak fit (or none) for every waiting case they may take, so a better fit
    # with room always existed; or already at least as loaded (as a share of capacity) as the median after.
    median_after = statistics.median(shares)
    idle_weak = idle_busy = 0
    for p, count in zip(qualified, given, strict=True):
        if count:
            continue
        weights = snapshot.weights.get(p.pk, {})
        well_fitting = any(
            matching.specialty_fit(weights, matching.case_categories(case))[1] != "weak"
            and snapshot.conflicts.get(p.pk, set()).isdisjoint(matching.case_parties(case).keys())
            and not any(
                c in snapshot.ruled_categories and weights.get(c, 0) == 0 for c in matching.case_categories(case)
            )
            for case in waiting
        )
        if not well_fitting:
            idle_weak += 1
        elif snapshot.loads.get(p.user_id, 0) / p.capacity >= median_after:
            idle_busy += 1
    return {
        "proposed": len(proposal),
        "share_min": min(shares),
        "share_median": statistics.median(shares),
        "share_max": max(shares),
        "share_stdev": statistics.pstdev(shares),
        "gini": gini(shares),
        "given_min": min(given),
        "given_max": max(given),
        "at_capacity": sum(1 for s in shares if s >= 1),
        "idle": sum(1 for g in given if g == 0),
        "idle_weak": idle_weak,
        "idle_busy": idle_busy,
        "best_tier": best_tier_given / len(proposal) if proposal else 0.0,
        "mean_fit": statistics.mean(fits) if fits else 0.0,
        "violations": violations + duplicated,
    }


def run(runs: int) -> dict:
    from cases.services import bulk_assignment, matching

    waiting = list(matching.waiting_cases())
    load_times, before_times, after_times = [], [], []
    before, after, snapshot = [], None, None
    for _ in range(runs):
        started = time.perf_counter()
        snapshot = matching.RosterSnapshot.load()
        loaded = time.perf_counter()
        before = legacy_propose(waiting, snapshot)
        middle = time.perf_counter()
        plan = bulk_assignment.plan_bulk_assignment(waiting, snapshot=snapshot)
        done = time.perf_counter()
        load_times.append(loaded - started)
        before_times.append(middle - loaded)
        after_times.append(done - middle)
        if after is not None and [(c.pk, p.pk) for c, p in plan.pairs] != after:
            raise SystemExit("The proposal changed between two runs on the same data.")
        after = [(c.pk, p.pk) for c, p in plan.pairs]
    qualified = [p for p in snapshot.profiles if not snapshot.problems[p.pk]]
    return {
        "waiting": len(waiting),
        "reviewers": len(snapshot.profiles),
        "qualified": len(qualified),
        "capacity_free": sum(max(p.capacity - snapshot.loads.get(p.user_id, 0), 0) for p in qualified),
        "runs": runs,
        "load_median": statistics.median(load_times),
        "before_median": statistics.median(before_times),
        "after_median": statistics.median(after_times),
        "before": measure(waiting, before, snapshot),
        "after": measure(waiting, plan.pairs, snapshot),
        "unplaced_reasons": sorted({reason for _, reason in plan.unplaced})[:5],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=2000)
    parser.add_argument("--reviewers", type=int, default=200)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--url", default="", help="a database URL to use instead of a throwaway SQLite file")
    args = parser.parse_args()

    bench_database.setup_django(args.url or bench_database.sqlite_url("imr-bench-assign-"))
    from django.db import connection

    bench_database.migrate()
    started = time.perf_counter()
    build(args.cases, args.reviewers)
    print(
        f"Built {args.cases} cases and {args.reviewers} reviewers in {time.perf_counter() - started:.1f} s "
        f"({connection.vendor})"
    )
    result = run(args.runs)
    b, a = result["before"], result["after"]
    print(f"""
{result["waiting"]} waiting cases, {result["reviewers"]} reviewers ({result["qualified"]} qualified), \
{result["capacity_free"]} free places. Medians of {result["runs"]} runs.

| measure | before | after |
| --- | --- | --- |
| RosterSnapshot.load (shared) | {result["load_median"] * 1000:.0f} ms | {result["load_median"] * 1000:.0f} ms |
| proposal (in memory) | {result["before_median"] * 1000:.0f} ms | {result["after_median"] * 1000:.0f} ms |
| cases proposed | {b["proposed"]} | {a["proposed"]} |
| load/capacity after: min / median / max | {b["share_min"]:.2f} / {b["share_median"]:.2f} / {b["share_max"]:.2f} \
| {a["share_min"]:.2f} / {a["share_median"]:.2f} / {a["share_max"]:.2f} |
| standard deviation of load/capacity | {b["share_stdev"]:.3f} | {a["share_stdev"]:.3f} |
| Gini of load/capacity | {b["gini"]:.3f} | {a["gini"]:.3f} |
| cases given per qualified reviewer: min / max | {b["given_min"]} / {b["given_max"]} \
| {a["given_min"]} / {a["given_max"]} |
| qualified reviewers given nothing: all / only a weak fit / already above the median | \
{b["idle"]} / {b["idle_weak"]} / {b["idle_busy"]} | {a["idle"]} / {a["idle_weak"]} / {a["idle_busy"]} |
| qualified reviewers at capacity after | {b["at_capacity"]} | {a["at_capacity"]} |
| share of proposed cases given to the best available fit tier | {b["best_tier"]:.1%} | {a["best_tier"]:.1%} |
| mean specialty fit of the proposed pairs | {b["mean_fit"]:.1f}% | {a["mean_fit"]:.1f}% |
| hard-rule violations | {b["violations"]} | {a["violations"]} |
""")
    for reason in result["unplaced_reasons"]:
        print(f"unplaced (after), e.g.: {reason}")


if __name__ == "__main__":
    main()
