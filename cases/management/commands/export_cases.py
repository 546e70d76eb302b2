import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cases.interchange import export_document
from cases.models import Case


class Command(BaseCommand):
    help = "Export cases as an imr-case/1 JSON document (all cases unless --case is given)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--case", action="append", default=[], dest="case_numbers", metavar="CMxx-xxxxxxx", help="repeatable"
        )
        parser.add_argument("-o", "--output", help="the file to write (default: standard output)")

    def handle(self, *args, case_numbers: list[str], output: str | None, **options):
        queryset = Case.objects.all()
        if case_numbers:
            queryset = queryset.filter(case_number__in=case_numbers)
            missing = sorted(set(case_numbers) - set(queryset.values_list("case_number", flat=True)))
            if missing:
                raise CommandError(f"No such case: {', '.join(missing)}.")
        document = export_document(queryset)
        text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
        if output:
            try:
                Path(output).write_text(text, encoding="utf-8")
            except OSError as error:
                raise CommandError(f"Cannot write {output}: {error.strerror}.") from None
            count = len(document["cases"])
            self.stderr.write(f"{count} case{'s' * (count != 1)} written to {output}")
        else:
            self.stdout.write(text, ending="")
