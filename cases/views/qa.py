"""Clinical QA: the queue of submitted determinations, the review page (the determination beside the records, comments
per item, return or approve, wording edits) and every version compared word by word."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Exists, F, OuterRef, Prefetch, QuerySet, prefetch_related_objects
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from audit import log
from cases import comparison
from cases.lifecycle import Status
from cases.models import Case, Determination, ItemDecision
from cases.permissions import case_view, visible_cases
from cases.selectors import CappedPaginator
from cases.services import determinations
from core.permissions import permission_required

QUEUE_LIMIT = 100


@require_GET
@permission_required("cases.review_determination")
def qa_queue(request: HttpRequest) -> HttpResponse:
    """Determinations waiting for clinical QA, oldest submission first."""
    waiting = visible_cases(request.user).filter(status=Status.QA)
    cases = oldest_waiting(waiting, QUEUE_LIMIT)
    submitted = Determination.objects.filter(state=Determination.State.SUBMITTED).select_related("author")
    prefetch_related_objects(cases, Prefetch("determinations", submitted, to_attr="submitted"))
    rows = [(case, case.submitted[0] if case.submitted else None) for case in cases]
    log.record_cases(request, (case for case, _ in rows))
    # The count of cases waiting stops at the lists' cap ("5000 or more"), as the case list's does.
    counted = CappedPaginator(waiting, QUEUE_LIMIT)
    total = counted.count
    return render(request, "cases/qa_queue.html", {"rows": rows, "total": total, "total_capped": counted.capped})


def oldest_waiting(waiting: QuerySet, limit: int) -> list[Any]:
    """The `limit` cases of `waiting` (cases in QA) that have waited longest, each with ``waiting_since``: since the
    submission of its latest submitted determination, or, for a case in QA without one, since it last changed.

    Two walks that stop after `limit` rows, whatever the number of cases waiting: the submitted determinations by
    submission time (index ``determination_submitted``), then the cases in QA without a submitted determination by
    their last change (index ``case_qa_updated``), only as far as the first walk's last time (none later can be among
    the oldest `limit`). Sorting every case in QA by a subquery instead took 0.6–0.8 s at 1,000,000 cases."""
    submitted = Determination.objects.filter(case=OuterRef("pk"), state=Determination.State.SUBMITTED)
    latest: dict[int, Any] = {}  # cases annotated with waiting_since and submitted_version
    with _one_process_plan():
        first_walk = list(
            waiting.filter(determinations__state=Determination.State.SUBMITTED)
            .annotate(waiting_since=F("determinations__submitted_at"), submitted_version=F("determinations__version"))
            .order_by("waiting_since", "pk")[:limit]
        )
    for case in first_walk:
        # A case with two submitted versions (not made by the portal) waits since the latest one's submission.
        if case.pk not in latest or case.submitted_version > latest[case.pk].submitted_version:
            latest[case.pk] = case
    without = waiting.exclude(Exists(submitted))
    if len(latest) == limit:
        without = without.filter(updated_at__lte=max(case.waiting_since for case in latest.values()))
    # The second walk reads only the cases' ids and times: from case_qa_updated, each case checked in
    # determination_submitted_case (cases/migrations/0019), neither touching a case's row; only the cases found are
    # read. Walking the rows, every case in QA up to the first walk's last time was read (2,545 at 1,000,000 cases,
    # generated data), to find none.
    oldest_without = without.order_by("updated_at", "pk").values("pk")[:limit]
    without_rows = waiting.filter(pk__in=oldest_without).annotate(waiting_since=F("updated_at")).order_by()
    found = [*latest.values(), *without_rows]
    return sorted(found, key=lambda case: (case.waiting_since, case.pk))[:limit]


@contextmanager
def _one_process_plan() -> Iterator[None]:
    """Queries run inside without PostgreSQL's parallel workers. The first walk stops after `limit` rows, but the
    planner expects few submitted determinations to be on cases in QA (it multiplies the two conditions' shares; nearly
    all are), so it planned two parallel workers to find them: 45 ms at 1,000,000 cases where one process takes 9 ms."""
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")  # until the end of this transaction
        yield


def _versions(case: Case) -> list[Determination]:
    return list(
        case.determinations.select_related("author", "qa_by", "saved_by").prefetch_related(
            Prefetch("decisions", ItemDecision.objects.select_related("item"))
        )
    )


def _qa_queryset():
    return Case.objects.prefetch_related("items", "documents")


@require_http_methods(["GET", "POST"])
@case_view("cases.review_determination", queryset=_qa_queryset)
def qa_review(request: HttpRequest, case: Case) -> HttpResponse:
    """The submitted determination beside the records; QA returns it with comments or approves it."""
    versions = _versions(case)
    submitted = next((v for v in versions if v.state == Determination.State.SUBMITTED), None)
    if request.method == "POST":
        if submitted is None:
            messages.error(request, "There is no submitted determination to review on this case.")
            return redirect("cases:qa_review", case.case_number)
        submitted.case = case
        action = request.POST.get("action")
        rows = list(submitted.decisions.all())
        try:
            if action == "return":
                determinations.return_determination(
                    submitted,
                    by=request.user,
                    comment=request.POST.get("comment", ""),
                    item_comments={row.item_id: request.POST.get(f"comment-{row.item_id}", "") for row in rows},
                )
                messages.success(request, f"{case.case_number} returned to the reviewer with your comments.")
                return redirect("cases:qa_queue")
            if action == "approve":
                edits = {
                    "summary": request.POST.get("summary", submitted.clinical_case_summary).replace("\r\n", "\n"),
                    "rationales": {
                        row.item_id: request.POST.get(f"rationale-{row.item_id}", row.rationale).replace("\r\n", "\n")
                        for row in rows
                    },
                }
                approved = determinations.approve_determination(submitted, by=request.user, edits=edits)
                note = " with wording edits (a new version)" if approved.pk != submitted.pk else ""
                messages.success(request, f"{case.case_number} approved{note}: the case is determined.")
                return redirect("cases:qa_queue")
            messages.error(request, "Choose Return or Approve.")
        except ValidationError as error:
            messages.error(request, "Not done: " + " ".join(error.messages))
        return redirect("cases:qa_review", case.case_number)
    pairs = list(zip(versions, versions[1:], strict=False))
    return render(
        request,
        "cases/qa_review.html",
        {
            "case": case,
            "determination": submitted or (versions[-1] if versions else None),
            "submitted": submitted,
            "versions": versions,
            "comparisons": [comparison.compare(older, newer) for older, newer in reversed(pairs)],
            "documents": case.documents.all(),
        },
    )
