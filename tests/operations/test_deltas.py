"""The figures are kept by deltas (each statement takes its cases' contributions out as they were and puts them in as
they are): after every step of a long random sequence of updates and deletes, on every table a figure reads, in
single-row and many-row statements, they equal a full recount (``operations.models.rebuild``)."""

import datetime
import random

import pytest
from django.db import transaction

from cases.models import Case, Determination, DisputedItem, ItemDecision
from operations import report
from operations.models import DailyOutcome, MonthlyOutcome, rebuild
from tests.operations.test_aggregates import _snapshot
from tests.operations.world import CATEGORIES, CHAPTERS, make_cases, specs

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 10, 1)


def _steps(draw: random.Random, reviewers) -> list:
    """Each a function making one kind of change to whatever rows it draws."""

    def some(queryset, most: int = 3) -> list[int]:
        ids = list(queryset.order_by("pk").values_list("pk", flat=True))
        return draw.sample(ids, min(len(ids), draw.randint(1, most)))

    def decision_flipped():
        for pk in some(ItemDecision.objects.exclude(decision="")):
            row = ItemDecision.objects.get(pk=pk)
            row.decision = "overturned" if row.decision == "upheld" else "upheld"
            row.save(update_fields=["decision"])

    def decisions_rewritten_in_one_statement():
        ItemDecision.objects.filter(pk__in=some(ItemDecision.objects, 6)).update(
            basis={"mtus": [], "non_mtus": [draw.choice(CHAPTERS)]}, basis_none=draw.random() < 0.5
        )

    def decision_deleted():
        ItemDecision.objects.filter(pk__in=some(ItemDecision.objects, 1)).delete()

    def category_changed():
        DisputedItem.objects.filter(pk__in=some(DisputedItem.objects)).update(category=draw.choice(CATEGORIES))

    def determination_superseded_by_a_new_version():
        case = Case.objects.get(pk=some(Case.objects.filter(determinations__state="approved"), 1)[0])
        old = case.determinations.filter(state="approved").order_by("-version").first()
        new = Determination.objects.create(case=case, version=old.version + 1, state="draft", author=old.author)
        for row in old.decisions.all():
            flipped = "overturned" if row.decision == "upheld" else "upheld"
            ItemDecision.objects.create(determination=new, item=row.item, decision=flipped, basis=row.basis)
        Determination.objects.filter(pk=new.pk).update(state="approved", qa_at=old.qa_at)

    def determination_returned_or_deleted():
        pks = some(Determination.objects, 2)
        if draw.random() < 0.5:
            Determination.objects.filter(pk__in=pks).update(state="returned")
        else:
            for determination in Determination.objects.filter(pk__in=pks):
                determination.decisions.all().delete()
                determination.delete()

    def cases_changed_in_one_statement():
        Case.objects.filter(pk__in=some(Case.objects, 8)).update(
            status=draw.choice(["served", "closed", "in_review", "withdrawn", "ineligible"]),
            decision_date=DAY + datetime.timedelta(days=draw.randrange(30)),
            reviewer=draw.choice(reviewers),
            reviewer_credentials={"certifications": [draw.choice(["Psychiatry", "Orthopaedic Surgery"])]},
            ineligible_reason=draw.choice(["Filed late", "Not signed\nSee the file."]),
        )

    def case_moved_and_re_dated():
        for pk in some(Case.objects):
            Case.objects.filter(pk=pk).update(
                application_received=DAY - datetime.timedelta(days=draw.randrange(40)),
                records_received=draw.choice([None, DAY]),
                due_date=DAY + datetime.timedelta(days=draw.randrange(20)),
                track=draw.choice(["standard", "expedited"]),
                joined_into=draw.choice([None, Case.objects.order_by("pk").first()]),
            )

    def case_deleted():
        for case in Case.objects.filter(pk__in=some(Case.objects, 1)):
            ItemDecision.objects.filter(determination__case=case).delete()
            case.delete()

    return [
        decision_flipped,
        decisions_rewritten_in_one_statement,
        decision_deleted,
        category_changed,
        determination_superseded_by_a_new_version,
        determination_returned_or_deleted,
        cases_changed_in_one_statement,
        case_moved_and_re_dated,
        case_deleted,
    ]


