"""``manage.py imr_report --from YYYY-MM-DD --to YYYY-MM-DD --format json [--historical]``: the state's report."""

import csv
import datetime
import json

from django.core.management.base import BaseCommand, CommandError

from operations import report


def _day(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"{value!r} is not a date: write it YYYY-MM-DD (2025-01-31).") from error


class Command(BaseCommand):
    help = "The figures the state publishes (applications, eligibility, determinations, outcomes, the two ages)."

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="start", required=True, help="First day, YYYY-MM-DD.")
        parser.add_argument("--to", dest="end", required=True, help="Last day (included), YYYY-MM-DD.")
        parser.add_argument("--format", choices=["json", "csv"], default="json")
        parser.add_argument(
            "--historical", action="store_true", help="Count imported cases decided elsewhere (closed historical) too."
        )

    def handle(self, *args, start, end, format, historical, **options):
        start, end = _day(start), _day(end)
        if end < start:
            raise CommandError(f"--to {end} is before --from {start}.")
        figures = report.state_report(start, end, historical=historical)
        if format == "json":
            self.stdout.write(json.dumps(figures, indent=2))
            return
        writer = csv.writer(self.stdout)
        writer.writerow(["Figure", "Value"])
        writer.writerows(report.report_rows(figures))
