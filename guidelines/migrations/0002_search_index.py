"""The GIN index of the sections' full-text search vector, on PostgreSQL only (SQLite has no tsvector and searches
with LIKE, see guidelines/search.py). Kept out of the model's Meta.indexes so that SQLite migrations still run."""

from django.db import migrations

INDEX = "guidelines_section_search_gin"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON guidelines_guidelinesection USING gin (search_vector)"
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("guidelines", "0001_library")]

    operations = [migrations.RunPython(create_index, drop_index, elidable=False)]
