import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cases.interchange import InterchangeError, import_stream


class Command(BaseCommand):
    # call_command("import_cases", "-", stdin=...) reads that stream instead of the process's standard input.
    stealth_options = ("stdin",)
    help = "Import cases from an imr-case/1 JSON document, all or nothing. Every error is printed with its JSON path."

    def add_arguments(self, parser):
        parser.add_argument("file", help="the JSON document, or - for standard input")
        parser.add_argument(
            "--update",
            action="store_true",
            help=(
                "replace cases whose number already exists (refused otherwise) while nobody has worked on them: a case "
                "with an assignment, a determination written in the portal or a letter is refused"
            ),
        )

    def handle(self, *args, file: str, update: bool, **options):
        # The document is read as a stream (cases.interchange): a file of any size takes the same memory.
        try:
            stream = (options.get("stdin") or sys.stdin) if file == "-" else Path(file).open("rb")  # noqa: SIM115
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}.") from None
        try:
            result = import_stream(stream, update=update)
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}.") from None
        except InterchangeError as error:
            for message in error.errors:
                self.stderr.write(message)
            raise CommandError(
                f"Nothing imported: {len(error.errors)} error{'s' * (len(error.errors) != 1)} in {file}."
            ) from None
        finally:
            if file != "-":
                stream.close()
        self.stdout.write(self.style.SUCCESS(f"Imported {file}: {result.summary()}"))
