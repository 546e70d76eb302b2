"""Indexes for the case list's filters at 100,000 cases (issue 11, benchmarks/pages.py), in the style of 0007.

- ``case_status_list_order``: one state's cases by due date then newest number (the list's order within one state,
  where the clock runs for all of its cases or for none), so a page of one state ("Served": half of all cases, at
  the end of the list's order) is read in order from the index instead of walking the whole order.
- ``case_priority_list_order``: the list's order (``case_list_order``) after the priority, for the priority filter;
  its count (capped at 5,001) comes from the index instead of a scan of the table.
- ``case_running_due``: the due dates of the cases whose clock runs, for the overdue, at-risk and on-track filters.
- ``case_determined_decision``: the determined cases by decision date, the letter center's backlog, oldest first.
"""

from django.db import migrations

from cases.lifecycle import CLOCK_RUNNING_STATES

_RUNNING = ", ".join(f"'{state}'" for state in sorted(CLOCK_RUNNING_STATES))
_ORDER = f"(CASE WHEN status IN ({_RUNNING}) THEN 0 ELSE 1 END), due_date ASC NULLS LAST, case_number DESC"

INDEXES = [
    ("case_status_list_order", "status, due_date ASC NULLS LAST, case_number DESC", ""),
    ("case_priority_list_order", f"priority, {_ORDER}", ""),
    ("case_running_due", "due_date", f"WHERE status IN ({_RUNNING})"),
    ("case_determined_decision", "decision_date, case_number", "WHERE status = 'determined'"),
]


def create(apps, schema_editor):
    for name, columns, where in INDEXES:
        if schema_editor.connection.vendor == "sqlite":
            columns = columns.replace("due_date ASC NULLS LAST", "due_date IS NULL, due_date")
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON cases_case ({columns}) {where}")


def drop(apps, schema_editor):
    for name, *_ in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("cases", "0009_case_state_counts")]

    operations = [migrations.RunPython(create, drop)]
