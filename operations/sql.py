"""The SQL that keeps the aggregates of ``operations.models``: installed by migrations ``0002`` and ``0004``, on
PostgreSQL only.

Every daily figure is a sum over cases of what each case contributes (its application day's figures, its decision
day's figures, ages and items upheld or overturned; the figures of QA's day are a sum over determinations). A
statement-level trigger on each table a contribution reads applies the difference a statement made: the contributions
of the cases it touched as they were (from the transition table ``old_rows``, and the other tables as they are: the
statement changed only its own) taken out, as they are now put in, by ``INSERT … ON CONFLICT DO UPDATE count = count
+ delta`` in key order (a key left at zero is deleted) — as the open-queue counts and ``cases.CaseStateCount`` are
kept. An approval costs the rows of its own case, whatever else was decided that day.

- ``_figures``, ``_outcomes``, ``_ages``: one case's contribution rows, over a given set of relations (``Sources``:
  the tables, or the tables as they were before a statement).
- triggers on ``cases_case`` (the open-queue deltas, and the contributions of the cases a statement changed),
  ``cases_determination`` (QA's days; the contributions of their cases), ``cases_itemdecision`` and
  ``cases_disputeditem`` (a category changed).
- ``operations_rebuild()``: everything counted again from the tables, for a load that bypassed the triggers.

The items' outcomes are summed by day, by month and by year (``0005``): a period reads whole years, whole months and
days, or a year less what lies outside the period in it (``operations.report``).
"""

from typing import NamedTuple

from cases.lifecycle import DECIDED_STATES, Status

_OPEN = sorted(
    {Status.RECEIVED, Status.ELIGIBLE, Status.RECORDS_REQUESTED, Status.RECORDS_RECEIVED}
    | {Status.ASSIGNED, Status.IN_REVIEW, Status.QA, Status.DETERMINED, Status.LETTER_SIGNED}
)
_BEFORE_DECISION = sorted(
    {Status.RECEIVED, Status.ELIGIBLE, Status.RECORDS_REQUESTED, Status.RECORDS_RECEIVED}
    | {Status.ASSIGNED, Status.IN_REVIEW, Status.QA}
)


def _in(values) -> str:
    return "(" + ", ".join(f"'{value}'" for value in sorted(values)) + ")"


OPEN_STATES = _in(_OPEN)
BEFORE_DECISION = _in(_BEFORE_DECISION)
DECIDED = _in(DECIDED_STATES)
WITH_REVIEWER = _in({Status.ASSIGNED, Status.IN_REVIEW, Status.QA})

# The columns whose change can change a figure: an update touching none of them recomputes nothing.
_FIGURE_COLUMNS = [
    "status",
    "application_received",
    "decision_date",
    "priority",
    "track",
    "has_formulary_items",
    "reviewer_id",
    "reviewer_credentials",
    "claims_administrator_id",
    "requesting_provider_id",
    "joined_into_id",
    "ineligible_reason",
    "due_date",
    "records_received",
    "reopened_on",
]


def _row(alias: str) -> str:
    return "(" + ", ".join(f"{alias}.{column}" for column in _FIGURE_COLUMNS) + ")"


def _queue_delta(changes: str) -> str:
    return f"""
    INSERT INTO operations_queuecount (status, track, due_date, count)
    SELECT status, track, due_date, SUM(delta) FROM ({changes}) AS changes
    WHERE status IN {OPEN_STATES}
    GROUP BY status, track, due_date HAVING SUM(delta) <> 0
    ORDER BY status, track, due_date NULLS FIRST
    ON CONFLICT (status, track, due_date)
    DO UPDATE SET count = operations_queuecount.count + EXCLUDED.count;
    INSERT INTO operations_reviewerload (reviewer_id, status, count)
    SELECT reviewer_id, status, SUM(delta) FROM ({changes}) AS changes
    WHERE status IN {WITH_REVIEWER} AND reviewer_id IS NOT NULL
    GROUP BY reviewer_id, status HAVING SUM(delta) <> 0
    ORDER BY reviewer_id, status
    ON CONFLICT (reviewer_id, status)
    DO UPDATE SET count = operations_reviewerload.count + EXCLUDED.count;
    """


