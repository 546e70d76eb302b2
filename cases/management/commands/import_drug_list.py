"""Import a version of the MTUS Drug List (8 CCR 9792.27.15) from the DWC's spreadsheet saved as CSV.

    python manage.py import_drug_list FILE --list-version 2025-10 --effective 2025-10-01
    python manage.py import_drug_list --starter

``--starter`` loads the portal's starter list (``cases/data/mtus_drug_list_starter.csv``): only the drugs named in
the published IMR letters the project holds, with exempt status and fills to be checked against the DWC's list. It
is a starter list, not the list: import the DWC's spreadsheet as soon as it is at hand.
"""

from datetime import date
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from cases import formulary

STARTER = Path(__file__).resolve().parents[2] / "data" / "mtus_drug_list_starter.csv"
STARTER_VERSION = "starter-2026-12"
STARTER_NOTE = (
    "Starter list: the drugs named in the published IMR letters the portal holds, not the DWC's full list. "
    "Exempt status and fills are to be checked against the DWC's MTUS Drug List; import that list to replace it."
)


class Command(BaseCommand):
    help = "Import a version of the MTUS Drug List from CSV (the DWC spreadsheet's columns), or the starter list."

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="The CSV file (the DWC spreadsheet saved as CSV).")
        parser.add_argument("--list-version", help="The list's version as the DWC names it, e.g. 2025-10.")
        parser.add_argument("--effective", type=date.fromisoformat, help="Effective date, YYYY-MM-DD.")
        parser.add_argument("--note", default="", help="Where the list came from.")
        parser.add_argument("--starter", action="store_true", help="Load the portal's starter list.")

    def handle(self, *args, **options):
        if options["starter"]:
            path, version, effective, note = STARTER, STARTER_VERSION, date(2026, 1, 1), STARTER_NOTE
        else:
            if not (options["file"] and options["list_version"] and options["effective"]):
                raise CommandError("Give the file, --list-version and --effective (or --starter).")
            path, version, effective, note = (
                Path(options["file"]),
                options["list_version"],
                options["effective"],
                options["note"],
            )
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"{path}: {error}") from error
        try:
            imported = formulary.import_list(text, version=version, effective_date=effective, note=note)
        except ValidationError as error:
            raise CommandError(f"{path}: " + "; ".join(error.messages)) from error
        self.stdout.write(f"{imported}: {imported.drugs.count()} drugs.")
