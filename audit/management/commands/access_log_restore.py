"""Load one exported month of the access log back from storage (``audit.retention``; the owner's role only).

    DATABASE_OWNER_URL=postgres://owner@db/imr python manage.py access_log_restore 2020-11

The export is read back and checked against its manifest first; a month that has rows in the database is refused.
Its rows keep their ids and times; the next retention run archives it again (its export is verified, not rewritten).
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS

from audit import retention
from audit.partitions import parse_month
from audit.roles import connect_as_owner


class Command(BaseCommand):
    help = "Restore one exported month of the access log (YYYY-MM) from storage (owner only)."

    def add_arguments(self, parser):
        parser.add_argument("month", help="The month, YYYY-MM.")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, month, database, **options):
        try:
            start = parse_month(month)
        except ValueError as error:
            raise CommandError(str(error)) from None
        if settings.DATABASE_OWNER and database == DEFAULT_DB_ALIAS:
            connect_as_owner()
        try:
            manifest = retention.restore(start, using=database)
        except retention.RetentionError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"{manifest['month']}: {manifest['rows']} rows restored from {manifest['file']}.")