def _records_delta(changes: str) -> str:
    return f"""
    INSERT INTO operations_recordsawaited
        (claims_administrator_id, track, records_requested, records_request_method, count)
    SELECT claims_administrator_id, track, records_requested, records_request_method, SUM(delta)
    FROM ({changes}) AS changes
    WHERE status IN {BEFORE_DECISION} AND records_requested IS NOT NULL AND records_received IS NULL
    GROUP BY 1, 2, 3, 4 HAVING SUM(delta) <> 0
    ORDER BY 1 NULLS FIRST, 2, 3, 4
    ON CONFLICT (claims_administrator_id, track, records_requested, records_request_method)
    DO UPDATE SET count = operations_recordsawaited.count + EXCLUDED.count;
    """


_QUEUE_COLUMNS = "status, track, due_date, reviewer_id, claims_administrator_id, records_requested, "
_QUEUE_COLUMNS += "records_request_method, records_received"


class Sources(NamedTuple):
    """The relations a contribution reads: the tables, or a statement's view of one of them before it ran."""

    cases: str = "cases_case"
    determinations: str = "cases_determination"
    decisions: str = "cases_itemdecision"
    items: str = "cases_disputeditem"


TABLES = Sources()
_DECIDED = f"c.status IN {DECIDED} AND c.joined_into_id IS NULL AND c.decision_date IS NOT NULL"


def _items_of(sources: Sources) -> str:
    """The decided items of case ``c``: the latest approved determination's items upheld or overturned."""
    return f"""
        SELECT i.category, d.decision, d.basis, d.basis_none
        FROM (SELECT dt.id FROM {sources.determinations} dt WHERE dt.case_id = c.id AND dt.state = 'approved'
              ORDER BY dt.version DESC LIMIT 1) AS latest
        JOIN {sources.decisions} d ON d.determination_id = latest.id AND d.decision IN ('upheld', 'overturned')
        JOIN {sources.items} i ON i.id = d.item_id"""


def _figures(sources: Sources) -> str:
    """(day, historical, figure, key): one row a count, by the day of the application and the day of the decision."""
    return f"""
    SELECT c.application_received AS day, c.status = 'closed' AND c.joined_into_id IS NULL AS historical,
           f.figure, f.key
    FROM {sources.cases} c
    CROSS JOIN LATERAL (VALUES
        ('received', '', true),
        ('unique', '', c.joined_into_id IS NULL),
        ('eligible', '', c.status NOT IN ('received', 'ineligible') AND c.joined_into_id IS NULL),
        ('ineligible', left(split_part(btrim(c.ineligible_reason), E'\\n', 1), 200), c.status = 'ineligible'),
        ('withdrawn', '', c.status = 'withdrawn'),
        ('terminated', '', c.status = 'terminated')
    ) AS f(figure, key, applies)
    WHERE c.application_received IS NOT NULL AND f.applies
    UNION ALL
    SELECT c.decision_date, c.status = 'closed', f.figure, f.key
    FROM {sources.cases} c
    CROSS JOIN LATERAL (
        SELECT COUNT(*) FILTER (WHERE x.decision = 'upheld') AS upheld,
               COUNT(*) FILTER (WHERE x.decision = 'overturned') AS overturned
        FROM ({_items_of(sources)}) AS x
    ) AS o
    CROSS JOIN LATERAL (VALUES
        ('decided', '', true),
        ('expedited', '', c.track = 'expedited'),
        ('formulary', '', c.has_formulary_items),
        ('cases_upheld', '', o.upheld > 0 AND o.overturned = 0),
        ('cases_overturned', '', o.overturned > 0 AND o.upheld = 0),
        ('cases_partial', '', o.upheld > 0 AND o.overturned > 0),
        ('on_time', '', c.decision_date <= c.due_date),
        ('late', '', c.decision_date > c.due_date),
        ('reviewer_on_time', COALESCE(c.reviewer_id::text, ''), c.decision_date <= c.due_date),
        ('reviewer_late', COALESCE(c.reviewer_id::text, ''), c.decision_date > c.due_date)
    ) AS f(figure, key, applies)
    WHERE {_DECIDED} AND f.applies"""


