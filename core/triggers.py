"""The triggers that keep a register append-only on PostgreSQL (the access log and the older registers).

``append_only()`` goes in a register's ``Meta.triggers``. It refuses every UPDATE and DELETE of a row, and TRUNCATE of
the table by anyone but a superuser (a superuser may do anything anyway; the test database is emptied by one).
The triggers are the second line: the portal's own database role may not UPDATE, DELETE or TRUNCATE these tables at
all, nor alter them (``audit.roles``), so that neither the application nor a stray shell can rewrite the log; the
triggers keep the owner role, which runs the migrations, from doing it by accident.

``audit.roles`` finds the registers by the trigger's name (``APPEND_ONLY``): a register added tomorrow with
``append_only()`` is granted INSERT and SELECT only, with no list to update.
"""

from __future__ import annotations

import pgtrigger

APPEND_ONLY = "append_only"
NO_TRUNCATE = "no_truncate"

_REFUSE_TRUNCATE = """
    IF NOT COALESCE((SELECT rolsuper FROM pg_roles WHERE rolname = current_user), false) THEN
        RAISE EXCEPTION 'append-only: % may not be truncated', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NULL;
"""


def append_only() -> list[pgtrigger.Trigger]:
    """The ``Meta.triggers`` of an append-only register."""
    return [
        pgtrigger.Protect(name=APPEND_ONLY, operation=pgtrigger.Update | pgtrigger.Delete),
        pgtrigger.Trigger(
            name=NO_TRUNCATE,
            level=pgtrigger.Statement,
            when=pgtrigger.Before,
            operation=pgtrigger.Truncate,
            func=_REFUSE_TRUNCATE,
        ),
    ]
