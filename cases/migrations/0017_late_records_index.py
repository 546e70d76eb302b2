"""``case_late_records``: the late-records report's cases of a month by due date (issue 25), in the style of 0010.

The report (cases/services/records.py ``late_records``) lists the cases whose records fell due in a month and came, or
are still awaited, after that day, by due date then case number, a page at a time, with its totals. The due date is
calendar days from the request (8 CCR 9792.10.5: nothing of working days or holidays), so it is an expression of the
row's own columns and the key of this index: no column to keep, no million rows to rewrite. The index holds only the
cases whose records are awaited or came late (a few percent of all), and carries the columns the expression, the
totals and the page's numbers read, so that a month's totals and a page's cases are found in the index alone
(an index-only scan: at 1,000,157 cases a month's 31,341 late cases lie on 24,111 pages of the table).

The expression is the one ``cases.services.records.RECORDS_DUE`` compiles to, copied here (a migration is frozen);
PostgreSQL uses the index only for the same expression, which ``tests/cases/test_late_records_report.py`` holds by
explaining the report's query. Built CONCURRENTLY: others keep reading and writing cases meanwhile.
"""

from django.db import migrations


def _plus(column: str, days: int) -> str:
    return f"{column} + '{days} days'::interval"


_REGULAR = (
    f"CASE WHEN records_request_method = 'electronic' THEN {_plus('records_requested', 12)} "
    f"ELSE {_plus('records_requested', 15)} END"
)
RECORDS_DUE = (
    f"(CASE WHEN expedited_on > records_requested AND track = 'expedited' "
    f"THEN LEAST({_REGULAR}, {_plus('expedited_on', 1)}) "
    f"WHEN track = 'expedited' THEN {_plus('records_requested', 1)} ELSE {_REGULAR} END)::date"
)
INCLUDE = "id, records_received, claims_administrator_id, track, records_requested, records_request_method, expedited_on"
WHERE = f"records_requested IS NOT NULL AND (records_received IS NULL OR records_received > ({RECORDS_DUE}))"


def create(apps, schema_editor):
    # PostgreSQL's: the small SQLite databases of `make run` read the few late cases without it.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX CONCURRENTLY IF NOT EXISTS case_late_records ON cases_case (({RECORDS_DUE}), case_number) "
            f"INCLUDE ({INCLUDE}) WHERE {WHERE}"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX CONCURRENTLY IF EXISTS case_late_records")


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("cases", "0016_qa_queue_index")]

    operations = [migrations.RunPython(create, drop)]