def _ages(sources: Sources) -> str:
    """(day, historical, measure, days): the two ages of a decided case."""
    return f"""
    SELECT c.decision_date AS day, c.status = 'closed' AS historical, m.measure, m.days
    FROM {sources.cases} c
    CROSS JOIN LATERAL (VALUES
        ('application', c.decision_date - c.application_received),
        ('records', CASE WHEN c.application_received IS NOT NULL AND c.records_received IS NOT NULL
                         THEN c.decision_date - GREATEST(c.application_received, c.records_received, c.reopened_on)
                    END)
    ) AS m(measure, days)
    WHERE {_DECIDED} AND m.days IS NOT NULL"""


def _outcomes(sources: Sources) -> str:
    """(day, historical, dimension, key, decision): each decided item once a dimension (twice if it cites two
    guidelines)."""
    return f"""
    SELECT c.decision_date AS day, c.status = 'closed' AS historical, k.dimension, k.key, x.decision
    FROM {sources.cases} c
    CROSS JOIN LATERAL ({_items_of(sources)}) AS x
    CROSS JOIN LATERAL (
        SELECT 'all', ''
        UNION ALL SELECT 'category', x.category
        UNION ALL SELECT 'claims_administrator', COALESCE(c.claims_administrator_id::text, '')
        UNION ALL SELECT 'physician', COALESCE(c.requesting_provider_id::text, '')
        UNION ALL SELECT 'reviewer', COALESCE(c.reviewer_id::text, '')
        UNION ALL (SELECT DISTINCT 'specialty', name
                   FROM operations_json_texts(c.reviewer_credentials -> 'certifications') AS name
                   WHERE name IS NOT NULL AND name <> '')
        UNION ALL (SELECT DISTINCT 'guideline', left(name, 300)
                   FROM (SELECT operations_json_texts(x.basis -> 'mtus')
                         UNION ALL SELECT operations_json_texts(x.basis -> 'non_mtus')) AS cited(name)
                   WHERE name IS NOT NULL AND name <> '')
        UNION ALL SELECT 'guideline', 'none' WHERE x.basis_none
    ) AS k(dimension, key)
    WHERE {_DECIDED}"""


def _qa(rows: str) -> str:
    """(day, figure): QA's figures of the determinations in ``rows``, by QA's day in the organization's time zone."""
    return f"""
    SELECT {_local_day("d.qa_at", "{time_zone}")} AS day, f.figure
    FROM {rows} d
    CROSS JOIN LATERAL (VALUES
        ('qa_reviewed', d.state IN ('approved', 'returned')),
        ('qa_returned', d.state = 'returned')
    ) AS f(figure, applies)
    WHERE d.qa_at IS NOT NULL AND f.applies"""


def signed(parts: list[tuple[str, int]]) -> str:
    """The contributions of each (select, sign) part, as one relation with the sign in a column ``n``."""
    return " UNION ALL ".join(
        f"SELECT *, {sign} AS n FROM ({select}) AS part{index}" for index, (select, sign) in enumerate(parts)
    )


