"""Archive and drop the access log's months past retention (``ACCESS_LOG_RETENTION_MONTHS``, six years).

    DATABASE_OWNER_URL=postgres://owner@db/imr python manage.py access_log_retention [--dry-run]

Each month past retention is exported to storage as gzip CSV with a SHA-256 manifest (unless already exported), the
export read back and compared with the month's rows, and only then the partition detached and dropped, with an
``AuditEvent`` (``access_log.month_dropped``). The owner's role only (``audit.retention``): under the application's
role it refuses and changes nothing. A month whose export differs is refused and kept; the others go on.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS

from audit import retention
from audit.roles import connect_as_owner


class Command(BaseCommand):
    help = "Export, verify, then drop the access log's months older than ACCESS_LOG_RETENTION_MONTHS (owner only)."

    def add_arguments(self, parser):
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)
        parser.add_argument("--dry-run", action="store_true", help="List the months past retention; change nothing.")

    def handle(self, *args, database, dry_run, **options):
        if settings.DATABASE_OWNER and database == DEFAULT_DB_ALIAS:
            connect_as_owner()
        try:
            retention.require_owner(database)
        except retention.RetentionError as error:
            raise CommandError(str(error)) from None
        months = retention.expired(using=database)
        limit = retention.cutoff()
        kept = settings.ACCESS_LOG_RETENTION_MONTHS
        self.stdout.write(f"{len(months)} months end before {limit:%Y-%m-%d} (retention {kept} months).")
        refused = []
        for partition in months:
            if dry_run:
                self.stdout.write(f"  would archive and drop {partition.month} ({partition.name})")
                continue
            try:
                manifest = retention.archive_and_drop(partition, using=database)
            except retention.RetentionError as error:
                refused.append(str(error))
                self.stderr.write(f"  kept {partition.month}: {error}")
                continue
            self.stdout.write(
                f"  {partition.month}: {manifest['rows']} rows archived to {manifest['file']} "
                f"(SHA-256 {manifest['file_sha256'][:16]}…), verified, dropped"
            )
        if refused:
            raise CommandError(f"{len(refused)} months kept, not dropped: {' '.join(refused)}")
