"""The clock's actions on a case (records checklist, proceeding on records in hand, track) and the late-records
report. Thin: each validates a form and calls a service (``cases.services.records``, ``cases.services.tracks``)."""

import csv
from functools import partial
from itertools import islice

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from audit import log
from cases.clock import TRACK_RULES
from cases.forms_clock import AppealForm, AuthorizationForm, ProceedForm, RecordsDocumentForm, RescindForm, TrackForm
from cases.models import Case, RecordsDocument
from cases.permissions import case_view, visible_cases
from cases.selectors import CappedPaginator
from cases.services import appeals, records, tracks
from core.dates import Month
from core.permissions import permission_required


def _problems(form) -> str:
    return " ".join(
        f"{form[name].label if name in form.fields else ''}: {' '.join(errors)}".lstrip(": ")
        for name, errors in form.errors.items()
    )


def _run(request: HttpRequest, case: Case, action, success: str) -> HttpResponse:
    try:
        action()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, success)
    return redirect(case)


@require_POST
@case_view("cases.edit_intake")
def records_document(request: HttpRequest, case: Case) -> HttpResponse:
    form = RecordsDocumentForm(request.POST)
    if not form.is_valid():
        messages.error(request, f"Not recorded. {_problems(form)}")
        return redirect(case)
    data = form.cleaned_data
    label = RecordsDocument.Kind(data["kind"]).label
    return _run(
        request,
        case,
        partial(
            records.record_document,
            case,
            data["kind"],
            received_on=data["received_on"],
            received_from=data["received_from"],
            note=data["note"],
            by=request.user,
        ),
        f"Recorded: {label}.",
    )


@require_POST
@case_view("cases.edit_intake")
def records_proceed(request: HttpRequest, case: Case) -> HttpResponse:
    form = ProceedForm(request.POST)
    if not form.is_valid():
        messages.error(request, f"Not done. {_problems(form)}")
        return redirect(case)
    return _run(
        request,
        case,
        partial(records.proceed_on_records_in_hand, case, by=request.user, reason=form.cleaned_data["reason"]),
        "The review proceeds on the records in hand; the clock starts today.",
    )


@require_POST
@case_view("cases.edit_intake")
def case_track(request: HttpRequest, case: Case) -> HttpResponse:
    form = TrackForm(request.POST)
    if not form.is_valid():
        messages.error(request, f"The track was not changed. {_problems(form)}")
        return redirect(case)
    data = form.cleaned_data
    if data["action"] == "expedite":
        action = partial(tracks.convert_to_expedited, case, by=request.user, reason=data["reason"], on=data["on"])
        return _run(request, case, action, f"Case {case.case_number} is now expedited.")
    action = partial(tracks.set_track, case, data["track"], by=request.user, reason=data["reason"])
    return _run(request, case, action, "Track set.")


@require_POST
@case_view("cases.edit_intake")
def appeal_record(request: HttpRequest, case: Case) -> HttpResponse:
    form = AppealForm(request.POST)
    if not form.is_valid():
        messages.error(request, f"The appeal was not recorded. {_problems(form)}")
        return redirect(case)
    try:
        appeals.record_appeal(case, by=request.user, **form.cleaned_data)
    except ValidationError as error:
        # A field's error (no service recorded for a blank date) is named by the field's label, as the form's are.
        if hasattr(error, "error_dict"):
            form.add_error(None, error)
        else:
            form.add_error(None, error.messages)
        messages.error(request, f"The appeal was not recorded. {_problems(form)}")
    else:
        messages.success(request, "Appeal recorded.")
    return redirect(case)


@require_POST
@case_view("cases.edit_intake")
def appeal_rescind(request: HttpRequest, case: Case) -> HttpResponse:
    form = RescindForm(request.POST)
    appeal = case.appeals.filter(pk=form.cleaned_data["appeal"]).first() if form.is_valid() else None
    if appeal is None:
        messages.error(request, f"Nothing reopened. {_problems(form) or 'No such appeal of this case.'}")
        return redirect(case)
    action = partial(appeals.rescind_and_reopen, appeal, on=form.cleaned_data["on"], by=request.user)
    return _run(request, case, action, f"Case {case.case_number} reopened for a new review by a different reviewer.")