def _apply(old: Sources | None, new: Sources | None, qa: list[tuple[str, int]] | None = None) -> str:
    """Add the contributions of ``new`` and take out those of ``old`` (QA's: of the determinations of ``qa``, signed),
    then drop the keys left at zero."""
    sides = [(sources, sign) for sources, sign in ((old, -1), (new, 1)) if sources is not None]
    figures = [(_figures(sources), sign) for sources, sign in sides]
    figures += [(f"SELECT day, false, figure, '' FROM ({_qa(rows)}) AS q", sign) for rows, sign in qa or []]
    sql = f"""
    INSERT INTO operations_dailyfigure (day, historical, figure, key, count)
    SELECT day, historical, figure, key, SUM(n) FROM ({signed(figures)}) AS changes
    GROUP BY 1, 2, 3, 4 HAVING SUM(n) <> 0 ORDER BY 1, 2, 3, 4
    ON CONFLICT (day, historical, figure, key) DO UPDATE SET count = operations_dailyfigure.count + EXCLUDED.count;
    DELETE FROM operations_dailyfigure WHERE count = 0;
    """
    if not sides:
        return sql
    return (
        sql
        + f"""
    INSERT INTO operations_dailyage (day, historical, measure, days, count)
    SELECT day, historical, measure, days, SUM(n)
    FROM ({signed([(_ages(sources), sign) for sources, sign in sides])}) AS changes
    GROUP BY 1, 2, 3, 4 HAVING SUM(n) <> 0 ORDER BY 1, 2, 3, 4
    ON CONFLICT (day, historical, measure, days) DO UPDATE SET count = operations_dailyage.count + EXCLUDED.count;
    DELETE FROM operations_dailyage WHERE count = 0;
    WITH changes AS (
        SELECT day, historical, dimension, key,
               COALESCE(SUM(n) FILTER (WHERE decision = 'upheld'), 0) AS upheld,
               COALESCE(SUM(n) FILTER (WHERE decision = 'overturned'), 0) AS overturned
        FROM ({signed([(_outcomes(sources), sign) for sources, sign in sides])}) AS signed
        GROUP BY 1, 2, 3, 4
    ), daily AS (
        INSERT INTO operations_dailyoutcome (day, historical, dimension, key, upheld, overturned)
        SELECT * FROM changes WHERE upheld <> 0 OR overturned <> 0 ORDER BY 1, 2, 3, 4
        ON CONFLICT (day, historical, dimension, key) DO UPDATE
        SET upheld = operations_dailyoutcome.upheld + EXCLUDED.upheld,
            overturned = operations_dailyoutcome.overturned + EXCLUDED.overturned
    ), monthly AS (
        INSERT INTO operations_monthlyoutcome (month, historical, dimension, key, upheld, overturned)
        SELECT date_trunc('month', day)::date, historical, dimension, key, SUM(upheld), SUM(overturned) FROM changes
        GROUP BY 1, 2, 3, 4 HAVING SUM(upheld) <> 0 OR SUM(overturned) <> 0 ORDER BY 1, 2, 3, 4
        ON CONFLICT (month, historical, dimension, key) DO UPDATE
        SET upheld = operations_monthlyoutcome.upheld + EXCLUDED.upheld,
            overturned = operations_monthlyoutcome.overturned + EXCLUDED.overturned
    )
    INSERT INTO operations_yearlyoutcome (year, historical, dimension, key, upheld, overturned)
    SELECT date_trunc('year', day)::date, historical, dimension, key, SUM(upheld), SUM(overturned) FROM changes
    GROUP BY 1, 2, 3, 4 HAVING SUM(upheld) <> 0 OR SUM(overturned) <> 0 ORDER BY 1, 2, 3, 4
    ON CONFLICT (year, historical, dimension, key) DO UPDATE
    SET upheld = operations_yearlyoutcome.upheld + EXCLUDED.upheld,
        overturned = operations_yearlyoutcome.overturned + EXCLUDED.overturned;
    DELETE FROM operations_dailyoutcome WHERE upheld = 0 AND overturned = 0;
    DELETE FROM operations_monthlyoutcome WHERE upheld = 0 AND overturned = 0;
    DELETE FROM operations_yearlyoutcome WHERE upheld = 0 AND overturned = 0;
    """
    )


def statement_trigger(table: str, operation: str, body: str, *, name: str = "") -> str:
    """An AFTER … FOR EACH STATEMENT trigger on ``cases_<table>`` that runs ``body`` with the statement's rows as
    ``old_rows`` and ``new_rows`` (its function and trigger named ``name``, by default ``operations_<table>_<op>``):
    the operations figures' and the quality figures' (``operations/quality_sql.py``)."""
    name = name or f"operations_{table}_{operation}"
    tables = {"insert": "NEW TABLE AS new_rows", "delete": "OLD TABLE AS old_rows"}.get(
        operation, "OLD TABLE AS old_rows NEW TABLE AS new_rows"
    )
    return f"""
    CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        {body}
        RETURN NULL;
    END $$;
    DROP TRIGGER IF EXISTS {name} ON cases_{table};
    CREATE TRIGGER {name} AFTER {operation.upper()} ON cases_{table}
        REFERENCING {tables} FOR EACH STATEMENT EXECUTE FUNCTION {name}();
    """


