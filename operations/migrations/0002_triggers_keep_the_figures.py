"""The triggers, view and functions of ``operations/sql.py`` (PostgreSQL only), then a first count of everything."""

from django.conf import settings
from django.db import migrations

from operations import sql


def install(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(sql.install(settings.TIME_ZONE))


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(sql.UNINSTALL)


class Migration(migrations.Migration):
    dependencies = [
        ("operations", "0001_figures_tables"),
        ("cases", "0012_clock_tracks_drug_list_records_checklist_appeals"),
    ]

    operations = [migrations.RunPython(install, uninstall)]
