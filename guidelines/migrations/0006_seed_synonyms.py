"""Load the synonym table (guidelines/data/synonyms.json) so that search finds what reviewers type after ``migrate``.

Written against the historical model with its own small loader; it only adds terms that are missing, so it never
overwrites an administrator's edits."""

import json
from pathlib import Path

from django.db import migrations

SYNONYMS_FILE = Path(__file__).resolve().parent.parent / "data" / "synonyms.json"


def load_synonyms(apps, schema_editor):
    Synonym = apps.get_model("guidelines", "Synonym")
    data = json.loads(SYNONYMS_FILE.read_text(encoding="utf-8"))
    existing = set(Synonym.objects.values_list("term", flat=True))
    Synonym.objects.bulk_create(
        [
            Synonym(term=entry["term"].lower(), expansions="\n".join(entry["expansions"]), note=entry.get("note", ""))
            for entry in data["synonyms"]
            if entry["term"].lower() not in existing
        ]
    )


class Migration(migrations.Migration):
    dependencies = [("guidelines", "0005_synonyms")]

    operations = [migrations.RunPython(load_synonyms, migrations.RunPython.noop)]