def _case_triggers() -> list[str]:
    new = f"SELECT {_QUEUE_COLUMNS}, 1 AS delta FROM new_rows"
    old = f"SELECT {_QUEUE_COLUMNS}, -1 AS delta FROM old_rows"
    # An update counts again only the cases whose figure columns changed.
    changed = f"FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE {_row('o')} IS DISTINCT FROM {_row('n')}"
    bodies = {
        "insert": _queue_delta(new) + _records_delta(new) + _apply(None, TABLES._replace(cases="new_rows")),
        "update": _queue_delta(f"{old} UNION ALL {new}")
        + _records_delta(f"{old} UNION ALL {new}")
        + _apply(TABLES._replace(cases=f"(SELECT o.* {changed})"), TABLES._replace(cases=f"(SELECT n.* {changed})")),
        "delete": _queue_delta(old) + _records_delta(old) + _apply(TABLES._replace(cases="old_rows"), None),
    }
    return [statement_trigger("case", operation, body) for operation, body in bodies.items()]


def _before(table: str, columns: str, operation: str, where: str) -> str:
    """``table`` as it was before the statement: without the rows it wrote, with those it changed or deleted."""
    parts = [f"SELECT {columns} FROM {table} WHERE {where}"]
    if operation != "insert":
        parts.append(f"SELECT {columns} FROM old_rows")
    if operation != "delete":
        parts[0] += " AND id NOT IN (SELECT id FROM new_rows)"
    return "(" + " UNION ALL ".join(parts) + ")"


def _dependent_triggers() -> list[str]:
    """Determinations, item decisions and disputed items: their cases' contributions again, read before and after."""
    sql = []
    determination = "id, case_id, state, version"
    decision = "id, determination_id, item_id, decision, basis, basis_none"
    for operation in ("insert", "update", "delete"):
        rows = {"insert": ["new_rows"], "delete": ["old_rows"]}.get(operation, ["old_rows", "new_rows"])
        qa = [(name, -1 if name == "old_rows" else 1) for name in rows]
        touched = " UNION ".join(f"SELECT case_id FROM {name}" for name in rows)
        if operation == "update":
            # A draft saved again (every few seconds) changes none of these: nothing to do.
            touched = (
                "SELECT unnest(ARRAY[o.case_id, n.case_id]) FROM old_rows o JOIN new_rows n ON n.id = o.id "
                "WHERE (o.state, o.qa_at, o.version, o.case_id) "
                "IS DISTINCT FROM (n.state, n.qa_at, n.version, n.case_id)"
            )
            changed = (
                "(SELECT o.* FROM old_rows o JOIN new_rows n ON n.id = o.id "
                "WHERE (o.state, o.qa_at) IS DISTINCT FROM (n.state, n.qa_at))"
            )
            qa = [(changed, -1), (changed.replace("SELECT o.*", "SELECT n.*"), 1)]
        cases = f"(SELECT * FROM cases_case WHERE id IN ({touched}))"
        before = _before("cases_determination", determination, operation, f"case_id IN ({touched})")
        body = _apply(TABLES._replace(cases=cases, determinations=before), TABLES._replace(cases=cases), qa)
        sql.append(statement_trigger("determination", operation, body))
    for operation in ("insert", "update", "delete"):
        rows = {"insert": ["new_rows"], "delete": ["old_rows"]}.get(operation, ["old_rows", "new_rows"])
        determinations = " UNION ".join(f"SELECT determination_id FROM {name}" for name in rows)
        if operation == "update":
            # A rationale or a QA comment edited changes no figure.
            columns = "(o.determination_id, o.item_id, o.decision, o.basis, o.basis_none)"
            determinations = (
                "SELECT unnest(ARRAY[o.determination_id, n.determination_id]) FROM old_rows o "
                f"JOIN new_rows n ON n.id = o.id WHERE {columns} IS DISTINCT FROM {columns.replace('o.', 'n.')}"
            )
        touched = f"SELECT case_id FROM cases_determination WHERE id IN ({determinations})"
        cases = f"(SELECT * FROM cases_case WHERE id IN ({touched}))"
        # Every decision of the touched cases (the one counted may belong to another version than the one changed).
        every = f"determination_id IN (SELECT id FROM cases_determination WHERE case_id IN ({touched}))"
        before = _before("cases_itemdecision", decision, operation, every)
        sql.append(
            statement_trigger(
                "itemdecision",
                operation,
                _apply(TABLES._replace(cases=cases, decisions=before), TABLES._replace(cases=cases)),
            )
        )
    # A disputed item counts once decided; only a change of its category (or case) changes a figure.
    touched = (
        "SELECT unnest(ARRAY[o.case_id, n.case_id]) FROM old_rows o JOIN new_rows n ON n.id = o.id "
        "WHERE (o.category, o.case_id) IS DISTINCT FROM (n.category, n.case_id)"
    )
    cases = f"(SELECT * FROM cases_case WHERE id IN ({touched}))"
    before = _before("cases_disputeditem", "id, category", "update", f"case_id IN ({touched})")
    sql.append(
        statement_trigger(
            "disputeditem", "update", _apply(TABLES._replace(cases=cases, items=before), TABLES._replace(cases=cases))
        )
    )
    return sql


