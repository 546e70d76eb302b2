"""The SQL that keeps the aggregates of ``operations.models``: installed by migration ``0002``, on PostgreSQL only.

- ``operations_decided_item``: a view of the decided items (the latest approved determination of each decided case
  that is not joined into another), the one definition of "an item upheld or overturned".
- ``operations_refresh_days(date[])``: recomputes the daily tables for the given days. Each day is recomputed under a
  transaction-level advisory lock (one of 64, by day), taken in order: a concurrent recompute of the same day waits for
  the first to commit, then reads what it wrote (each statement of a volatile function takes a new snapshot), so no
  count is lost or doubled.
- statement-level triggers on ``cases_case`` (the open-queue deltas, and the days whose figures a statement touched),
  ``cases_determination`` (QA's days, and the decided days of their cases) and ``cases_itemdecision``.
- ``operations_rebuild()``: everything again, for a load that bypassed the triggers.
"""

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


def _case_trigger(operation: str) -> str:
    new = f"SELECT {_QUEUE_COLUMNS}, 1 AS delta FROM new_rows"
    old = f"SELECT {_QUEUE_COLUMNS}, -1 AS delta FROM old_rows"
    if operation == "insert":
        changes = new
        days = "SELECT application_received FROM new_rows UNION SELECT decision_date FROM new_rows"
    elif operation == "delete":
        changes = old
        days = "SELECT application_received FROM old_rows UNION SELECT decision_date FROM old_rows"
    else:
        changes = f"{old} UNION ALL {new}"
        days = (
            "SELECT unnest(ARRAY[o.application_received, n.application_received, o.decision_date, n.decision_date]) "
            f"FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE {_row('o')} IS DISTINCT FROM {_row('n')}"
        )
    return f"""
    CREATE OR REPLACE FUNCTION operations_case_{operation}() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        {_queue_delta(changes)}
        {_records_delta(changes)}
        PERFORM operations_refresh_days(ARRAY({days}));
        RETURN NULL;
    END $$;
    DROP TRIGGER IF EXISTS operations_case_{operation} ON cases_case;
    CREATE TRIGGER operations_case_{operation} AFTER {operation.upper()} ON cases_case
        REFERENCING {"NEW TABLE AS new_rows" if operation != "delete" else ""}
        {"OLD TABLE AS old_rows" if operation != "insert" else ""}
        FOR EACH STATEMENT EXECUTE FUNCTION operations_case_{operation}();
    """


def _dependent_trigger(table: str, operation: str, case_ids: str, extra_days: str = "") -> str:
    """A trigger on a table of a case's decision: the decided days of the cases it names (and ``extra_days``)."""
    tables = {"insert": "NEW TABLE AS new_rows", "delete": "OLD TABLE AS old_rows"}.get(
        operation, "OLD TABLE AS old_rows NEW TABLE AS new_rows"
    )
    union = f" UNION {extra_days}" if extra_days else ""
    return f"""
    CREATE OR REPLACE FUNCTION operations_{table}_{operation}() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        PERFORM operations_refresh_days(ARRAY(
            SELECT decision_date FROM cases_case WHERE id IN ({case_ids}){union}
        ));
        RETURN NULL;
    END $$;
    DROP TRIGGER IF EXISTS operations_{table}_{operation} ON cases_{table};
    CREATE TRIGGER operations_{table}_{operation} AFTER {operation.upper()} ON cases_{table}
        REFERENCING {tables} FOR EACH STATEMENT EXECUTE FUNCTION operations_{table}_{operation}();
    """


def _local_day(column: str, time_zone: str) -> str:
    return f"(({column}) AT TIME ZONE '{time_zone}')::date"


def _determination_triggers(time_zone: str) -> str:
    sql = []
    for operation in ("insert", "update", "delete"):
        rows = {"insert": ["new_rows"], "delete": ["old_rows"]}.get(operation, ["old_rows", "new_rows"])
        changed = " UNION ALL ".join(f"SELECT case_id, qa_at, state FROM {name}" for name in rows)
        if operation == "update":
            # A draft saved again (every few seconds) changes neither its state nor QA's time: nothing to do.
            changed = (
                "SELECT o.case_id, o.qa_at, o.state FROM old_rows o JOIN new_rows n ON n.id = o.id "
                "WHERE (o.state, o.qa_at) IS DISTINCT FROM (n.state, n.qa_at) "
                "UNION ALL SELECT n.case_id, n.qa_at, n.state FROM old_rows o JOIN new_rows n ON n.id = o.id "
                "WHERE (o.state, o.qa_at) IS DISTINCT FROM (n.state, n.qa_at)"
            )
        sql.append(
            _dependent_trigger(
                "determination",
                operation,
                f"SELECT case_id FROM ({changed}) AS changed",
                f"SELECT {_local_day('qa_at', time_zone)} FROM ({changed}) AS changed",
            )
        )
    for operation in ("insert", "update", "delete"):
        rows = {"insert": ["new_rows"], "delete": ["old_rows"]}.get(operation, ["old_rows", "new_rows"])
        determinations = " UNION ".join(f"SELECT determination_id FROM {name}" for name in rows)
        sql.append(
            _dependent_trigger(
                "itemdecision",
                operation,
                f"SELECT case_id FROM cases_determination WHERE id IN ({determinations})",
            )
        )
    return "\n".join(sql)


