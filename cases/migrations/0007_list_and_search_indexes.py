"""Indexes for lists of 100,000 cases and more (issue 11, benchmarks/pages.py).

- ``case_list_order``: the case list's order (clock running first, earliest due date, newest number) as an index of
  the same expressions (``cases.selectors.LIST_ORDER``), so a page of the list is read from the index in order and
  stops after 50 rows, with or without a filter, instead of sorting every case.
- ``case_reviewer_updated``: a reviewer's cases, most recently changed first (the reviewer's home).
- ``determination_submitted``: determinations waiting for QA, oldest submission first (the QA queue).
- ``item_category_case``: the cases with an item of a category (the case list's category filter).
- On PostgreSQL only: the ``pg_trgm`` extension and trigram GIN indexes on ``UPPER(case_number)``,
  ``UPPER(claim_number)`` and ``UPPER(employee_name)``: the search box (``icontains``, which Django writes as
  ``UPPER(col::text) LIKE UPPER('%…%')``) is answered from them.

- On PostgreSQL only: ``letter_current_signed_day`` on the letters nobody superseded, by their day of signing in the
  portal's time zone (the letter center's order, ``TruncDate("signed_at")``): the newest page is read from it.
  It lives here, with the other list indexes, and this migration depends on the letter register's.

Written as SQL run per database vendor (the SQLite of ``make run`` gets the plain indexes), so the models and the
migration state are unchanged.
"""

from django.conf import settings
from django.db import migrations

from cases.lifecycle import CLOCK_RUNNING_STATES

_RUNNING = ", ".join(f"'{state}'" for state in sorted(CLOCK_RUNNING_STATES))

PLAIN = [
    (
        "case_list_order",
        "cases_case",
        f"(CASE WHEN status IN ({_RUNNING}) THEN 0 ELSE 1 END), due_date ASC NULLS LAST, case_number DESC",
        "",
    ),
    ("case_reviewer_updated", "cases_case", "reviewer_id, updated_at DESC", ""),
    ("determination_submitted", "cases_determination", "submitted_at", "WHERE state = 'submitted'"),
    ("item_category_case", "cases_disputeditem", "category, case_id", ""),
]
TRIGRAM = [
    ("case_number_trgm", "case_number"),
    ("case_claim_number_trgm", "claim_number"),
    ("case_employee_name_trgm", "employee_name"),
]


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for name, table, columns, where in PLAIN:
        if vendor == "sqlite" and "NULLS LAST" in columns:
            # SQLite has no NULLS LAST in an index: the nearest index there, for the small databases of
            # `make run` (the 100,000-case target is PostgreSQL's).
            columns = columns.replace("due_date ASC NULLS LAST", "due_date IS NULL, due_date")
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({columns}) {where}")
    if vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        for name, column in TRIGRAM:
            schema_editor.execute(
                f"CREATE INDEX IF NOT EXISTS {name} ON cases_case USING gin ((UPPER({column}::text)) gin_trgm_ops)"
            )
        zone = settings.TIME_ZONE.replace("'", "")
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS letter_current_signed_day ON letters_letter "
            f"(((signed_at AT TIME ZONE '{zone}')::date) DESC, case_id, rendition) "
            "WHERE state = 'signed' AND superseded_at IS NULL"
        )


def drop(apps, schema_editor):
    names = [name for name, *_ in PLAIN]
    if schema_editor.connection.vendor == "postgresql":
        names += [name for name, _ in TRIGRAM] + ["letter_current_signed_day"]
    for name in names:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0006_eligibility_join_intake13"),
        ("letters", "0001_letter_register"),
    ]

    operations = [migrations.RunPython(create, drop)]