def _local_day(column: str, time_zone: str) -> str:
    return f"(({column}) AT TIME ZONE '{time_zone}')::date"


JSON_TEXTS = """
CREATE OR REPLACE FUNCTION operations_json_texts(value jsonb) RETURNS SETOF text LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN jsonb_typeof(element) = 'string' THEN element #>> '{}' ELSE element ->> 'chapter' END
    FROM jsonb_array_elements(CASE WHEN jsonb_typeof(value) = 'array' THEN value ELSE '[]'::jsonb END) AS element
$$;
"""


def _rebuild_function() -> str:
    everything = f"SELECT {_QUEUE_COLUMNS}, 1 AS delta FROM cases_case"
    return f"""
CREATE OR REPLACE FUNCTION operations_rebuild() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    LOCK TABLE operations_queuecount, operations_reviewerload, operations_recordsawaited, operations_dailyfigure,
               operations_dailyoutcome, operations_monthlyoutcome, operations_yearlyoutcome, operations_dailyage
               IN EXCLUSIVE MODE;
    DELETE FROM operations_queuecount;
    DELETE FROM operations_reviewerload;
    DELETE FROM operations_recordsawaited;
    DELETE FROM operations_dailyfigure;
    DELETE FROM operations_dailyoutcome;
    DELETE FROM operations_monthlyoutcome;
    DELETE FROM operations_yearlyoutcome;
    DELETE FROM operations_dailyage;
    {_queue_delta(everything)}
    {_records_delta(everything)}
    {_apply(None, TABLES, [("cases_determination", 1)])}
END $$;
"""


# The keys the deltas add to (unique: ``ON CONFLICT``), and the few rows a delta left at zero (found at once).
_INDEXES = """
CREATE UNIQUE INDEX IF NOT EXISTS operations_dailyfigure_key ON operations_dailyfigure (day, historical, figure, key);
CREATE UNIQUE INDEX IF NOT EXISTS operations_dailyage_key ON operations_dailyage (day, historical, measure, days);
CREATE UNIQUE INDEX IF NOT EXISTS operations_dailyoutcome_key
    ON operations_dailyoutcome (day, historical, dimension, key);
CREATE INDEX IF NOT EXISTS operations_dailyfigure_zero ON operations_dailyfigure (id) WHERE count = 0;
CREATE INDEX IF NOT EXISTS operations_dailyage_zero ON operations_dailyage (id) WHERE count = 0;
CREATE INDEX IF NOT EXISTS operations_dailyoutcome_zero ON operations_dailyoutcome (id)
    WHERE upheld = 0 AND overturned = 0;
CREATE INDEX IF NOT EXISTS operations_monthlyoutcome_zero ON operations_monthlyoutcome (id)
    WHERE upheld = 0 AND overturned = 0;
CREATE INDEX IF NOT EXISTS operations_yearlyoutcome_zero ON operations_yearlyoutcome (id)
    WHERE upheld = 0 AND overturned = 0;
"""

