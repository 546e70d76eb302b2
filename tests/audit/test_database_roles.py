"""Finding 2 of issue 20: the access log and the older registers could be erased by the application's own database
role (TRUNCATE, ALTER TABLE ... DISABLE TRIGGER, DROP TRIGGER, ``pgtrigger.ignore``). The portal now runs as a role
that owns nothing (``audit.roles``): these tests create such a role in the test cluster, grant it exactly what
``migrate`` grants (``grant_application_role``, run by ``post_migrate`` on the owner's connection), connect AS that
role through Django and try every way of the finding."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager

import pgtrigger
import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import DatabaseError, connection, connections, transaction

from audit.models import AccessEvent
from audit.roles import append_only_tables, grant_application_role
from cases.models import Case, CaseTransition
from core.models import AuditEvent, Party
from letters.models import LetterDownload, ServiceRecipient
from tests import factories

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="database roles are PostgreSQL's (CI runs on it)"),
    pytest.mark.django_db(transaction=True),
]

REGISTERS = [AccessEvent, AuditEvent, CaseTransition, LetterDownload, ServiceRecipient]


@contextmanager
def database_role(*, superuser_grants: str = "") -> Iterator[str]:
    """A new log-in role of the test cluster, connected to the test database as the alias it is named after."""
    role = f"imr_test_{secrets.token_hex(6)}"
    password = secrets.token_hex(16)
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE ROLE {role} LOGIN PASSWORD '{password}'")
        if superuser_grants:
            cursor.execute(superuser_grants.format(role=role))
    # A connection made here, not in settings.DATABASES: Django's test case lets it connect.
    default = connections["default"]
    connections[role] = default.__class__({**default.settings_dict, "USER": role, "PASSWORD": password}, role)
    try:
        yield role
    finally:
        connections[role].close()
        del connections[role]
        with connection.cursor() as cursor:
            cursor.execute(f"DROP OWNED BY {role}")
            cursor.execute(f"DROP ROLE {role}")


def refused(alias: str, statement: str, params=()) -> str:
    """Run ``statement`` as ``alias``; the database's refusal (a test failure when it is not refused)."""
    try:
        with transaction.atomic(using=alias), connections[alias].cursor() as cursor:
            cursor.execute(statement, params)
    except DatabaseError as error:
        return str(error).splitlines()[0]
    pytest.fail(f"the application's role was allowed: {statement}")


@pytest.fixture
def registers_with_rows(admin_user):
    case = factories.case_in_review(factories.UserFactory())  # transitions and audit events
    AuditEvent.objects.create(action="x", object_type="case", object_id=str(case.pk))
    AccessEvent.objects.create(kind="read", action="cases:detail", object_type="case", case_number=case.case_number)
    return case


def test_the_registers_are_found_by_their_trigger_not_by_a_list():
    assert append_only_tables() == sorted(model._meta.db_table for model in REGISTERS)


def test_the_applications_role_cannot_update_delete_truncate_alter_or_drop_the_triggers_of_any_register(
    registers_with_rows,
):
    with database_role() as app:
        grant_application_role(app)
        answers = {}
        for model in REGISTERS:
            table = model._meta.db_table
            trigger = next(t for t in model._meta.triggers if t.name == "append_only").get_pgid(model)
            answers[table] = [
                refused(app, f"UPDATE {table} SET id = id"),
                refused(app, f"DELETE FROM {table}"),
                refused(app, f"TRUNCATE {table}"),
                refused(app, f"TRUNCATE {table} CASCADE"),
                refused(app, f"ALTER TABLE {table} DISABLE TRIGGER ALL"),
                refused(app, f"ALTER TABLE {table} DISABLE TRIGGER USER"),
                refused(app, f"ALTER TABLE {table} DISABLE TRIGGER {trigger}"),
                refused(app, f"DROP TRIGGER {trigger} ON {table}"),
                refused(app, f"ALTER TABLE {table} OWNER TO {app}"),
            ]

    assert answers == {
        table: [
            *[f"permission denied for table {table}"] * 4,
            f"must be owner of table {table}",
            f"must be owner of table {table}",
            f"must be owner of table {table}",
            f"must be owner of relation {table}",
            f"must be owner of table {table}",
        ]
        for table in (model._meta.db_table for model in REGISTERS)
    }
    assert CaseTransition.objects.filter(case=registers_with_rows).count() > 0
    assert AccessEvent.objects.count() == 1