@require_POST
@case_view("cases.edit_intake")
def item_authorization(request: HttpRequest, case: Case) -> HttpResponse:
    form = AuthorizationForm(request.POST)
    item = case.items.filter(pk=form.cleaned_data["item"]).first() if form.is_valid() else None
    if item is None:
        messages.error(request, f"Not recorded. {_problems(form) or 'No such item of this case.'}")
        return redirect(case)
    action = partial(appeals.record_authorization, item, on=form.cleaned_data["on"], by=request.user)
    return _run(request, case, action, "Authorization recorded.")


CSV_HEADER = [
    "case_number",
    "claims_administrator",
    "claim_number",
    "track",
    "records_requested",
    "request_method",
    "records_due",
    "records_complete",
    "days_late",
    *[f"{kind}_received" for kind in RecordsDocument.Kind.values],
    *[f"{kind}_from" for kind in RecordsDocument.Kind.values],
]


# Cases on a page of the late-records report, as on the portal's other lists.
PAGE_SIZE = 50
# Cases of the CSV read at a time (with their checklists): a month's download holds no more than this in memory.
CSV_CHUNK = 2000


def _csv(period: Month, late: QuerySet) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="late-records-{period.key}.csv"'
    response["Cache-Control"] = "private, no-store"
    writer = csv.writer(response)
    writer.writerow(CSV_HEADER)
    cases = late.select_related("claims_administrator").iterator(chunk_size=CSV_CHUNK)
    while chunk := list(islice(cases, CSV_CHUNK)):
        for row in records.late_rows(chunk):
            case = row.case
            writer.writerow(
                [
                    case.case_number,
                    row.claims_administrator,
                    case.claim_number,
                    case.track,
                    case.records_requested.isoformat() if case.records_requested else "",
                    case.records_request_method,
                    row.due.isoformat(),
                    case.records_received.isoformat() if case.records_received else "",
                    row.days_late,
                    *[line.received_on.isoformat() if line and line.received_on else "" for line in row.lines],
                    *[line.received_from if line else "" for line in row.lines],
                ]
            )
    return response


@permission_required("cases.edit_intake")
def late_records_report(request: HttpRequest) -> HttpResponse:
    """The cases whose records fell due in a month (``?month=YYYY-MM``, the current month by default) and came, or
    are awaited, after that day: what was asked, when, what arrived and when, 50 a page; the month's totals and, per
    claims administrator, the late cases and days. The month's CSV with ``?format=csv``."""
    try:
        period = records.report_month(request.GET.get("month"))
    except ValidationError as error:
        context = {"problem": " ".join(error.messages), "kinds": RecordsDocument.Kind.choices}
        return render(request, "cases/late_records.html", context, status=400)
    late = records.late_records(visible_cases(request.user), period)
    totals = records.late_totals(late)
    log.record(request, object_type="late_records_report", month=period.key, cases=totals.cases)
    if request.GET.get("format") == "csv":
        return _csv(period, late)
    # The page's cases found by number in the index alone (however deep the page), then those 50 read.
    page = CappedPaginator(late.values_list("pk", flat=True), PAGE_SIZE).get_page(request.GET.get("page"))
    shown = late.filter(pk__in=list(page.object_list)).select_related("claims_administrator")
    return render(
        request,
        "cases/late_records.html",
        {
            "period": period,
            "page": page,
            "rows": records.late_rows(shown),
            "totals": totals,
            "kinds": RecordsDocument.Kind.choices,
            "per_administrator": totals.per_administrator,
        },
    )


def clock_panel(case: Case, *, can_edit: bool) -> dict:
    """What the case page's clock section shows: the track and its rule, both ages, the records chase."""
    return {
        "rule": TRACK_RULES[case.track],
        "checklist": records.checklist(case) if can_edit and case.records_requested else [],
        "days_late": records.days_late(case),
        "can_edit": can_edit,
        "can_proceed": can_edit and case.records_requested is not None and case.records_received is None,
        "track_form": TrackForm() if can_edit else None,
        "after_decision": appeals.after_decision(case) if case.is_decided or case.reopened_on else None,
        "appeal_form": AppealForm() if can_edit and case.status == "served" else None,
    }
