import os

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from devtools.demo import cases, core, guidelines, letters, precedents, reviewers

# Each area seeds its own demo data, in this order. Each seeder is idempotent and takes the demo users.
SEEDERS = [guidelines.seed, reviewers.seed, cases.seed, letters.seed, precedents.seed]


class Command(BaseCommand):
    help = "Load demo users, the guideline library and real published cases. Idempotent; refused in production."

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError("seed_demo is refused under production settings (IMR_ENV=production).")
        password = os.environ.get("DEMO_PASSWORD") or "demo"
        with transaction.atomic():
            users = core.seed(password=password, log=self.stdout.write)
            for seed in SEEDERS:
                seed(users=users, log=self.stdout.write)
        self.stdout.write(self.style.SUCCESS("Demo data ready. Log in at http://127.0.0.1:8000/accounts/login/ as:"))
        for username, *_ in core.DEMO_USERS:
            self.stdout.write(f"  {username:<10} password: {password}")