def test_pgtrigger_ignore_gives_the_applications_role_nothing(registers_with_rows):
    with database_role() as app:
        grant_application_role(app)
        with (
            pytest.raises(DatabaseError, match="permission denied for table audit_accessevent"),
            pgtrigger.ignore("audit.AccessEvent:append_only", databases=[app]),
            transaction.atomic(using=app),
        ):
            AccessEvent.objects.using(app).update(username="nobody")
        with (
            pytest.raises(DatabaseError, match="permission denied for table cases_casetransition"),
            pgtrigger.ignore("cases.CaseTransition:append_only", databases=[app]),
            transaction.atomic(using=app),
        ):
            CaseTransition.objects.using(app).filter(case=registers_with_rows).delete()

    assert list(AccessEvent.objects.values_list("username", flat=True)) == [""]
    assert CaseTransition.objects.filter(case=registers_with_rows).count() > 0


def test_the_applications_role_adds_to_and_reads_the_log_and_writes_ordinary_tables(registers_with_rows):
    case = registers_with_rows
    with database_role() as app:
        grant_application_role(app)
        AccessEvent.objects.using(app).create(kind="read", action="test", object_type="case", case_number="x")
        read = AccessEvent.objects.using(app).count()
        Case.objects.using(app).filter(pk=case.pk).update(employee_name="Renamed Worker")
        party = Party.objects.using(app).create(kind="employer", name="Acme Test Employer")
        Party.objects.using(app).filter(pk=party.pk).delete()
        with connections[app].cursor() as cursor:  # the importer draws keys from the sequences (core.bulk)
            cursor.execute("SELECT nextval(pg_get_serial_sequence('cases_case', 'id'))")
            drawn = cursor.fetchone()[0]

    assert read == 2
    assert Case.objects.get(pk=case.pk).employee_name == "Renamed Worker"
    assert Party.objects.filter(name="Acme Test Employer").exists() is False
    assert drawn > case.pk


def test_a_table_made_by_a_later_migration_is_granted_by_the_next_grant(registers_with_rows):
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE audit_later_table (id bigserial PRIMARY KEY, note text)")
    try:
        with database_role() as app:
            before = refused(app, "INSERT INTO audit_later_table (note) VALUES ('x')")
            grant_application_role(app)
            with connections[app].cursor() as cursor:
                cursor.execute("INSERT INTO audit_later_table (note) VALUES ('x')")
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE audit_later_table")

    assert before == "permission denied for table audit_later_table"


def test_a_role_that_owns_tables_is_refused_as_the_applications_role():
    with database_role() as app:
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE TABLE audit_owned_by_app (id int); ALTER TABLE audit_owned_by_app OWNER TO {app}")
        with pytest.raises(ImproperlyConfigured, match="owns 1 tables"):
            grant_application_role(app)


def test_even_a_role_allowed_to_truncate_the_registers_is_stopped_by_the_trigger(registers_with_rows):
    """The owner role (not a superuser) holds TRUNCATE on its tables: the trigger still refuses it."""
    tables = ", ".join(model._meta.db_table for model in REGISTERS)
    with database_role(superuser_grants=f"GRANT TRUNCATE, SELECT ON {tables} TO {{role}}") as owner_like:
        answers = [refused(owner_like, f"TRUNCATE {model._meta.db_table}") for model in REGISTERS]

    assert answers == [f"append-only: {model._meta.db_table} may not be truncated" for model in REGISTERS]
    assert AccessEvent.objects.count() == 1


def test_migrate_runs_as_the_owner_and_grants_the_applications_role(settings):
    """``manage.py migrate`` with DATABASE_OWNER_URL set, in a process whose DATABASE_URL is the application's role
    (which may not even read the migrations table yet): it connects as the owner (here the test cluster's superuser
    stands for it) and its post_migrate step grants the application's role."""
    default = connections["default"]
    settings.DATABASE_OWNER = {"USER": default.settings_dict["USER"], "PASSWORD": default.settings_dict["PASSWORD"]}
    with database_role() as app:
        connections["default"] = connections[app]
        try:
            call_command("migrate", verbosity=0)
        finally:
            connections["default"].close()
            connections["default"] = default
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT has_table_privilege(%s, 'audit_accessevent', 'INSERT'),"
                " has_table_privilege(%s, 'audit_accessevent', 'DELETE'),"
                " has_table_privilege(%s, 'cases_case', 'UPDATE')",
                [app, app, app],
            )
            privileges = cursor.fetchone()

    assert privileges == (True, False, True)
