"""The access log partitioned by month on PostgreSQL (``PARTITION BY RANGE (at)``), its rows kept.

The table is renamed aside, a partitioned table of the same columns made in its place with the same indexes (each
becomes a partitioned index, built on every partition), the same foreign key and the same pgtrigger triggers (the
row trigger that refuses UPDATE and DELETE is cloned to every partition, present and future: PostgreSQL ≥ 13), a
partition for every month from the oldest row to three months ahead, the rows copied over, the old table dropped.

The primary key must include the partition key: it is ``(id, at)`` in the database. Django's model keeps ``id`` as its
primary key (drawn from one sequence, it is unique all the same; nothing references an access-log row).

Two functions keep the months coming (``audit.partitions``):
- ``audit_accessevent_partition(timestamptz)``: the partition of that month, made if missing, with the TRUNCATE guard
  (statement triggers are not cloned) and the application role's SELECT and INSERT (copied from the parent's grants).
  The owner's alone.
- ``audit_accessevent_partitions_ahead(integer)``: the current month and up to 12 ahead, SECURITY DEFINER, so that the
  application's role (which owns nothing and may create nothing) can have the beat task, or a write that found no
  partition, make them. It can make nothing else.

SQLite (development) keeps a plain table.
"""

from django.db import migrations

TABLE = "audit_accessevent"
OLD = "audit_accessevent_unpartitioned"

FUNCTIONS = r"""
CREATE OR REPLACE FUNCTION audit_accessevent_partition(month_start timestamptz) RETURNS text
LANGUAGE plpgsql SET search_path FROM CURRENT AS $fn$
DECLARE
    first timestamp := date_trunc('month', month_start AT TIME ZONE 'UTC');
    name text := format('audit_accessevent_y%sm%s', to_char(first, 'YYYY'), to_char(first, 'MM'));
    guard text;
    grantee text;
BEGIN
    IF to_regclass(name) IS NOT NULL THEN
        RETURN name;
    END IF;
    EXECUTE format(
        'CREATE TABLE %I PARTITION OF audit_accessevent FOR VALUES FROM (%L) TO (%L)',
        name, (first AT TIME ZONE 'UTC'), ((first + interval '1 month') AT TIME ZONE 'UTC')
    );
    -- Row triggers are cloned to the partition; the TRUNCATE guard, a statement trigger, is not.
    SELECT p.oid::regproc::text INTO guard FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid
     WHERE t.tgrelid = 'audit_accessevent'::regclass AND t.tgname LIKE 'pgtrigger_no_truncate_%';
    IF guard IS NOT NULL THEN
        EXECUTE format('CREATE TRIGGER access_log_no_truncate BEFORE TRUNCATE ON %I FOR EACH STATEMENT EXECUTE FUNCTION %s()',
                       name, guard);
    END IF;
    -- Whoever may add to the log may add to (and read) the partition: never UPDATE or DELETE.
    FOR grantee IN
        SELECT DISTINCT a.grantee::regrole::text FROM pg_class c, aclexplode(c.relacl) a
         WHERE c.oid = 'audit_accessevent'::regclass AND a.privilege_type = 'INSERT'
           AND a.grantee <> c.relowner AND a.grantee <> 0
    LOOP
        EXECUTE format('GRANT SELECT, INSERT ON %I TO %s', name, grantee);
    END LOOP;
    RETURN name;
END
$fn$;
REVOKE ALL ON FUNCTION audit_accessevent_partition(timestamptz) FROM PUBLIC;

CREATE OR REPLACE FUNCTION audit_accessevent_partitions_ahead(months integer) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $fn$
DECLARE
    first timestamp := date_trunc('month', now() AT TIME ZONE 'UTC');
    made integer := 0;
BEGIN
    FOR step IN 0 .. least(greatest(months, 0), 12) LOOP
        IF to_regclass(format('audit_accessevent_y%s', to_char(first + make_interval(months => step), 'YYYY"m"MM')))
           IS NULL THEN
            PERFORM audit_accessevent_partition((first + make_interval(months => step)) AT TIME ZONE 'UTC');
            made := made + 1;
        END IF;
    END LOOP;
    RETURN made;
END
$fn$;
REVOKE ALL ON FUNCTION audit_accessevent_partitions_ahead(integer) FROM PUBLIC;
"""


