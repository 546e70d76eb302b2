"""The SQL that keeps ``QualityFigure`` (the quality program's outliers, by quarter), installed by migration ``0005``
on PostgreSQL only, by the same mechanism as the operations figures (``operations/sql.py``): a statement-level
trigger on each table a figure reads takes the contributions of the rows a statement touched out as they were and
puts them in as they are (``INSERT … ON CONFLICT DO UPDATE`` in key order, a key left at zero deleted).

What a row contributes, to the key (quarter, the specialty printed on the case's letter, the determination's author):

- an item decision of an approved determination: one decided item, one overturned if it was overturned; its quarter
  is that of the approval (QA's day; the day submitted or written when no QA was recorded);
- a submitted determination: one submission, one return if QA returned it; its quarter is that of the submission.

Determinations without an author count nowhere (as before: ``quality.outliers``).
"""

from operations.sql import signed, statement_trigger

_FIGURES = "operations_qualityfigure"
_COUNTS = ("decided", "overturned", "submitted", "returned")


def _quarter(column: str) -> str:
    return f"date_trunc('quarter', ({column}) AT TIME ZONE '{{time_zone}}')::date"


_SPECIALTY = "COALESCE(left(c.reviewer_credentials #>> '{certifications,0}', 200), '')"


def _decided(decisions: str, determinations: str, cases: str) -> str:
    """(quarter, specialty, reviewer_id, decided, overturned, submitted, returned) of item decisions."""
    return f"""
    SELECT {_quarter("COALESCE(d.qa_at, d.submitted_at, d.created_at)")} AS quarter, {_SPECIALTY} AS specialty,
           d.author_id AS reviewer_id, 1 AS decided, (x.decision = 'overturned')::int AS overturned,
           0 AS submitted, 0 AS returned
    FROM {decisions} x JOIN {determinations} d ON d.id = x.determination_id JOIN {cases} c ON c.id = d.case_id
    WHERE d.state = 'approved' AND d.author_id IS NOT NULL"""


def _submitted(determinations: str, cases: str) -> str:
    """The same columns, of submitted determinations."""
    return f"""
    SELECT {_quarter("d.submitted_at")}, {_SPECIALTY}, d.author_id, 0, 0, 1, (d.state = 'returned')::int
    FROM {determinations} d JOIN {cases} c ON c.id = d.case_id
    WHERE d.submitted_at IS NOT NULL AND d.author_id IS NOT NULL"""


def _apply(parts: list[tuple[str, int]]) -> str:
    """Add each part's contributions times its sign, then drop the keys left at zero."""
    sums = ", ".join(f"SUM(n * {name})" for name in _COUNTS)
    added = ", ".join(f"{name} = {_FIGURES}.{name} + EXCLUDED.{name}" for name in _COUNTS)
    return f"""
    INSERT INTO {_FIGURES} (quarter, specialty, reviewer_id, {", ".join(_COUNTS)})
    SELECT quarter, specialty, reviewer_id, {sums} FROM ({signed(parts)}) AS changes
    GROUP BY 1, 2, 3 HAVING {" OR ".join(f"SUM(n * {name}) <> 0" for name in _COUNTS)} ORDER BY 1, 2, 3
    ON CONFLICT (quarter, specialty, reviewer_id) DO UPDATE SET {added};
    DELETE FROM {_FIGURES} WHERE {" AND ".join(f"{name} = 0" for name in _COUNTS)};
    """


def _changed(columns: str) -> tuple[str, str]:
    """The rows an update changed in ``columns``: as they were, as they are."""
    new = ", ".join(f"n.{column.strip()}" for column in columns.split(","))
    old = new.replace("n.", "o.")
    where = f"FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE ({old}) IS DISTINCT FROM ({new})"
    return f"(SELECT o.* {where})", f"(SELECT n.* {where})"


def _trigger(table: str, operation: str, body: str) -> str:
    return statement_trigger(table, operation, body, name=f"operations_quality_{table}_{operation}")


DECISIONS, DETERMINATIONS, CASES = "cases_itemdecision", "cases_determination", "cases_case"


