"""``case_qa_updated``: the cases in QA by their last change, in the style of 0007 and 0010.

The QA queue (cases/views/qa.py ``oldest_waiting``) walks the submitted determinations by submission time, then the
cases in QA without one by their last change, as far as the first walk went: this index is the second walk.
"""

from django.db import migrations


def create(apps, schema_editor):
    schema_editor.execute("CREATE INDEX IF NOT EXISTS case_qa_updated ON cases_case (updated_at, id) WHERE status = 'qa'")


def drop(apps, schema_editor):
    schema_editor.execute("DROP INDEX IF EXISTS case_qa_updated")


class Migration(migrations.Migration):
    dependencies = [("cases", "0015_casedocument_sent_by")]

    operations = [migrations.RunPython(create, drop)]
