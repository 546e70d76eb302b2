import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from letters import services


class Command(BaseCommand):
    help = (
        "Check a letter file against the signature and the register: authentic and current, authentic but "
        "superseded, altered, or unknown. Exit status 0 only for authentic and current, 1 otherwise."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        try:
            data = file.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error}") from None
        verdict = services.verify_letter_bytes(data)
        self.stdout.write(f"{verdict.label}: {verdict.message}")
        self.stdout.write(f"Signature: {verdict.signature_message}")
        self.stdout.write(f"SHA-256: {verdict.sha256}")
        if not verdict.is_authentic_current:
            sys.exit(1)
