import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from devtools.generate import generate


class Command(BaseCommand):
    help = (
        "Make N realistic cases varied from the real published ones (parties, items, documents with page texts, "
        "drafts, determinations, letters, every state), written with COPY on PostgreSQL. Refused in production."
    )

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, required=True, help="how many cases to make")
        parser.add_argument("--seed", type=int, default=1, help="random seed (same seed, same cases)")
        parser.add_argument(
            "--items-per-case",
            type=float,
            default=10.0,
            help="mean disputed items per case (default 10; the published cases average 2.1)",
        )

    def handle(self, *args, count: int, seed: int, items_per_case: float, **options):
        if settings.PRODUCTION:
            raise CommandError("generate_cases is refused under production settings (IMR_ENV=production).")
        if count < 1:
            raise CommandError("--count must be at least 1.")
        started = time.perf_counter()
        result = generate(count, seed=seed, items_per_case=items_per_case)
        elapsed = time.perf_counter() - started
        rows = ", ".join(f"{name} {number:,}" for name, number in result.rows.items())
        self.stdout.write(rows)
        if options["verbosity"] > 1:
            spent = ", ".join(f"{what} {seconds:.2f}" for what, seconds in result.seconds.items())
            self.stdout.write(f"Seconds: {spent}; {result.indexes_rebuilt} indexes dropped and made again.")
        self.stdout.write(
            self.style.SUCCESS(
                f"Generated {result.cases:,} cases in {elapsed:.1f} s ({result.cases / elapsed:,.0f} cases/s)."
            )
        )
