"""``migrate`` as the owner of the tables when DATABASE_OWNER_URL is set: the application's role may not create or
alter tables (audit.roles); the owner's run ends by granting it what it needs (``post_migrate``)."""

from django.conf import settings
from django.core.management.commands.migrate import Command as MigrateCommand
from django.db import DEFAULT_DB_ALIAS

from audit.roles import connect_as_owner


class Command(MigrateCommand):
    def handle(self, *args, **options):
        if settings.DATABASE_OWNER and options["database"] == DEFAULT_DB_ALIAS:
            connect_as_owner()
        return super().handle(*args, **options)
