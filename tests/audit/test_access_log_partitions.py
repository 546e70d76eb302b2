"""The access log partitioned by month (issue 25): partitions made ahead by the beat task and by a write that found
none, the append-only protection on a partition made after the migration (for the application's role and for the
owner), and retention: export → read back → verify → detach and drop by the owner only, a tampered export refused
before anything is dropped, and a month restored from its export with every row."""

from __future__ import annotations

import datetime
import gzip
import hashlib
import json

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, connections
from django.test import RequestFactory
from django.utils import timezone

from audit import log, partitions, retention
from audit.models import AccessEvent
from audit.roles import grant_application_role
from audit.tasks import make_access_log_partitions
from core.models import AuditEvent
from tests.audit.test_database_roles import database_role, refused

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="partitions are PostgreSQL's (CI runs on it)"),
    pytest.mark.django_db(transaction=True),
]

TABLE = AccessEvent._meta.db_table
COLUMNS = [field.attname for field in AccessEvent._meta.concrete_fields]


def months_from_now(count: int) -> datetime.datetime:
    start = partitions.month_start(timezone.now())
    for _ in range(count):
        start = partitions.next_month(start)
    return start


def drop_partition(start: datetime.datetime) -> None:
    """As the test cluster's superuser: an empty month goes, as if the migration had been run months ago."""
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {partitions.partition_name(start)}")


def names() -> set[str]:
    return {partition.name for partition in partitions.partitions()}


def test_the_beat_task_makes_the_current_month_and_three_ahead():
    ahead = [months_from_now(step) for step in range(4)]
    for start in ahead[1:]:
        drop_partition(start)
    assert {partitions.partition_name(start) for start in ahead[1:]} & names() == set()

    assert make_access_log_partitions() == 3
    assert {partitions.partition_name(start) for start in ahead} <= names()
    assert make_access_log_partitions() == 0  # idempotent


def test_the_applications_role_makes_months_ahead_but_owns_none_of_them():
    drop_partition(months_from_now(2))
    with database_role() as app:
        grant_application_role(app)
        assert partitions.make_ahead(3, using=app) == 1
        with connections[app].cursor() as cursor:
            cursor.execute(
                "SELECT pg_get_userbyid(relowner) FROM pg_class WHERE oid = %s::regclass",
                [partitions.partition_name(months_from_now(2))],
            )
            owner = cursor.fetchone()[0]
        made_elsewhere = refused(
            app, f"CREATE TABLE {TABLE}_y1999m01 PARTITION OF {TABLE} FOR VALUES FROM ('1999-01-01') TO ('1999-02-01')"
        )
    assert owner != app
    assert "permission denied" in made_elsewhere


def test_a_write_that_finds_no_partition_makes_the_month_and_is_kept():
    drop_partition(months_from_now(0))
    request = RequestFactory().get("/cases/1/", HTTP_USER_AGENT="test")
    request.user = AnonymousUser()

    log.record(request, object_type="case", object_id=1, case_number="CM26-0000001")

    assert partitions.partition_name(months_from_now(0)) in names()
    assert list(AccessEvent.objects.values_list("case_number", flat=True)) == ["CM26-0000001"]


def test_a_partition_made_after_the_migration_is_append_only_for_the_application_and_the_owner():
    start = months_from_now(3)
    drop_partition(start)
    make_access_log_partitions()
    name = partitions.partition_name(start)
    with database_role() as app:
        grant_application_role(app)
        AccessEvent.objects.using(app).create(
            at=start + datetime.timedelta(days=2),
            kind="read",
            action="x",
            object_type="case",
            case_number="CM26-0000002",
        )
        answers = [
            refused(app, f"UPDATE {TABLE} SET username = 'x' WHERE at >= %s", [start]),
            refused(app, f"DELETE FROM {TABLE} WHERE at >= %s", [start]),
            refused(app, f"UPDATE {name} SET username = 'x'"),
            refused(app, f"DELETE FROM {name}"),
            refused(app, f"TRUNCATE {name}"),
            refused(app, f"ALTER TABLE {name} DISABLE TRIGGER ALL"),
            refused(app, f"ALTER TABLE {TABLE} DETACH PARTITION {name}"),
        ]
        read = AccessEvent.objects.using(app).filter(at__gte=start).count()
    # The owner (here the cluster's superuser) is refused row by row by the trigger cloned onto the partition.
    owner_answers = [refused("default", f"UPDATE {name} SET username = 'x'"), refused("default", f"DELETE FROM {name}")]

    assert answers == [
        f"permission denied for table {TABLE}",
        f"permission denied for table {TABLE}",
        f"permission denied for table {name}",
        f"permission denied for table {name}",
        f"permission denied for table {name}",
        f"must be owner of table {name}",
        f"must be owner of table {TABLE}",
    ]
    assert read == 1
    assert owner_answers == [f"pgtrigger: Cannot update or delete rows from {name} table"] * 2
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal ORDER BY 1", [name]
        )
        triggers = [row[0] for row in cursor.fetchall()]
    assert triggers == ["access_log_no_truncate", next(t for t in AccessEvent._meta.triggers).get_pgid(AccessEvent)]


# -- retention --


@pytest.fixture
def archive(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "archive": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "archive")},
        },
    }
    settings.ACCESS_LOG_ARCHIVE_STORAGE = "archive"
    return storages["archive"]


