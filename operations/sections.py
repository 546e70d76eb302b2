"""A figure as the pages show it: a table (its columns and rows, which the CSV repeats) and, where people would rather
look than read, the chart drawn from the same rows (``static/js/operations-charts.js`` reads ``chart``)."""

import csv
from collections.abc import Iterable
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

    def chart_from_columns(self, kind: str, *, first: int = 1, stacked: bool = False) -> "Section":
        """Chart the columns from ``first`` on against the first column (the labels)."""
        self.chart = {
            "type": kind,
            "stacked": stacked,
            "labels": [str(row[0]) for row in self.rows],
            "datasets": [
                {"label": column, "data": [row[index] for row in self.rows]}
                for index, column in enumerate(self.columns[first:], start=first)
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
    lower = upper = None
    seen = 0
    for value, count in points:
        if lower is None and lower_rank < seen + count:
            lower = value
        if upper_rank < seen + count:
            upper = value
            break
        seen += count
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
