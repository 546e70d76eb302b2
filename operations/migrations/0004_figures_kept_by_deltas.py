"""The daily figures kept by each statement's delta (a case's contribution out as it was, in as it is) instead of a
recompute of the days it touched (``operations/sql.py``); the figures counted again once."""

from django.conf import settings
from django.db import migrations

from operations import sql


def install(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(sql.install(settings.TIME_ZONE))


class Migration(migrations.Migration):
    dependencies = [("operations", "0003_quality_sample_and_second_reviews")]

    # Going back keeps the deltas: they keep the same figures as the recompute they replaced.
    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