@pytest.fixture
def old_month():
    """A month seven years ago with 250 rows (and a row of last month, which stays)."""
    start = partitions.month_start(timezone.now() - datetime.timedelta(days=7 * 366))
    partitions.make_month(start)
    AccessEvent.objects.bulk_create(
        AccessEvent(
            at=start + datetime.timedelta(hours=number * 2, microseconds=number),
            username=f"reader-{number % 7}",
            kind="read",
            action="cases:detail",
            object_type="case",
            object_id=str(number),
            case_number=f"CM19-{number:07d}",
            path=f'/cases/{number}/?q="a,b"\u00e9',
            ip="10.0.0.1" if number % 2 else None,
            user_agent='Mozilla/5.0, "quoted"',
            detail={"n": number, "text": "line,with,commas"},
        )
        for number in range(250)
    )
    last_month = timezone.now() - datetime.timedelta(days=31)
    partitions.make_month(last_month)
    AccessEvent.objects.create(at=last_month, kind="read", action="x", object_type="case")
    return start


def rows_of(start: datetime.datetime) -> list[tuple]:
    end = partitions.next_month(start)
    return list(AccessEvent.objects.filter(at__gte=start, at__lt=end).order_by("id").values_list(*COLUMNS))


def test_retention_exports_verifies_then_drops_and_a_restore_finds_every_row(archive, old_month):
    before = rows_of(old_month)
    name = partitions.partition_name(old_month)

    call_command("access_log_retention")

    assert name not in names()
    assert rows_of(old_month) == []
    assert AccessEvent.objects.count() == 1  # last month's row stays
    manifest = json.loads(archive.open(retention.manifest_name(old_month)).read())
    stored = archive.open(manifest["file"], "rb").read()
    assert manifest["rows"] == 250
    assert hashlib.sha256(stored).hexdigest() == manifest["file_sha256"]
    assert hashlib.sha256(gzip.decompress(stored)).hexdigest() == manifest["csv_sha256"]
    assert gzip.decompress(stored).count(b"\n") >= 251
    dropped = AuditEvent.objects.get(action="access_log.month_dropped")
    assert (dropped.object_id, dropped.detail["rows"], dropped.detail["file_sha256"]) == (
        name,
        250,
        manifest["file_sha256"],
    )

    call_command("access_log_restore", f"{old_month:%Y-%m}")

    assert rows_of(old_month) == before
    assert AuditEvent.objects.filter(action="access_log.month_restored", object_id=name).count() == 1
    # A second restore of a month that has its rows again is refused.
    with pytest.raises(CommandError, match="has rows in the database"):
        call_command("access_log_restore", f"{old_month:%Y-%m}")


def test_a_tampered_export_is_refused_and_nothing_is_dropped(archive, old_month):
    name = partitions.partition_name(old_month)
    (partition,) = [p for p in partitions.partitions() if p.name == name]
    manifest = retention.export(partition)
    # One user name changed in the stored file.
    csv = gzip.decompress(archive.open(manifest["file"], "rb").read()).replace(b"reader-3", b"reader-X", 1)
    archive.delete(manifest["file"])
    archive.save(manifest["file"], ContentFile(gzip.compress(csv)))

    with pytest.raises(CommandError, match="changed or damaged after the export"):
        call_command("access_log_retention")
    assert name in names()
    assert len(rows_of(old_month)) == 250

    # The manifest rewritten to match the tampered file: the comparison with the rows still refuses it.
    manifest |= {
        "file_sha256": hashlib.sha256(archive.open(manifest["file"], "rb").read()).hexdigest(),
        "csv_sha256": hashlib.sha256(csv).hexdigest(),
    }
    archive.delete(retention.manifest_name(old_month))
    archive.save(retention.manifest_name(old_month), ContentFile(json.dumps(manifest).encode()))
    with pytest.raises(CommandError, match="is not the partition's 250 rows as they are now"):
        call_command("access_log_retention")
    assert name in names()
    assert len(rows_of(old_month)) == 250
    assert not AuditEvent.objects.filter(action="access_log.month_dropped").exists()


def test_retention_refuses_the_applications_role(archive, old_month):
    with database_role() as app:
        grant_application_role(app)
        with pytest.raises(CommandError, match="does not own the access log"):
            call_command("access_log_retention", database=app)
        with pytest.raises(CommandError, match="does not own the access log"):
            call_command("access_log_restore", f"{old_month:%Y-%m}", database=app)
    assert partitions.partition_name(old_month) in names()
    assert not archive.exists(retention.manifest_name(old_month))


def test_a_restore_names_a_bad_month_or_a_missing_export(archive):
    with pytest.raises(CommandError, match="'2020-13' is not a month: write it as YYYY-MM"):
        call_command("access_log_restore", "2020-13")
    with pytest.raises(CommandError, match="2014-03: no export is stored"):
        call_command("access_log_restore", "2014-03")


def test_the_search_and_the_case_panel_use_the_case_insensitive_indexes(old_month):
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        plan = AccessEvent.objects.filter(case_number__iexact="cm19-0000003").order_by("-at", "-pk")[:15].explain()
        cursor.execute("RESET enable_seqscan")
    assert "upper_at_idx" in plan
    assert [event.object_id for event in log.accesses_of_case("CM19-0000003")] == ["3"]


def test_the_log_is_still_refused_to_the_superuser_per_row_after_partitioning():
    AccessEvent.objects.create(kind="read", action="x", object_type="case")
    with pytest.raises(DatabaseError, match="Cannot update or delete rows"):
        AccessEvent.objects.update(username="changed")
