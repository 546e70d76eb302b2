"""The organization's figures: the dashboard, the outcomes and the state's report, each with its CSV (and the report
as JSON). Administrators and the medical director (rule ``operations.view_figures``); every read is in the access
log, as every other protected list is."""

import datetime

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from audit import log
from core.categories import category_label
from core.permissions import allowed, permission_required
from operations import dashboard as dashboard_figures
from operations import report
from operations.forms import OutcomesForm, PeriodForm
from operations.sections import Section, csv_response


def _names(request: HttpRequest) -> bool:
    return allowed(request.user, "core.see_reviewer_names")


@require_GET
@never_cache
@permission_required("operations.view_figures")
def dashboard(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    wanted = request.GET.get("csv")
    # The page's long tables cut by the database; a CSV has every row.
    sections = dashboard_figures.dashboard(today, names=_names(request), limit=None if wanted else PAGE_ROWS)
    log.record(request, object_type="operations_dashboard", section=wanted or "")
    if wanted:
        section = next((section for section in sections if section.key == wanted), None)
        if section is None:
            raise Http404("No such figure on the dashboard.")
        return csv_response(f"{section.key}-{today:%Y-%m-%d}.csv", section.columns, section.rows)
    for section in sections:  # claims administrators with records outstanding: the first on the page, all in the CSV
        if len(section.rows) > PAGE_ROWS:
            section.note = f"The first {PAGE_ROWS} of {len(section.rows)}; all of them are in the CSV."
            section.rows = section.rows[:PAGE_ROWS]
    charts = {section.key: section.chart for section in sections if section.chart}
    return render(request, "operations/dashboard.html", {"sections": sections, "charts": charts, "today": today})


def _short(label: str, limit: int = 32) -> str:
    """A chart's label (the table beside it has the whole)."""
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


PAGE_ROWS = 50


def _outcome_sections(tables: dict[str, list[list]], counts: dict[str, int]) -> list[Section]:
    sections = []
    for dimension, rows in tables.items():
        section = Section(dimension, f"By {report.DIMENSIONS[dimension].lower()}", report.OUTCOME_COLUMNS, rows)
        section.columns = [report.DIMENSIONS[dimension]] + report.OUTCOME_COLUMNS[1:]
        # The chart shows the 15 with most decisions, the page's table the 50 first; the CSV has them all.
        section.chart_from_columns("bar", stacked=True, datasets=2, horizontal=True, points=15, label=_short)
        if counts.get(dimension, len(rows)) > PAGE_ROWS:
            section.note = f"The {PAGE_ROWS} with most decisions of {counts[dimension]}; all of them are in the CSV."
        sections.append(section)
    return sections


@require_GET
@never_cache
@permission_required("operations.view_figures")
def outcomes(request: HttpRequest) -> HttpResponse:
    form = OutcomesForm(request.GET)
    sections: list[Section] = []
    as_csv = request.GET.get("format") == "csv"
    if form.is_valid():
        data = form.cleaned_data
        dimensions = [data["dimension"]] if data["dimension"] else list(report.DIMENSIONS)
        counts: dict[str, int] = {}
        tables = report.outcomes(
            data["start"],
            data["end"],
            dimensions=dimensions,
            historical=data["historical"],
            names=_names(request),
            limit=None if as_csv else PAGE_ROWS,  # the page names only the rows it shows; the CSV has them all
            counts=counts,
        )
        sections = _outcome_sections(tables, counts)
    log.record(request, object_type="operations_outcomes", valid=form.is_valid())
    if form.is_valid() and as_csv:
        rows = [[section.columns[0], *row] for section in sections for row in section.rows]
        name = f"outcomes-{data['start']:%Y-%m-%d}-{data['end']:%Y-%m-%d}.csv"
        return csv_response(name, ["Breakdown", "Value", *report.OUTCOME_COLUMNS[1:]], rows)
    for section in sections:
        section.rows = section.rows[:PAGE_ROWS]
    charts = {section.key: section.chart for section in sections}
    status = 200 if form.is_valid() else 400
    return render(
        request, "operations/outcomes.html", {"form": form, "sections": sections, "charts": charts}, status=status
    )


def _quick_periods(today: datetime.date) -> list[tuple[str, datetime.date, datetime.date]]:
    first = today.replace(day=1)
    last_month_end = first - datetime.timedelta(days=1)
    return [
        ("This month", first, today),
        ("Last month", last_month_end.replace(day=1), last_month_end),
        ("This year", today.replace(month=1, day=1), today),
        ("Last year", datetime.date(today.year - 1, 1, 1), datetime.date(today.year - 1, 12, 31)),
    ]


@require_GET
@never_cache
@permission_required("operations.view_figures")
def state_report(request: HttpRequest) -> HttpResponse:
    form = PeriodForm(request.GET)
    figures = None
    if form.is_valid():
        data = form.cleaned_data
        figures = report.state_report(data["start"], data["end"], historical=data["historical"])
    wanted = request.GET.get("format", "")
    log.record(request, object_type="operations_state_report", format=wanted)
    if figures is not None and wanted == "json":
        return JsonResponse(figures)
    if figures is not None and wanted == "csv":
        name = f"imr-report-{data['start']:%Y-%m-%d}-{data['end']:%Y-%m-%d}.csv"
        return csv_response(name, ["Figure", "Value"], report.report_rows(figures))
    categories = [
        (category_label(category), counts["upheld"], counts["overturned"])
        for category, counts in (figures or {}).get("by_category", {}).items()
    ]
    context = {
        "form": form,
        "figures": figures,
        "rows": report.report_rows(figures) if figures else [],
        "categories": categories,
        "periods": _quick_periods(timezone.localdate()),
    }
    return render(request, "operations/state_report.html", context, status=200 if form.is_valid() else 400)
