"""A trigram index on the guidelines each precedent item's reviewer cited (its search row), on PostgreSQL only: the
search's "guideline cited" filter (a word of a chapter or a section, ILIKE '%…%') then reads the index instead of every
row. The pg_trgm extension is made by guidelines 0005."""

from django.db import migrations

INDEXES = {"precedents_searchrow_cited_trgm": "cited"}


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name, column in INDEXES.items():
            schema_editor.execute(
                f"CREATE INDEX IF NOT EXISTS {name} ON precedents_precedentsearchrow "
                f"USING gin (upper({column}::text) gin_trgm_ops)"
            )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name in INDEXES:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("precedents", "0003_search_rows"), ("guidelines", "0005_synonyms")]

    operations = [migrations.RunPython(create_indexes, drop_indexes, elidable=False)]
