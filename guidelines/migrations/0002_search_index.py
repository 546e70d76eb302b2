"""The GIN indexes of the sections' full-text search vectors, on PostgreSQL only (SQLite has no tsvector and searches
with LIKE, see guidelines/search.py). Kept out of the model's Meta.indexes so that SQLite migrations still run."""

from django.db import migrations

INDEXES = {
    "guidelines_section_search_gin": "search_vector",
    "guidelines_section_title_gin": "title_vector",
}


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name, column in INDEXES.items():
            schema_editor.execute(
                f"CREATE INDEX IF NOT EXISTS {name} ON guidelines_guidelinesection USING gin ({column})"
            )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name in INDEXES:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("guidelines", "0001_library")]

    operations = [migrations.RunPython(create_indexes, drop_indexes, elidable=False)]
