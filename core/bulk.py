"""``bulk_insert``: ``bulk_create`` for thousands of rows, by ``COPY`` on PostgreSQL.

An import of 10,000 cases writes ~60,000 rows of long texts; ``bulk_create`` spent most of the import's time building
its statements (benchmarks/RESULTS-scale.md, section 3). ``COPY`` returns no keys, so the keys are taken from the
table's own sequence first, in one query, and set on the instances, which then look saved, as after
``bulk_create``. The values are the ones ``bulk_create`` writes: each field's ``pre_save`` (``auto_now``) and
database value. Like ``bulk_create``, it sends no signals; unlike row-by-row inserts, the table's statement-level
triggers fire once for the whole ``COPY``. Other databases get ``bulk_create``.
"""

from collections.abc import Iterable
from typing import TypeVar

from django.db import connection, models

M = TypeVar("M", bound=models.Model)


def bulk_insert(objs: Iterable[M]) -> list[M]:
    """Insert new instances of one model (no primary key set); returns them with their keys."""
    rows = list(objs)
    if not rows:
        return rows
    model = type(rows[0])
    if connection.vendor != "postgresql":
        return model._default_manager.bulk_create(rows)
    meta = model._meta
    fields = list(meta.concrete_fields)
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, meta.pk.column, len(rows)],
        )
        for obj, (key,) in zip(rows, cursor.fetchall(), strict=True):
            setattr(obj, meta.pk.attname, key)
        columns = ", ".join(quote(field.column) for field in fields)  # type: ignore[arg-type]  # concrete: has a column
        with (
            connection.wrap_database_errors,
            cursor.copy(f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN") as copy,
        ):
            for obj in rows:
                copy.write_row([field.get_db_prep_save(field.pre_save(obj, True), connection) for field in fields])
    for obj in rows:
        obj._state.adding = False
        obj._state.db = connection.alias
    return rows
