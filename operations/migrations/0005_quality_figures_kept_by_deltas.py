"""The quality program's outliers read from counts kept by quarter, specialty and reviewer (``QualityFigure``) by
statement triggers (``operations/quality_sql.py``, the mechanism of ``0004``) instead of two aggregates over every
approved item decision and every submitted determination; the counts made from the tables once."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from operations import quality_sql


def install(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(quality_sql.install(settings.TIME_ZONE))


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(quality_sql.UNINSTALL)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0012_clock_tracks_drug_list_records_checklist_appeals"),
        ("operations", "0004_figures_kept_by_deltas"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="QualityFigure",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("quarter", models.DateField()),
                ("specialty", models.CharField(blank=True, max_length=200)),
                ("decided", models.BigIntegerField(default=0)),
                ("overturned", models.BigIntegerField(default=0)),
                ("submitted", models.BigIntegerField(default=0)),
                ("returned", models.BigIntegerField(default=0)),
                (
                    "reviewer",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(fields=("quarter", "specialty", "reviewer"), name="quality_figure_key")
                ],
            },
        ),
        migrations.RunPython(install, uninstall),
    ]
