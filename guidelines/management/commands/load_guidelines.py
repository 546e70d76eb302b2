import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from guidelines.library_io import LibraryError, load_library


class Command(BaseCommand):
    help = "Load a guideline library file (JSON, format imr-guidelines/1). Idempotent; all or nothing."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="The library file, e.g. guidelines/data/library.json")
        parser.add_argument("--note", default="Imported", help="Note kept on each new section version.")

    def handle(self, *args, file: Path, note: str, **options):
        try:
            data = json.loads(file.read_text(encoding="utf-8"))
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}")
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise CommandError(f"{file} is not JSON: {error}")
        try:
            report = load_library(data, note=note)
        except LibraryError as error:
            raise CommandError(f"{file}: nothing loaded.\n" + "\n".join(error.errors))
        self.stdout.write(self.style.SUCCESS(f"{file}: {report.summary()}"))