def _months() -> list:
    return sorted(MonthlyOutcome.objects.values_list("month", "historical", "dimension", "key", "upheld", "overturned"))


def test_a_random_sequence_of_changes_keeps_the_figures_of_a_full_recount(reviewer, other_reviewer):
    make_cases(specs(seed=7, count=40), reviewer=reviewer)
    draw = random.Random(2026)
    steps = _steps(draw, [reviewer, other_reviewer, None])
    done = []
    for _ in range(40):
        step = draw.choice(steps)
        step()
        done.append(step.__name__)
        kept = _snapshot() | {"months": _months()}
        with transaction.atomic():
            rebuild()
            recounted = _snapshot() | {"months": _months()}
            transaction.set_rollback(True)  # the kept figures stay as the deltas left them
        differences = {
            name: (set(kept[name]) - set(recounted[name]), set(recounted[name]) - set(kept[name])) for name in kept
        }
        assert kept == recounted, f"after {done}: (kept only, recount only) {differences}"
    assert set(done) == {step.__name__ for step in steps}  # every kind of change was made
    assert sum(count for *_, count in _snapshot()["DailyFigure"]) > 0


def test_the_monthly_outcomes_are_the_daily_ones_summed_and_a_period_reads_both(reviewer, other_reviewer):
    make_cases(specs(seed=11, count=40), reviewer=reviewer)
    ItemDecision.objects.filter(pk__in=ItemDecision.objects.order_by("pk").values("pk")[:5]).update(decision="upheld")
    gone = Case.objects.filter(status="served").order_by("pk").first()
    ItemDecision.objects.filter(determination__case=gone).delete()
    gone.delete()
    summed: dict = {}
    for day, historical, dimension, key, upheld, overturned in DailyOutcome.objects.values_list(
        "day", "historical", "dimension", "key", "upheld", "overturned"
    ):
        row = summed.setdefault((day.replace(day=1), historical, dimension, key), [0, 0])
        row[0], row[1] = row[0] + upheld, row[1] + overturned
    assert _months() == sorted((*key, *counts) for key, counts in summed.items())
    # A period from mid-September to mid-October (no whole month), and September to October (two): the outcomes
    # equal the daily rows summed over the same days.
    for start, end in (
        (DAY - datetime.timedelta(days=12), DAY + datetime.timedelta(days=14)),
        (DAY.replace(month=9), DAY.replace(day=31)),
    ):
        tables = report.outcomes(start, end, dimensions=["category"], historical=True, names=False)
        expected: dict = {}
        for key, upheld, overturned in DailyOutcome.objects.filter(
            dimension="category", day__gte=start, day__lte=end
        ).values_list("key", "upheld", "overturned"):
            row = expected.setdefault(key, [0, 0])
            row[0], row[1] = row[0] + upheld, row[1] + overturned
        shown = {row[0]: [row[1], row[2]] for row in tables["category"]}
        assert shown == {report.category_label(key): counts for key, counts in expected.items()}
        assert sum(upheld for upheld, _ in shown.values()) > 0


def test_whole_months_of_a_period():
    date = datetime.date
    assert report.whole_months(date(2026, 1, 1), date(2026, 12, 31)) == (date(2026, 1, 1), date(2027, 1, 1))
    assert report.whole_months(date(2026, 1, 15), date(2026, 3, 30)) == (date(2026, 2, 1), date(2026, 3, 1))
    assert report.whole_months(date(2026, 1, 15), date(2026, 2, 10)) == (date(2026, 2, 1), date(2026, 2, 1))
