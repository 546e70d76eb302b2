import sys

from django.core.management.base import BaseCommand

from cases import date_rules
from cases.models import Case


class Command(BaseCommand):
    help = (
        "List the stored cases whose dates break the portal's date rules (cases/date_rules.py: a year before 1900, a "
        "date after today, injury ≤ UR determination ≤ application received ≤ assignment, records received ≥ "
        "requested, an open case more than a year overdue): one line per problem with the case number, the field and "
        "the rule. Exits with status 1 when any case breaks a rule (0 with --exit-zero), so that a scheduled run can "
        "alert; what older versions let through (two-digit years stored as 00YY) is found this way."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--exit-zero", action="store_true", help="exit with status 0 even when problems are found (list only)"
        )

    def handle(self, *args, exit_zero: bool, **options):
        rows = (
            Case.objects.order_by("case_number")
            .values("case_number", "status", "priority", *date_rules.LABELS)
            .iterator(chunk_size=2000)
        )
        cases = broken = problems = 0
        for row in rows:
            cases += 1
            found = date_rules.problems(
                {field: row[field] for field in date_rules.LABELS}, status=row["status"], priority=row["priority"]
            )
            broken += bool(found)
            problems += len(found)
            for problem in found:
                self.stdout.write(f"{row['case_number']}  {problem.field}  {problem.rule}  {problem.message}")
        if broken:
            self.stdout.write(
                f"{broken} case{'s' * (broken != 1)} of {cases} break{'s' * (broken == 1)} a date rule "
                f"({problems} problem{'s' * (problems != 1)})."
            )
            if not exit_zero:
                sys.exit(1)
        else:
            self.stdout.write(f"No case of {cases} breaks a date rule.")
