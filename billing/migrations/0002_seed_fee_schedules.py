"""The fee schedules of 8 CCR 9792.10.8 and the DWC's later notices, each figure with its source and how far it was
checked (``billing/data/fee_schedules.json``; the README says which figures could not be confirmed)."""

import json
from decimal import Decimal
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "fee_schedules.json"


def seed(apps, schema_editor):
    FeeSchedule = apps.get_model("billing", "FeeSchedule")
    Fee = apps.get_model("billing", "Fee")
    for entry in json.loads(DATA.read_text(encoding="utf-8"))["schedules"]:
        schedule, created = FeeSchedule.objects.get_or_create(
            effective_from=entry["effective_from"],
            defaults={"title": entry["title"], "source": entry["source"], "note": entry["note"]},
        )
        if not created:
            continue  # an administrator's schedule of that date is kept as it is
        Fee.objects.bulk_create(
            Fee(
                schedule=schedule,
                kind=fee["kind"],
                amount=Decimal(fee["amount"]),
                confirmation=fee["confirmation"],
                where=fee["where"],
            )
            for fee in entry["fees"]
        )


class Migration(migrations.Migration):
    dependencies = [("billing", "0001_fees_invoices_payments")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