def _rows(cursor, sql, params=()):
    cursor.execute(sql, params)
    return cursor.fetchall()


def partition_by_month(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {TABLE} IN ACCESS EXCLUSIVE MODE")
        # What the table has besides its columns, as it is now (the definitions name it by its present name).
        indexes = _rows(
            cursor,
            "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index "
            "WHERE indrelid = %s::regclass AND NOT indisprimary ORDER BY 1",
            [TABLE],
        )
        foreign_keys = _rows(
            cursor,
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %s::regclass "
            "AND contype = 'f' ORDER BY 1",
            [TABLE],
        )
        triggers = _rows(
            cursor,
            "SELECT tgname, pg_get_triggerdef(oid), obj_description(oid, 'pg_trigger') FROM pg_trigger "
            "WHERE tgrelid = %s::regclass AND NOT tgisinternal ORDER BY 1",
            [TABLE],
        )
        for name, _ in indexes:
            cursor.execute(f"DROP INDEX {name}")
        cursor.execute(f"ALTER TABLE {TABLE} RENAME TO {OLD}")
        cursor.execute(f"ALTER TABLE {OLD} RENAME CONSTRAINT {TABLE}_pkey TO {OLD}_pkey")
        cursor.execute(f"CREATE TABLE {TABLE} (LIKE {OLD} INCLUDING DEFAULTS) PARTITION BY RANGE (at)")
        cursor.execute(f"ALTER TABLE {TABLE} ADD CONSTRAINT {TABLE}_pkey PRIMARY KEY (id, at)")
        for _, definition in indexes:
            cursor.execute(definition)
        for name, definition in foreign_keys:
            cursor.execute(f"ALTER TABLE {TABLE} ADD CONSTRAINT {name} {definition}")
        for name, definition, comment in triggers:
            cursor.execute(definition)
            if comment is not None:
                cursor.execute(f"COMMENT ON TRIGGER {name} ON {TABLE} IS %s", [comment])
        cursor.execute(FUNCTIONS)
        # Every month of the rows kept, and the months ahead.
        cursor.execute(
            f"SELECT audit_accessevent_partition(month AT TIME ZONE 'UTC') FROM generate_series("
            f"date_trunc('month', COALESCE((SELECT min(at) FROM {OLD}), now()) AT TIME ZONE 'UTC'), "
            f"date_trunc('month', now() AT TIME ZONE 'UTC'), interval '1 month') AS month"
        )
        cursor.execute("SELECT audit_accessevent_partitions_ahead(3)")
        (maximum,) = _rows(cursor, f"SELECT max(id) FROM {OLD}")[0]
        cursor.execute(f"ALTER TABLE {OLD} ALTER COLUMN id DROP IDENTITY")  # its sequence goes: the name is free
        cursor.execute(f"CREATE SEQUENCE {TABLE}_id_seq OWNED BY {TABLE}.id")
        if maximum:
            cursor.execute(f"SELECT setval('{TABLE}_id_seq', %s)", [maximum])
        cursor.execute(f"ALTER TABLE {TABLE} ALTER COLUMN id SET DEFAULT nextval('{TABLE}_id_seq')")
        cursor.execute(f"INSERT INTO {TABLE} SELECT * FROM {OLD}")
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the user foreign key's checks, before the table goes
        cursor.execute(f"DROP TABLE {OLD}")

class Migration(migrations.Migration):
    atomic = True

    dependencies = [("audit", "0003_indexes_for_case_insensitive_search")]

    operations = [migrations.RunPython(partition_by_month, elidable=False)]
