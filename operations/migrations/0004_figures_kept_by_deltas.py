"""The daily figures kept by each statement's delta (a case's contribution out as it was, in as it is) instead of a
recompute of the days it touched, and the items' outcomes summed by month too (``operations/sql.py``); the figures
counted again once."""

from django.conf import settings
from django.db import migrations, models

from operations import sql


def install(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        # Counted by ``0005``, whose table the functions installed here write too.
        schema_editor.execute(sql.install(settings.TIME_ZONE, count_again=False))


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(sql.UNINSTALL)


class Migration(migrations.Migration):
    dependencies = [("operations", "0003_quality_sample_and_second_reviews")]

    operations = [
        migrations.CreateModel(
            name="MonthlyOutcome",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("month", models.DateField()),
                ("historical", models.BooleanField(default=False)),
                ("dimension", models.CharField(max_length=24)),
                ("key", models.CharField(blank=True, max_length=300)),
                ("upheld", models.BigIntegerField(default=0)),
                ("overturned", models.BigIntegerField(default=0)),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("month", "historical", "dimension", "key"), name="monthly_outcome_key"
                    )
                ],
            },
        ),
        # Going back removes the triggers (``0002`` installs none any more: nothing keeps the figures then).
        migrations.RunPython(install, uninstall),
    ]
