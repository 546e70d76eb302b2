"""Two database roles: the owner, which runs the migrations, and the application's, which the web and worker
processes use and which owns nothing.

The application's role may SELECT and INSERT the append-only registers (the access log, ``core.AuditEvent``,
``cases.CaseTransition``, ``letters.LetterDownload``, ``letters.ServiceRecipient``: every model whose triggers include
``core.triggers.APPEND_ONLY``) and nothing else on them: no UPDATE, DELETE or TRUNCATE, and, owning no table, no
ALTER TABLE, no DISABLE or DROP TRIGGER. ``pgtrigger.ignore`` gives it nothing either: the privilege is checked
before any trigger runs. Every other table it may read and write as usual, and it may draw keys from every sequence.

``grant_application_role`` is run by ``migrate`` (``post_migrate``, on the owner's connection) after every migration,
so a table made by a later migration is granted by the same run that made it; until then the application's role
cannot touch it at all (a half-finished migration fails closed).
"""

from __future__ import annotations

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, connections

from core.triggers import APPEND_ONLY

# What the owner's URL decides: who connects and where (a direct connection while the portal goes through a pooler).
# Not the database's name: that stays the connection's own, so that a test run migrates its test database.
_OWNER_KEYS = ("USER", "PASSWORD", "HOST", "PORT")


def append_only_tables() -> list[str]:
    """The tables of every model that carries the append-only trigger."""
    return sorted(
        model._meta.db_table
        for model in apps.get_models()
        if any(trigger.name == APPEND_ONLY for trigger in getattr(model._meta, "triggers", []))
    )


def grant_application_role(role: str, *, using: str = DEFAULT_DB_ALIAS) -> None:
    """Give ``role`` ordinary DML on every table of the schema, but only SELECT and INSERT on the registers.

    Run as the owner of the tables (or a superuser). Idempotent. Refuses a role that owns a table: it could alter the
    table and drop its triggers, which is what this arrangement is for."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return
    quoted = connection.ops.quote_name(role)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tableowner = %s ORDER BY 1",
            [role],
        )
        owned = [name for (name,) in cursor.fetchall()]
        if owned:
            raise ImproperlyConfigured(
                f"The application's database role {role!r} owns {len(owned)} tables ({', '.join(owned[:3])}, ...): "
                "it could drop the access log's triggers. Make the owner role own them (as a superuser: "
                f"REASSIGN OWNED BY {role} TO <owner role>), then run migrate again (docs/deploy.md, PostgreSQL)."
            )
        cursor.execute("SELECT current_schema()")
        schema = connection.ops.quote_name(cursor.fetchone()[0])
        cursor.execute(f"GRANT USAGE ON SCHEMA {schema} TO {quoted}")
        cursor.execute(f"REVOKE TRUNCATE, REFERENCES, TRIGGER ON ALL TABLES IN SCHEMA {schema} FROM {quoted}")
        cursor.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {quoted}")
        cursor.execute(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {quoted}")
        tables = append_only_tables()
        # The partitions of a register (the access log's months, audit.partitions) are registers too.
        cursor.execute(
            "SELECT inhrelid::regclass::text FROM pg_inherits WHERE inhparent::regclass::text = ANY(%s) ORDER BY 1",
            [tables],
        )
        tables += [name for (name,) in cursor.fetchall()]
        registers = ", ".join(connection.ops.quote_name(table) for table in tables)
        if registers:
            cursor.execute(f"REVOKE UPDATE, DELETE ON {registers} FROM {quoted}")
        # It may have the access log's months made ahead (a SECURITY DEFINER function that can make nothing else).
        cursor.execute("SELECT to_regprocedure('audit_accessevent_partitions_ahead(integer)') IS NOT NULL")
        if cursor.fetchone()[0]:
            cursor.execute(f"GRANT EXECUTE ON FUNCTION audit_accessevent_partitions_ahead(integer) TO {quoted}")


def connect_as_owner() -> None:
    """From here on this process's default connection is the owner's (DATABASE_OWNER_URL): for ``migrate``, whose
    data migrations write through the default connection too. The connection remembers the role it replaces, which
    ``grant_after_migrate`` grants."""
    owner = {key: settings.DATABASE_OWNER[key] for key in _OWNER_KEYS if key in settings.DATABASE_OWNER}
    application = connections[DEFAULT_DB_ALIAS]
    application.close()
    # A connection of this thread only; settings.DATABASES keeps naming the application's role.
    owner_connection = application.__class__({**application.settings_dict, **owner}, DEFAULT_DB_ALIAS)
    owner_connection.application_role = application.settings_dict.get("USER") or ""
    connections[DEFAULT_DB_ALIAS] = owner_connection


def grant_after_migrate(sender, using: str = DEFAULT_DB_ALIAS, **kwargs) -> None:
    """``post_migrate``: when ``migrate`` ran as the owner (``connect_as_owner``), grant the application's role."""
    connection = connections[using]
    role = getattr(connection, "application_role", "")
    if role and role != connection.settings_dict.get("USER"):
        grant_application_role(role, using=using)
