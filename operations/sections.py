"""A figure as the pages show it: a table (its columns and rows, which the CSV repeats) and, where people would rather
look than read, the chart drawn from the same rows (``static/js/operations-charts.js`` reads ``chart``)."""

import csv
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.http import HttpResponse


@dataclass
class Section:
    key: str
    title: str
    columns: list[str]
    rows: list[list]
    # {"type": "bar" | "line", "labels": [...], "datasets": [{"label": ..., "data": [...]}], "stacked": bool}
    chart: dict | None = None
    note: str = ""
    extra: dict = field(default_factory=dict)

    def chart_from_columns(
        self,
        kind: str,
        *,
        stacked: bool = False,
        datasets: int | None = None,
        horizontal: bool = False,
        points: int | None = None,
        label: Callable[[str], str] = str,
    ) -> "Section":
        """Chart the columns after the first (the first ``datasets`` of them) against the first column (the labels):
        the first ``points`` rows, each label passed through ``label``."""
        rows = self.rows[:points]
        self.chart = {
            "type": kind,
            "stacked": stacked,
            "horizontal": horizontal,
            "labels": [label(str(row[0])) for row in rows],
            "datasets": [
                {"label": column, "data": [row[index] for row in rows]}
                for index, column in enumerate(self.columns[1:][:datasets], start=1)
            ],
        }
        return self


def percentile(histogram: Iterable[tuple[int, int]], fraction: float) -> float | None:
    """The ``fraction`` quantile of the values a histogram ``(value, count)`` counts, interpolated between the two
    nearest ranks (PostgreSQL's ``percentile_cont``; the median of an even count is the mean of the middle two)."""
    points = sorted((value, count) for value, count in histogram if count > 0)
    total = sum(count for _, count in points)
    if total == 0:
        return None
    position = fraction * (total - 1)
    lower_rank, upper_rank = int(position), min(int(position) + 1, total - 1)
    lower: int | None = None
    upper: int | None = None
    seen = 0
    for value, count in points:
        if lower is None and lower_rank < seen + count:
            lower = value
        if upper_rank < seen + count:
            upper = value
            break
        seen += count
    assert lower is not None and upper is not None  # both ranks are below ``total``
    return round(lower + (upper - lower) * (position - lower_rank), 1)


def ages(histogram: Iterable[tuple[int, int]]) -> dict:
    points = list(histogram)
    return {"median": percentile(points, 0.5), "p90": percentile(points, 0.9)}


def csv_response(filename: str, columns: list[str], rows: Iterable[list]) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    writer.writerow(columns)
    writer.writerows(rows)
    return response
