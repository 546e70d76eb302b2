"""The quality program's outliers read from counts the database keeps by quarter (``QualityFigure``): after every kind
of write that changes them — a determination submitted, returned, approved, superseded or deleted, an item decision
flipped, added or deleted, the specialty printed on a case changed — the kept counts equal a count made here from the
rows themselves, and the page's flags say what those rows say; the page reads the quarter asked for, refuses one it
does not offer, and makes as many queries with a few determinations as with many."""

import contextlib
import datetime
import random
from collections import defaultdict

import pytest
from django.db import connection
from django.db.models import ProtectedError
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases.models import Case, Determination, ItemDecision
from cases.services import determinations
from operations import quality
from operations.models import rebuild
from operations.quality_models import QualityFigure
from tests.factories import UserFactory, case_in_review, determined_case, reviewer_profile
from tests.operations.test_deltas import _steps
from tests.operations.world import make_cases, specs

pytestmark = pytest.mark.django_db

SPECIALTY = "Physical Medicine & Rehabilitation"


def _counted_from_the_rows() -> dict[tuple, tuple[int, int, int, int]]:
    """(quarter, specialty, reviewer id) → (decided, overturned, submitted, returned), counted in Python from the
    determinations and their decisions (the module's rules, not its SQL)."""
    counts: dict[tuple, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    approved = ItemDecision.objects.filter(determination__state="approved", determination__author__isnull=False)
    for decision in approved.select_related("determination__case"):
        determination = decision.determination
        when = determination.qa_at or determination.submitted_at or determination.created_at
        key = (quality.quarter_of(timezone.localtime(when).date()), quality.specialty_of(determination.case))
        row = counts[(*key, determination.author_id)]
        row[0] += 1
        row[1] += decision.decision == "overturned"
    submitted = Determination.objects.filter(submitted_at__isnull=False, author__isnull=False).select_related("case")
    for determination in submitted:
        quarter = quality.quarter_of(timezone.localtime(determination.submitted_at).date())
        row = counts[(quarter, quality.specialty_of(determination.case), determination.author_id)]
        row[2] += 1
        row[3] += determination.state == "returned"
    return {key: tuple(row) for key, row in counts.items() if any(row)}


def _kept() -> dict[tuple, tuple[int, int, int, int]]:
    rows = QualityFigure.objects.values_list(
        "quarter", "specialty", "reviewer_id", "decided", "overturned", "submitted", "returned"
    )
    return {(quarter, specialty, reviewer): tuple(counts) for quarter, specialty, reviewer, *counts in rows}


def _approved() -> list[int]:
    """The approved determinations in a fixed order, for the seeded draws (the database's own order is not fixed)."""
    return list(Determination.objects.filter(state="approved").order_by("pk").values_list("pk", flat=True))


def test_a_random_sequence_of_writes_keeps_the_counts_of_the_rows(reviewer, other_reviewer):
    make_cases(specs(seed=5, count=30), reviewer=reviewer)
    draw = random.Random(25)
    steps = _steps(draw, [reviewer, other_reviewer, None])

    def submitted_and_some_returned():
        ids = list(Determination.objects.order_by("pk").values_list("pk", flat=True))
        chosen = draw.sample(ids, min(len(ids), 4))
        # Submitted in this quarter or one before; some of them returned by QA.
        when = timezone.now() - datetime.timedelta(days=draw.choice([0, 100, 200]))
        Determination.objects.filter(pk__in=chosen).update(submitted_at=when)
        Determination.objects.filter(pk__in=chosen[:1]).update(state="returned")

    def approved_in_another_quarter_by_another_author():
        pk = draw.choice(_approved())
        Determination.objects.filter(pk=pk).update(
            qa_at=timezone.now() - datetime.timedelta(days=draw.randrange(400)),
            author=draw.choice([reviewer, other_reviewer]),
        )

    def decision_added_to_an_approved_determination():
        determination = Determination.objects.get(pk=draw.choice(_approved()))
        item = determination.case.items.exclude(decisions__determination=determination).first()
        if item is None:
            item = determination.case.items.create(position=99, description="Added", category="Surgery")
        ItemDecision.objects.create(
            determination=determination, item=item, decision=draw.choice(["upheld", "overturned"])
        )

    steps += [
        submitted_and_some_returned,
        approved_in_another_quarter_by_another_author,
        decision_added_to_an_approved_determination,
    ]
    done = []
    for _ in range(45):
        step = draw.choice(steps)
        with contextlib.suppress(ProtectedError):  # a case another is joined into stays (nothing written)
            step()
        done.append(step.__name__)
        assert _kept() == _counted_from_the_rows(), f"after {done}"
    assert {"cases_changed_in_one_statement", "case_deleted", "submitted_and_some_returned"} <= set(done)
    assert sum(decided for decided, *_ in _kept().values()) >= 10  # the sequence left decisions to compare
    # A full recount (what generate_cases runs after skipping the triggers) gives the same rows.
    kept = _kept()
    rebuild()
    assert _kept() == kept


def _flags(client, **params) -> list[tuple]:
    page = client.get(reverse("operations:quality"), params)
    assert page.status_code == 200
    return [(flag.reviewer, flag.measure, flag.count, round(flag.rate, 3)) for flag in page.context["flags"]]


def test_the_flags_on_the_page_follow_decisions_made_and_changed_through_the_services(
    client, qa_user, reviewer, other_reviewer
):
    third = UserFactory(username="third", first_name="Tess", last_name="Thirdly")
    third.groups.add(*reviewer.groups.all())
    reviewer_profile(third)  # the specialty printed on her letters: Physical Medicine & Rehabilitation
    for _ in range(4):
        determined_case(reviewer=reviewer, decisions=("overturned",) * 3)
        determined_case(reviewer=other_reviewer, decisions=("upheld",) * 3)
        determined_case(reviewer=third, decisions=("upheld",) * 3)
    client.force_login(qa_user)
    assert _flags(client) == [
        ("Riley Marchetti", "Overturn rate", 12, 1.0),
        ("Robin Vandersloot", "Overturn rate", 12, 0.0),
        ("Tess Thirdly", "Overturn rate", 12, 0.0),
    ]

    # Tess decides a case through the services: written, submitted, approved by QA — 3 more items, all overturned.
    case = case_in_review(third, items=3)
    draft = determinations.start_or_get_draft(case, by=third)
    basis = {"mtus": [{"chapter": "Chronic Pain Medical Treatment 2016", "sections": ["Opioids"]}], "non_mtus": []}
    decisions = {
        item.pk: {"decision": "overturned", "basis": basis, "rationale": "The request is medically necessary."}
        for item in case.items.all()
    }
    determinations.save_draft(draft, by=third, revision=0, summary="A 45 year old worker.", decisions=decisions)
    determinations.submit_determination(draft, by=third)
    determinations.approve_determination(Determination.objects.get(case=case, state="submitted"), by=qa_user)
    # And one of Riley's overturns becomes an uphold (a correction made in the table).
    flipped = ItemDecision.objects.filter(determination__author=reviewer).order_by("pk").first()
    ItemDecision.objects.filter(pk=flipped.pk).update(decision="upheld")

    # Counted from the rows: Riley 11 of 12 overturned, Tess 3 of 15; the specialty 14 of 39.
    decided = ItemDecision.objects.filter(determination__state="approved")
    assert decided.count() == 39 and decided.filter(decision="overturned").count() == 14
    flags = client.get(reverse("operations:quality")).context["flags"]
    assert [(flag.reviewer, flag.count, round(flag.rate, 3), round(flag.specialty_rate, 3)) for flag in flags] == [
        ("Riley Marchetti", 12, round(11 / 12, 3), round(14 / 39, 3)),
        ("Robin Vandersloot", 12, 0.0, round(14 / 39, 3)),
    ]
    assert _kept() == _counted_from_the_rows()


def test_the_page_reads_the_quarter_asked_for_and_refuses_one_it_does_not_offer(client, qa_user, reviewer):
    today = timezone.localdate()
    this, previous = quality.recent_quarters(today)[:2]
    for _ in range(4):
        determined_case(reviewer=reviewer, decisions=("overturned",) * 3)
    moved = Determination.objects.filter(author=reviewer).order_by("pk")[:2]
    long_ago = timezone.make_aware(datetime.datetime.combine(previous, datetime.time(12)))
    Determination.objects.filter(pk__in=[d.pk for d in moved]).update(qa_at=long_ago)
    other = UserFactory(first_name="Olive", last_name="Other")
    for _ in range(4):
        determined_case(reviewer=other, decisions=("upheld",) * 3)
    client.force_login(qa_user)

    # Riley's two approvals of the quarter before (6 items) count there, his two others (6) in this one: under 10
    # items, never flagged; Olive's 12 upheld against this quarter's 6 of 18 overturned are.
    assert _flags(client) == [("Olive Other", "Overturn rate", 12, 0.0)]
    assert _flags(client, quarter=previous.isoformat()) == []
    assert QualityFigure.objects.get(quarter=previous, reviewer=reviewer).decided == 6
    assert QualityFigure.objects.get(quarter=this, reviewer=reviewer).decided == 6

    page = client.get(reverse("operations:quality"), {"quarter": "2019-01-01"})
    assert page.status_code == 400
    assert f"Choose one of the last 8 quarters (its first day, such as {this.isoformat()})." in page.content.decode()


def _queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("operations:quality")).status_code == 200
    return len(queries)


def test_the_quality_page_makes_as_many_queries_with_a_few_determinations_as_with_many(client, qa_user):
    authors = [UserFactory() for _ in range(3)]
    for author, decision in zip(authors, ["overturned", "overturned", "upheld"], strict=True):
        determined_case(reviewer=author, decisions=(decision,) * 10)
    client.force_login(qa_user)
    assert len(client.get(reverse("operations:quality")).context["flags"]) == 1  # the one who upholds everything
    few = _queries(client)
    for _ in range(10):
        for index, author in enumerate(authors + [UserFactory() for _ in range(3)]):
            determined_case(reviewer=author, decisions=("upheld",) * (index + 1))
    assert Case.objects.count() > 60 and len(client.get(reverse("operations:quality")).context["flags"]) > 0

    assert _queries(client) == few
