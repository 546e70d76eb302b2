"""The GIN index of the precedent items' full-text search vectors, on PostgreSQL only (SQLite has no tsvector and
searches with LIKE, see precedents/search.py). Kept out of the model's Meta.indexes so that SQLite migrations run."""

from django.db import migrations


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS precedents_item_search_gin ON precedents_precedentitem USING gin (search_vector)"
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS precedents_item_search_gin")


class Migration(migrations.Migration):
    dependencies = [("precedents", "0001_precedent_library")]

    operations = [migrations.RunPython(create_index, drop_index, elidable=False)]
