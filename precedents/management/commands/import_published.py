"""``manage.py import_published FILE_OR_FOLDER...``: published IMR decisions (PDF or ``pdftotext -layout`` text) into
the precedent library, each file in its own transaction, with a report per file."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from precedents.importer import import_paths


class Command(BaseCommand):
    help = "Import published IMR decisions (PDF or text; files or folders) into the precedent library."

    def add_arguments(self, parser):
        parser.add_argument("sources", nargs="+", type=Path, help="letter files (.pdf, .txt) or folders of them")
        parser.add_argument("--details", action="store_true", help="list what was read from each file")

    def handle(self, *args, sources, details, **options):
        missing = [str(source) for source in sources if not source.exists()]
        if missing:
            raise CommandError(f"No such file or folder: {', '.join(missing)}")
        reports = import_paths(sources)
        if not reports:
            raise CommandError("No .pdf or .txt letter in the folders given.")
        for report in reports:
            style = (
                self.style.SUCCESS
                if report.status == "imported"
                else (self.style.ERROR if report.status == "refused" else self.style.WARNING)
            )
            self.stdout.write(style(report.summary()))
            if details or report.status == "refused":
                for line in report.read:
                    self.stdout.write(f"    read: {line}")
            for line in report.missing:
                self.stdout.write(f"    not found: {line}")
        counts = {
            status: sum(report.status == status for report in reports)
            for status in ("imported", "linked", "unchanged", "refused")
        }
        self.stdout.write(
            f"{len(reports)} files: {counts['imported']} imported, {counts['linked']} linked, "
            f"{counts['unchanged']} unchanged, {counts['refused']} not imported"
        )
        if counts["refused"]:
            raise CommandError(f"{counts['refused']} of {len(reports)} files were not imported (see above).")
