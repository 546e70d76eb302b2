"""Indexes for the counts of the case list's filters and for the QA queue at 1,000,000 cases (issue 25 item 1), in the
style of 0007, 0010 and 0016, made ``CONCURRENTLY`` on PostgreSQL (the cases table is large and read all day).

The case list counts its matches up to ``CappedPaginator.cap`` + 1 (5,001). At 1,000,000 cases every filter below has
more matches than that, so its count read 5,001 matching cases and more from the table's rows; each of these indexes
holds every column its filter tests, so the count is read from the index alone (an index-only scan):

- ``case_priority_status``: the priority filter ("expedited") and the closed cases it leaves out. Before: a scan of the
  table until 5,001 expedited cases were found (105,000 rows read).
- ``case_running_due_track``: the overdue, at-risk and on-track filters (the due date and the track of each case whose
  clock runs). Before: ``case_running_due`` found the dates, then the track was read from 2,000-4,500 pages of the
  table. Its condition is written ``status::text = ANY ('{…}'::text[])`` and not ``status IN (…)``: PostgreSQL prints
  the latter in a form that does not parse back the same, and ``generate_cases`` only drops and remakes (fast, after
  the load) an index whose definition comes back the same (devtools/generate.py); the queries' ``IN`` still match it.
- ``case_not_closed_id``: the cases that are not closed, by id; the category filter's count is a merge of it with
  ``item_category_case`` (both in case id order). Before: a parallel scan of the table or a look-up of the case's row
  for each matching item.
- ``determination_submitted_case``: the submitted determinations by case, for the QA queue's second walk (the cases in
  QA without a submitted determination): each case is checked in this small index instead of in the table.
"""

from django.db import migrations

from cases.lifecycle import CLOCK_RUNNING_STATES

RUNNING_POSTGRESQL = "WHERE status::text = ANY ('{{{}}}'::text[])".format(",".join(sorted(CLOCK_RUNNING_STATES)))
RUNNING_SQLITE = "WHERE status IN ({})".format(", ".join(f"'{state}'" for state in sorted(CLOCK_RUNNING_STATES)))

INDEXES = [
    ("case_priority_status", "cases_case", "priority, status", ""),
    ("case_running_due_track", "cases_case", "due_date, track", RUNNING_POSTGRESQL),
    ("case_not_closed_id", "cases_case", "id", "WHERE status <> 'closed'"),
    ("determination_submitted_case", "cases_determination", "case_id", "WHERE state = 'submitted'"),
]


def create(apps, schema_editor):
    postgresql = schema_editor.connection.vendor == "postgresql"
    concurrently = "CONCURRENTLY " if postgresql else ""
    for name, table, columns, where in INDEXES:
        if not postgresql and where == RUNNING_POSTGRESQL:
            where = RUNNING_SQLITE
        if postgresql:
            # A concurrent build that failed (a deadlock with another one on the same table) leaves an invalid index,
            # which IF NOT EXISTS would keep: drop it first.
            schema_editor.execute(
                f"DO $$ BEGIN IF EXISTS (SELECT FROM pg_index WHERE indexrelid = to_regclass('{name}') "
                f"AND NOT indisvalid) THEN DROP INDEX {name}; END IF; END $$"
            )
        schema_editor.execute(f"CREATE INDEX {concurrently}IF NOT EXISTS {name} ON {table} ({columns}) {where}")


def drop(apps, schema_editor):
    concurrently = "CONCURRENTLY " if schema_editor.connection.vendor == "postgresql" else ""
    for name, *_ in INDEXES:
        schema_editor.execute(f"DROP INDEX {concurrently}IF EXISTS {name}")


class Migration(migrations.Migration):
    # CREATE INDEX CONCURRENTLY cannot run in a transaction; it does not block the others' reads and writes.
    atomic = False

    dependencies = [("cases", "0018_assignment_queue_index")]

    operations = [migrations.RunPython(create, drop)]