DECIDED_ITEM_VIEW = f"""
CREATE OR REPLACE FUNCTION operations_json_texts(value jsonb) RETURNS SETOF text LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN jsonb_typeof(element) = 'string' THEN element #>> '{{}}' ELSE element ->> 'chapter' END
    FROM jsonb_array_elements(CASE WHEN jsonb_typeof(value) = 'array' THEN value ELSE '[]'::jsonb END) AS element
$$;

CREATE OR REPLACE VIEW operations_decided_item AS
SELECT c.id AS case_id, c.decision_date AS day, c.status = 'closed' AS historical, c.reviewer_id,
       c.claims_administrator_id, c.requesting_provider_id, c.reviewer_credentials, i.category,
       d.decision, d.basis, d.basis_none
FROM cases_case c
JOIN LATERAL (
    SELECT id FROM cases_determination
    WHERE case_id = c.id AND state = 'approved' ORDER BY version DESC LIMIT 1
) AS latest ON true
JOIN cases_itemdecision d ON d.determination_id = latest.id AND d.decision IN ('upheld', 'overturned')
JOIN cases_disputeditem i ON i.id = d.item_id
WHERE c.status IN {DECIDED} AND c.joined_into_id IS NULL AND c.decision_date IS NOT NULL;
"""


def _refresh_function(time_zone: str) -> str:
    decided = f"c.status IN {DECIDED} AND c.joined_into_id IS NULL AND c.decision_date IS NOT NULL"
    return f"""
CREATE OR REPLACE FUNCTION operations_refresh_days(touched date[]) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    wanted date[];
BEGIN
    SELECT COALESCE(array_agg(DISTINCT day ORDER BY day), '{{}}') INTO wanted
    FROM unnest(touched) AS day WHERE day IS NOT NULL;
    IF cardinality(wanted) = 0 THEN
        RETURN;
    END IF;
    PERFORM pg_advisory_xact_lock(738101, bucket)
    FROM (SELECT DISTINCT mod(day - DATE '2000-01-01', 64) AS bucket FROM unnest(wanted) AS day) AS buckets
    ORDER BY bucket;

    DELETE FROM operations_dailyfigure WHERE day = ANY(wanted);
    DELETE FROM operations_dailyoutcome WHERE day = ANY(wanted);
    DELETE FROM operations_dailyage WHERE day = ANY(wanted);

    -- By the day the application was received.
    INSERT INTO operations_dailyfigure (day, historical, figure, key, count)
    SELECT c.application_received, c.status = 'closed' AND c.joined_into_id IS NULL, f.figure, f.key, COUNT(*)
    FROM cases_case c
    CROSS JOIN LATERAL (VALUES
        ('received', '', true),
        ('unique', '', c.joined_into_id IS NULL),
        ('eligible', '', c.status NOT IN ('received', 'ineligible') AND c.joined_into_id IS NULL),
        ('ineligible', left(split_part(btrim(c.ineligible_reason), E'\\n', 1), 200), c.status = 'ineligible'),
        ('withdrawn', '', c.status = 'withdrawn'),
        ('terminated', '', c.status = 'terminated')
    ) AS f(figure, key, applies)
    WHERE c.application_received = ANY(wanted) AND f.applies
    GROUP BY 1, 2, 3, 4;

    -- By the day of the decision: cases.
    INSERT INTO operations_dailyfigure (day, historical, figure, key, count)
    SELECT c.decision_date, c.status = 'closed', f.figure, f.key, COUNT(*)
    FROM cases_case c
    CROSS JOIN LATERAL (
        SELECT COUNT(*) FILTER (WHERE x.decision = 'upheld') AS upheld,
               COUNT(*) FILTER (WHERE x.decision = 'overturned') AS overturned
        FROM operations_decided_item x WHERE x.case_id = c.id
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
    WHERE c.decision_date = ANY(wanted) AND {decided} AND f.applies
    GROUP BY 1, 2, 3, 4;

    -- By the day of the decision: the two ages.
    INSERT INTO operations_dailyage (day, historical, measure, days, count)
    SELECT c.decision_date, c.status = 'closed', m.measure, m.days, COUNT(*)
    FROM cases_case c
    CROSS JOIN LATERAL (VALUES
        ('application', c.decision_date - c.application_received),
        ('records', CASE WHEN c.application_received IS NOT NULL AND c.records_received IS NOT NULL
                         THEN c.decision_date - GREATEST(c.application_received, c.records_received, c.reopened_on)
                    END)
    ) AS m(measure, days)
    WHERE c.decision_date = ANY(wanted) AND {decided} AND m.days IS NOT NULL
    GROUP BY 1, 2, 3, 4;

    -- By the day of the decision: items, one dimension at a time.
    INSERT INTO operations_dailyoutcome (day, historical, dimension, key, upheld, overturned)
    SELECT x.day, x.historical, k.dimension, k.key,
           COUNT(*) FILTER (WHERE x.decision = 'upheld'), COUNT(*) FILTER (WHERE x.decision = 'overturned')
    FROM operations_decided_item x
    CROSS JOIN LATERAL (
        SELECT 'all', ''
        UNION ALL SELECT 'category', x.category
        UNION ALL SELECT 'claims_administrator', COALESCE(x.claims_administrator_id::text, '')
        UNION ALL SELECT 'physician', COALESCE(x.requesting_provider_id::text, '')
        UNION ALL SELECT 'reviewer', COALESCE(x.reviewer_id::text, '')
        UNION ALL (SELECT DISTINCT 'specialty', name
                   FROM operations_json_texts(x.reviewer_credentials -> 'certifications') AS name
                   WHERE name IS NOT NULL AND name <> '')
        UNION ALL (SELECT DISTINCT 'guideline', left(name, 300)
                   FROM (SELECT operations_json_texts(x.basis -> 'mtus')
                         UNION ALL SELECT operations_json_texts(x.basis -> 'non_mtus')) AS cited(name)
                   WHERE name IS NOT NULL AND name <> '')
        UNION ALL SELECT 'guideline', 'none' WHERE x.basis_none
    ) AS k(dimension, key)
    WHERE x.day = ANY(wanted)
    GROUP BY 1, 2, 3, 4;

    -- By the day of QA (the organization's time zone).
    INSERT INTO operations_dailyfigure (day, historical, figure, key, count)
    SELECT {_local_day("d.qa_at", time_zone)}, false, f.figure, '', COUNT(*)
    FROM cases_determination d
    CROSS JOIN LATERAL (VALUES
        ('qa_reviewed', d.state IN ('approved', 'returned')),
        ('qa_returned', d.state = 'returned')
    ) AS f(figure, applies)
    WHERE {_local_day("d.qa_at", time_zone)} = ANY(wanted) AND f.applies
    GROUP BY 1, 3;
END $$;

CREATE OR REPLACE FUNCTION operations_rebuild() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    LOCK TABLE operations_queuecount, operations_reviewerload, operations_recordsawaited, operations_dailyfigure,
               operations_dailyoutcome,
               operations_dailyage IN EXCLUSIVE MODE;
    DELETE FROM operations_queuecount;
    DELETE FROM operations_reviewerload;
    DELETE FROM operations_recordsawaited;
    DELETE FROM operations_dailyfigure;
    DELETE FROM operations_dailyoutcome;
    DELETE FROM operations_dailyage;
    {_queue_delta(f"SELECT {_QUEUE_COLUMNS}, 1 AS delta FROM cases_case")}
    {_records_delta(f"SELECT {_QUEUE_COLUMNS}, 1 AS delta FROM cases_case")}
    PERFORM operations_refresh_days(ARRAY(
        SELECT application_received FROM cases_case UNION SELECT decision_date FROM cases_case
        UNION SELECT {_local_day("qa_at", time_zone)} FROM cases_determination
    ));
END $$;
"""


