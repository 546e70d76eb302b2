"""The quality program's outliers read from counts kept by quarter, specialty and reviewer (``QualityFigure``) by
statement triggers (``operations/quality_sql.py``, the mechanism of ``0004``) instead of two aggregates over every
approved item decision and every submitted determination; the items' outcomes summed by year too
(``YearlyOutcome``, kept by ``0004``'s deltas, ``operations/sql.py``); every figure counted from the tables once."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from operations import quality_sql, sql


def install(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(sql.install(settings.TIME_ZONE))
        schema_editor.execute(quality_sql.install(settings.TIME_ZONE))


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(quality_sql.UNINSTALL)
        # ``0004``'s functions write the yearly sums: without them until ``0004`` is unapplied too.
        schema_editor.execute(sql.UNINSTALL)


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
        migrations.CreateModel(
            name="YearlyOutcome",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("year", models.DateField()),
                ("historical", models.BooleanField(default=False)),
                ("dimension", models.CharField(max_length=24)),
                ("key", models.CharField(blank=True, max_length=300)),
                ("upheld", models.BigIntegerField(default=0)),
                ("overturned", models.BigIntegerField(default=0)),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(fields=("year", "historical", "dimension", "key"), name="yearly_outcome_key")
                ],
            },
        ),
        migrations.RunPython(install, uninstall),
    ]
