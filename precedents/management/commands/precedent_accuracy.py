"""``manage.py precedent_accuracy LETTERS_DIR [-o FILE]``: the importer's accuracy on a folder of published decisions
(``pdf/`` and ``text/`` inside it), as Markdown; nothing stays imported (see ``precedents.accuracy``)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from precedents.accuracy import measure, report


class Command(BaseCommand):
    help = "Measure the precedent importer on published decisions (LETTERS_DIR/pdf against LETTERS_DIR/text)."

    def add_arguments(self, parser):
        parser.add_argument("letters", type=Path, help="a folder holding pdf/ and text/")
        parser.add_argument("-o", "--output", type=Path, help="write the Markdown report here")

    def handle(self, *args, letters, output, **options):
        if not (letters / "pdf").is_dir() or not (letters / "text").is_dir():
            raise CommandError(f"{letters} must hold the folders pdf/ and text/")
        command = "python manage.py precedent_accuracy ../shared/imr/letters -o docs/precedent-accuracy.md"
        text = report(measure(letters), command)
        if output:
            output.write_text(text, encoding="utf-8")
            self.stdout.write(f"Report written to {output}")
        else:
            self.stdout.write(text)