def _triggers() -> list[str]:
    # A determination: both kinds of contribution (its decisions as they are: the statement changed none).
    was, now = _changed("state, submitted_at, qa_at, created_at, author_id, case_id")
    determination = {
        "insert": [(_decided(DECISIONS, "new_rows", CASES), 1), (_submitted("new_rows", CASES), 1)],
        "update": [
            (_decided(DECISIONS, was, CASES), -1),
            (_submitted(was, CASES), -1),
            (_decided(DECISIONS, now, CASES), 1),
            (_submitted(now, CASES), 1),
        ],
        "delete": [(_decided(DECISIONS, "old_rows", CASES), -1), (_submitted("old_rows", CASES), -1)],
    }
    # An item decision: its own contribution (a rationale edited changes nothing).
    was_decision, now_decision = _changed("decision, determination_id")
    decision = {
        "insert": [(_decided("new_rows", DETERMINATIONS, CASES), 1)],
        "update": [
            (_decided(was_decision, DETERMINATIONS, CASES), -1),
            (_decided(now_decision, DETERMINATIONS, CASES), 1),
        ],
        "delete": [(_decided("old_rows", DETERMINATIONS, CASES), -1)],
    }
    # A case: the specialty printed on its letter changed (its determinations are deleted before it, by Django).
    was_case, now_case = _changed("reviewer_credentials")
    case_update = [
        (_decided(DECISIONS, DETERMINATIONS, was_case), -1),
        (_submitted(DETERMINATIONS, was_case), -1),
        (_decided(DECISIONS, DETERMINATIONS, now_case), 1),
        (_submitted(DETERMINATIONS, now_case), 1),
    ]
    sql = [_trigger("determination", operation, _apply(parts)) for operation, parts in determination.items()]
    sql += [_trigger("itemdecision", operation, _apply(parts)) for operation, parts in decision.items()]
    sql.append(_trigger("case", "update", _apply(case_update)))
    return sql


def _rebuild_function() -> str:
    return f"""
CREATE OR REPLACE FUNCTION operations_quality_rebuild() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    LOCK TABLE {_FIGURES} IN EXCLUSIVE MODE;
    DELETE FROM {_FIGURES};
    {_apply([(_decided(DECISIONS, DETERMINATIONS, CASES), 1), (_submitted(DETERMINATIONS, CASES), 1)])}
END $$;
"""


TRUNCATE = f"""
CREATE OR REPLACE FUNCTION operations_quality_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM {_FIGURES};
    RETURN NULL;
END $$;
DROP TRIGGER IF EXISTS operations_quality_truncate ON cases_determination;
CREATE TRIGGER operations_quality_truncate AFTER TRUNCATE ON cases_determination
    FOR EACH STATEMENT EXECUTE FUNCTION operations_quality_truncate();
"""


# The few rows a delta left at zero, found at once.
_ZERO_INDEX = f"""
CREATE INDEX IF NOT EXISTS operations_qualityfigure_zero ON {_FIGURES} (id)
    WHERE {" AND ".join(f"{name} = 0" for name in _COUNTS)};
"""


def install(time_zone: str) -> str:
    """The triggers and the rebuild function, then the figures counted from the tables."""
    parts = [_ZERO_INDEX, _rebuild_function(), *_triggers(), TRUNCATE, "SELECT operations_quality_rebuild();"]
    return "\n".join(parts).replace("{time_zone}", time_zone)


UNINSTALL = (
    "\n".join(
        f"DROP TRIGGER IF EXISTS operations_quality_{table}_{operation} ON cases_{table};"
        for table, operations in (
            ("determination", ("insert", "update", "delete")),
            ("itemdecision", ("insert", "update", "delete")),
            ("case", ("update",)),
        )
        for operation in operations
    )
    + """
DROP TRIGGER IF EXISTS operations_quality_truncate ON cases_determination;
DROP FUNCTION IF EXISTS operations_quality_rebuild();
DROP INDEX IF EXISTS operations_qualityfigure_zero;
"""
)
