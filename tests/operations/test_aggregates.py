"""The aggregates the database keeps as cases change equal a count of everything made again from scratch
(``operations.models.rebuild``), whatever order the rows of a decision arrive in; a decision made through the real
services shows in the report at once."""

import datetime

import pytest
from django.utils import timezone

from cases.models import Case, ItemDecision
from cases.services import determinations, intake
from operations import report
from operations.models import DailyAge, DailyFigure, DailyOutcome, QueueCount, RecordsAwaited, ReviewerLoad, rebuild
from tests.factories import case_in_review
from tests.operations.world import make_cases, specs

pytestmark = pytest.mark.django_db

TABLES = (QueueCount, ReviewerLoad, RecordsAwaited, DailyFigure, DailyOutcome, DailyAge)


def _snapshot() -> dict:
    """Every aggregate row, zero counts left out (a delta may leave a key at zero)."""
    snapshot = {}
    for model in TABLES:
        fields = [field.attname for field in model._meta.concrete_fields if field.attname != "id"]
        counted = model.objects.exclude(upheld=0, overturned=0) if model is DailyOutcome else model.objects
        counted = counted if model is DailyOutcome else counted.exclude(count=0)
        snapshot[model.__name__] = sorted(counted.values_list(*fields), key=repr)
    return snapshot


def test_the_figures_kept_by_the_triggers_equal_a_rebuild_after_changes_of_every_kind(reviewer, other_reviewer):
    make_cases(specs(), reviewer=reviewer)
    # Changes after the fact: a decision changed, a case reassigned, records arriving, a case deleted.
    decision = ItemDecision.objects.filter(decision="upheld").first()
    decision.decision = "overturned"
    decision.save(update_fields=["decision"])
    Case.objects.filter(status="in_review").update(reviewer=other_reviewer, due_date=datetime.date(2026, 12, 1))
    Case.objects.filter(status="withdrawn").update(records_requested=datetime.date(2026, 11, 1))
    Case.objects.filter(status="terminated").first().delete()
    kept = _snapshot()

    rebuild()

    assert kept == _snapshot()
    assert len(kept["DailyOutcome"]) > 20 and len(kept["QueueCount"]) > 0


def test_a_decision_approved_through_the_services_counts_the_same_day(reviewer, qa_user):
    case = case_in_review(reviewer, items=2, application_received=timezone.localdate() - datetime.timedelta(days=9))
    draft = determinations.start_or_get_draft(case, by=reviewer)
    basis = {"mtus": [{"chapter": "Chronic Pain Medical Treatment 2016", "sections": ["Opioids"]}], "non_mtus": []}
    items = list(case.items.all())
    decisions = {
        items[0].pk: {"decision": "upheld", "basis": basis, "rationale": "The request is not medically necessary."},
        items[1].pk: {"decision": "overturned", "basis": basis, "rationale": "The request is medically necessary."},
    }
    determinations.save_draft(draft, by=reviewer, revision=0, summary="A 45 year old worker.", decisions=decisions)
    determinations.submit_determination(draft, by=reviewer)
    today = timezone.localdate()
    assert report.state_report(today, today)["determinations"] == 0

    determinations.approve_determination(draft, by=qa_user)

    figures = report.state_report(today, today)
    assert (figures["determinations"], figures["items_upheld"], figures["items_overturned"]) == (1, 1, 1)
    assert figures["cases_partially_overturned"] == 1
    assert figures["by_category"] == {"Therapies": {"upheld": 1, "overturned": 1}}
    assert figures["days_from_application"] == {"median": 9.0, "p90": 9.0}
    qa = DailyFigure.objects.filter(day=today, figure="qa_reviewed").values_list("count", flat=True)
    assert list(qa) == [1]


def test_an_open_case_leaves_the_queue_when_it_is_withdrawn(reviewer, admin_user):
    case = case_in_review(reviewer, items=1)
    assert sum(QueueCount.objects.filter(status="in_review").values_list("count", flat=True)) == 1

    intake.transition(case, "withdrawn", by=admin_user, note="The employee withdrew the application.")

    assert sum(QueueCount.objects.filter(status="in_review").values_list("count", flat=True)) == 0
    assert sum(QueueCount.objects.values_list("count", flat=True)) == 0
