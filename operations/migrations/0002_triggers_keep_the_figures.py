"""The triggers, view and functions of ``operations/sql.py`` (PostgreSQL only), then a first count of everything.

Superseded by ``0004``, which installs today's ``operations/sql.py`` (it reads a table made there): a database that
applied this one keeps it; a new database installs nothing here."""

from django.db import migrations

from operations import sql


def install(apps, schema_editor):
    """Nothing: ``0004`` installs the triggers."""


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(sql.UNINSTALL)


class Migration(migrations.Migration):
    dependencies = [
        ("operations", "0001_figures_tables"),
        ("cases", "0012_clock_tracks_drug_list_records_checklist_appeals"),
    ]

    operations = [migrations.RunPython(install, uninstall)]
