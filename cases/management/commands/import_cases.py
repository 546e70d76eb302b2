import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cases.interchange import InterchangeError, import_document, load_document


class Command(BaseCommand):
    # call_command("import_cases", "-", stdin=...) reads that stream instead of the process's standard input.
    stealth_options = ("stdin",)
    help = "Import cases from an imr-case/1 JSON document, all or nothing. Every error is printed with its JSON path."

    def add_arguments(self, parser):
        parser.add_argument("file", help="the JSON document, or - for standard input")
        parser.add_argument(
            "--update", action="store_true", help="replace cases whose number already exists (refused otherwise)"
        )

    def handle(self, *args, file: str, update: bool, **options):
        try:
            if file == "-":
                stream = options.get("stdin") or sys.stdin
                raw = stream.buffer.read() if hasattr(stream, "buffer") else stream.read()
            else:
                raw = Path(file).read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}.") from None
        try:
            result = import_document(load_document(raw), update=update)
        except InterchangeError as error:
            for message in error.errors:
                self.stderr.write(message)
            raise CommandError(
                f"Nothing imported: {len(error.errors)} error{'s' * (len(error.errors) != 1)} in {file}."
            ) from None
        self.stdout.write(self.style.SUCCESS(f"Imported {file}: {result.summary()}"))
