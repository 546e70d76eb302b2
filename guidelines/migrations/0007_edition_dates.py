"""The dates each MTUS edition was in force, and the 2009 Chronic Pain edition's physical medicine limits, for
libraries seeded before they were in guidelines/data/library.json (a new database has them from 0003).

Only fills what is missing: a date that is still empty, a limit that does not exist yet; an administrator's edit is
kept. Where the dates come from: tools/library_sources.py."""

import datetime

from django.db import migrations

MTUS_2007, ACOEM_END = datetime.date(2007, 6, 15), datetime.date(2017, 11, 30)
DATES = {
    "mtus-low-back-2004": (MTUS_2007, ACOEM_END),
    "mtus-shoulder-2004": (MTUS_2007, ACOEM_END),
    "mtus-neck-upper-back-2004": (MTUS_2007, ACOEM_END),
    "mtus-knee-2004": (MTUS_2007, ACOEM_END),
    "mtus-general-approaches-2004": (MTUS_2007, ACOEM_END),
    "mtus-forearm-wrist-hand-2004": (MTUS_2007, ACOEM_END),
    "mtus-ankle-foot-2004": (MTUS_2007, ACOEM_END),
    "mtus-stress-2004": (MTUS_2007, None),
    "mtus-acupuncture-2007": (MTUS_2007, None),
    "mtus-elbow-2007": (datetime.date(2009, 7, 18), ACOEM_END),
    "mtus-chronic-pain-2009": (datetime.date(2009, 7, 18), datetime.date(2016, 11, 30)),
    "mtus-chronic-pain-2016": (datetime.date(2016, 12, 1), None),
    "mtus-opioids-2016": (datetime.date(2016, 12, 1), None),
    "mtus-postsurgical-2009": (datetime.date(2009, 7, 18), None),
}
FADING = "fading from up to 3 visits a week to 1 or less"
LIMITS_2009 = (
    ("myalgia and myositis", 9, 10, 8),
    ("neuralgia, neuritis, and radiculitis", 8, 10, 4),
    ("reflex sympathetic dystrophy (CRPS)", None, 24, 16),
)


def add_dates(apps, schema_editor):
    Source = apps.get_model("guidelines", "GuidelineSource")
    Section = apps.get_model("guidelines", "GuidelineSection")
    Limit = apps.get_model("guidelines", "QuantityLimit")
    for key, (start, end) in DATES.items():
        Source.objects.filter(key=key, effective_from__isnull=True).update(effective_from=start)
        if end is not None:
            Source.objects.filter(key=key, effective_to__isnull=True).update(effective_to=end)
    source = Source.objects.filter(key="mtus-chronic-pain-2009").first()
    if source is None:
        return
    section = Section.objects.filter(source=source, name="Physical Medicine").first()
    for condition, min_units, max_units, weeks in LIMITS_2009:
        Limit.objects.get_or_create(
            source=source,
            treatment="physical medicine",
            condition=condition,
            defaults={
                "section": section,
                "min_units": min_units,
                "max_units": max_units,
                "weeks_max": weeks,
                "unit": "visits",
                "frequency": FADING,
                "verified": False,
            },
        )


class Migration(migrations.Migration):
    dependencies = [
        ("guidelines", "0006_seed_synonyms"),
    ]

    operations = [migrations.RunPython(add_dates, migrations.RunPython.noop)]