def _indexes(time_zone: str) -> str:
    """The days the recompute reads cases and determinations by (QA's day in the organization's time zone)."""
    return f"""
    CREATE INDEX IF NOT EXISTS operations_case_application_day ON cases_case (application_received);
    CREATE INDEX IF NOT EXISTS operations_case_decision_day ON cases_case (decision_date);
    CREATE INDEX IF NOT EXISTS operations_determination_qa_day
        ON cases_determination (({_local_day("qa_at", time_zone)}));
    """


TRUNCATE = """
CREATE OR REPLACE FUNCTION operations_case_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM operations_queuecount;
    DELETE FROM operations_reviewerload;
    DELETE FROM operations_recordsawaited;
    DELETE FROM operations_dailyfigure;
    DELETE FROM operations_dailyoutcome;
    DELETE FROM operations_dailyage;
    RETURN NULL;
END $$;
DROP TRIGGER IF EXISTS operations_case_truncate ON cases_case;
CREATE TRIGGER operations_case_truncate AFTER TRUNCATE ON cases_case
    FOR EACH STATEMENT EXECUTE FUNCTION operations_case_truncate();
"""


def install(time_zone: str) -> str:
    """Everything, in an order that works on an empty or an installed database."""
    parts = [_indexes(time_zone), DECIDED_ITEM_VIEW, _refresh_function(time_zone)]
    parts += [_case_trigger(operation) for operation in ("insert", "update", "delete")]
    parts += [_determination_triggers(time_zone), TRUNCATE, "SELECT operations_rebuild();"]
    return "\n".join(parts)


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
DROP FUNCTION IF EXISTS operations_rebuild();
DROP FUNCTION IF EXISTS operations_refresh_days(date[]);
DROP VIEW IF EXISTS operations_decided_item;
DROP FUNCTION IF EXISTS operations_json_texts(jsonb);
DROP INDEX IF EXISTS operations_case_application_day;
DROP INDEX IF EXISTS operations_case_decision_day;
DROP INDEX IF EXISTS operations_determination_qa_day;
"""