# What the recompute by day needed (0002) and the deltas do not.
_RETIRED = """
DROP FUNCTION IF EXISTS operations_refresh_days(date[]);
DROP VIEW IF EXISTS operations_decided_item;
DROP INDEX IF EXISTS operations_case_application_day;
DROP INDEX IF EXISTS operations_case_decision_day;
DROP INDEX IF EXISTS operations_determination_qa_day;
"""

TRUNCATE = """
CREATE OR REPLACE FUNCTION operations_case_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM operations_queuecount;
    DELETE FROM operations_reviewerload;
    DELETE FROM operations_recordsawaited;
    DELETE FROM operations_dailyfigure;
    DELETE FROM operations_dailyoutcome;
    DELETE FROM operations_monthlyoutcome;
    DELETE FROM operations_yearlyoutcome;
    DELETE FROM operations_dailyage;
    RETURN NULL;
END $$;
DROP TRIGGER IF EXISTS operations_case_truncate ON cases_case;
CREATE TRIGGER operations_case_truncate AFTER TRUNCATE ON cases_case
    FOR EACH STATEMENT EXECUTE FUNCTION operations_case_truncate();
"""


def install(time_zone: str, *, count_again: bool = True) -> str:
    """Everything, in an order that works on an empty or an installed database (the figures counted again unless
    ``count_again`` is false: ``0004``, whose functions write ``operations_yearlyoutcome`` made by ``0005``)."""
    indexes = _INDEXES if count_again else _INDEXES.split("CREATE INDEX IF NOT EXISTS operations_yearlyoutcome_zero")[0]
    parts = [indexes, _RETIRED, JSON_TEXTS, _rebuild_function(), *_case_triggers(), *_dependent_triggers()]
    parts += [TRUNCATE] + (["SELECT operations_rebuild();"] if count_again else [])
    return "\n".join(parts).replace("{time_zone}", time_zone)


UNINSTALL = """
DROP TRIGGER IF EXISTS operations_case_insert ON cases_case;
DROP TRIGGER IF EXISTS operations_case_update ON cases_case;
DROP TRIGGER IF EXISTS operations_case_delete ON cases_case;
DROP TRIGGER IF EXISTS operations_case_truncate ON cases_case;
DROP TRIGGER IF EXISTS operations_determination_insert ON cases_determination;
DROP TRIGGER IF EXISTS operations_determination_update ON cases_determination;
DROP TRIGGER IF EXISTS operations_determination_delete ON cases_determination;
DROP TRIGGER IF EXISTS operations_itemdecision_insert ON cases_itemdecision;
DROP TRIGGER IF EXISTS operations_itemdecision_update ON cases_itemdecision;
DROP TRIGGER IF EXISTS operations_itemdecision_delete ON cases_itemdecision;
DROP TRIGGER IF EXISTS operations_disputeditem_update ON cases_disputeditem;
DROP FUNCTION IF EXISTS operations_rebuild();
DROP FUNCTION IF EXISTS operations_json_texts(jsonb);
DROP INDEX IF EXISTS operations_dailyfigure_key;
DROP INDEX IF EXISTS operations_dailyage_key;
DROP INDEX IF EXISTS operations_dailyoutcome_key;
DROP INDEX IF EXISTS operations_dailyfigure_zero;
DROP INDEX IF EXISTS operations_dailyage_zero;
DROP INDEX IF EXISTS operations_dailyoutcome_zero;
DROP INDEX IF EXISTS operations_monthlyoutcome_zero;
DROP INDEX IF EXISTS operations_yearlyoutcome_zero;
"""
