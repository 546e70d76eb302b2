"""Indexes of the assignment queue at 1,000,000 cases (benchmarks/RESULTS-scale.md, its last section).

- ``case_assignment_queue``: the waiting cases in the queue's order (``matching.QUEUE_ORDER``: expedited first, then
  by due date, then the case number), so that a page of the queue is read from the index in order and stops after
  its 50 rows instead of sorting the ~90,000 waiting cases of 1,000,000.
- ``case_reviewer_open``: each reviewer's open cases (offered or in review: ``matching.LOAD_STATES``), the load the
  proposal counts for each qualified reviewer; without it PostgreSQL combined the reviewer index with every open
  case's status entry (~90,000 of them).
- ``assignment_reviewer_responded``: a reviewer's accepted offers by the time of acceptance, for the 90-day turnaround
  (``matching.recent_turnaround``), which read all of each reviewer's years of offers before.

Made concurrently on PostgreSQL (the tables are large and read by everyone meanwhile); plain on SQLite, whose indexes
have no NULLS LAST (the nearest index there, as in 0007 and 0010).
"""

from django.db import migrations

from cases.lifecycle import ASSIGNABLE_STATES, Status


def _states(states) -> str:
    return ", ".join(f"'{state}'" for state in sorted(states))


INDEXES = [
    (
        "case_assignment_queue",
        "cases_case",
        "(CASE WHEN priority = 'expedited' THEN 0 ELSE 1 END), due_date ASC NULLS LAST, case_number",
        f"status IN ({_states(ASSIGNABLE_STATES)}) AND reviewer_id IS NULL",
    ),
    ("case_reviewer_open", "cases_case", "reviewer_id", f"status IN ({_states([Status.ASSIGNED, Status.IN_REVIEW])})"),
    (
        "assignment_reviewer_responded",
        "cases_assignment",
        "reviewer_id, responded_at",
        "state IN ('accepted', 'completed')",
    ),
]


def create(apps, schema_editor):
    postgresql = schema_editor.connection.vendor == "postgresql"
    for name, table, columns, where in INDEXES:
        if postgresql:
            statement = f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON {table} ({columns}) WHERE {where}"
        else:
            columns = columns.replace("due_date ASC NULLS LAST", "due_date IS NULL, due_date")
            statement = f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({columns}) WHERE {where}"
        schema_editor.execute(statement)


def drop(apps, schema_editor):
    concurrently = "CONCURRENTLY " if schema_editor.connection.vendor == "postgresql" else ""
    for name, *_ in INDEXES:
        schema_editor.execute(f"DROP INDEX {concurrently}IF EXISTS {name}")


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY cannot run in a transaction

    dependencies = [("cases", "0017_late_records_index")]

    operations = [migrations.RunPython(create, drop)]
