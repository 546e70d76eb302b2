import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand

from guidelines.library_io import export_library


class Command(BaseCommand):
    help = "Write the guideline library as JSON (format imr-guidelines/1), to a file or to standard output."

    def add_arguments(self, parser):
        parser.add_argument("-o", "--output", type=Path, help="The file to write; standard output if omitted.")

    def handle(self, *args, output: Path | None, **options):
        text = json.dumps(export_library(), indent=2, ensure_ascii=False) + "\n"
        if output is None:
            sys.stdout.write(text)
            return
        output.write_text(text, encoding="utf-8")
        self.stderr.write(self.style.SUCCESS(f"Library written to {output}"))
