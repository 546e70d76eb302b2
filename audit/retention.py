"""Retention of the access log: a month older than ``ACCESS_LOG_RETENTION_MONTHS`` (six years) is exported to storage
as gzip-compressed CSV with a manifest (SHA-256 of the file and of the CSV, the row count and ids), the export read
back and compared with the partition's rows, and only then the partition detached and dropped, in one transaction
with an ``AuditEvent`` that says so. A month is restored from its export by ``restore``.

Only the owner of the tables may do it (``require_owner``): the application's role may not erase the log, and the
commands (``access_log_retention``, ``access_log_restore``) run with ``DATABASE_OWNER_URL`` and refuse otherwise.

Storage: ``storages[ACCESS_LOG_ARCHIVE_STORAGE]`` ("default": the case documents' storage, local or S3), under
``access-log/<year>/``. An export is never overwritten: one that exists is verified, and refused if it differs.
"""

from __future__ import annotations

import datetime
import gzip
import hashlib
import json
import tempfile
from collections.abc import Iterator
from typing import IO, Any

from django.conf import settings
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils import timezone

from audit.models import AccessEvent
from audit.partitions import TABLE, Partition, month_start, partition_name, partitions
from core.models import AuditEvent

COLUMNS = [str(field.column) for field in AccessEvent._meta.concrete_fields]
CHUNK = 1024 * 1024


class RetentionError(Exception):
    """The export is missing, differs from the rows, or the role may not do this: nothing was dropped."""


def _storage():
    return storages[settings.ACCESS_LOG_ARCHIVE_STORAGE]


def export_name(month: datetime.datetime) -> str:
    return f"access-log/{month:%Y}/{partition_name(month)}.csv.gz"


def manifest_name(month: datetime.datetime) -> str:
    return f"access-log/{month:%Y}/{partition_name(month)}.manifest.json"


def require_owner(using: str = DEFAULT_DB_ALIAS) -> str:
    """The connection's role, if it owns the access log (or is a superuser); RetentionError otherwise."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        raise RetentionError("The access log is partitioned on PostgreSQL only: there is nothing to archive here.")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_user, pg_get_userbyid(relowner) = current_user OR "
            "(SELECT rolsuper FROM pg_roles WHERE rolname = current_user) FROM pg_class WHERE oid = %s::regclass",
            [TABLE],
        )
        role, owner = cursor.fetchone()
    if not owner:
        raise RetentionError(
            f"The database role {role!r} does not own the access log: archiving and dropping months is the owner's "
            "(run the command with DATABASE_OWNER_URL set to the owner role's URL)."
        )
    return role


def cutoff(now: datetime.datetime | None = None) -> datetime.datetime:
    """Months that end at or before this instant are past retention."""
    start = month_start(now or timezone.now())
    months = start.year * 12 + start.month - 1 - settings.ACCESS_LOG_RETENTION_MONTHS
    return start.replace(year=months // 12, month=months % 12 + 1)


def expired(now: datetime.datetime | None = None, *, using: str = DEFAULT_DB_ALIAS) -> list[Partition]:
    limit = cutoff(now)
    return [partition for partition in partitions(using) if partition.end <= limit]


def _copy_out(partition: Partition, using: str) -> Iterator[bytes]:
    """The partition's rows as CSV (header, ordered by id), as PostgreSQL's COPY writes them."""
    connection = connections[using]
    columns = ", ".join(connection.ops.quote_name(column) for column in COLUMNS)
    statement = (
        f"COPY (SELECT {columns} FROM {connection.ops.quote_name(partition.name)} ORDER BY id) "
        "TO STDOUT WITH (FORMAT csv, HEADER true)"
    )
    with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
        for data in copy:
            yield bytes(data)


def _stats(partition: Partition, using: str) -> dict[str, Any]:
    connection = connections[using]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*), min(id), max(id) FROM {connection.ops.quote_name(partition.name)}")
        rows, first, last = cursor.fetchone()
    return {"rows": rows, "min_id": first, "max_id": last}


def _lock(partition: Partition, using: str) -> None:
    """No row may be added to the month while it is exported, verified or dropped (the caller's transaction)."""
    connection = connections[using]
    with connection.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {connection.ops.quote_name(partition.name)} IN SHARE MODE")


def export(partition: Partition, *, using: str = DEFAULT_DB_ALIAS) -> dict[str, Any]:
    """Write the month's rows to storage (gzip CSV) and its manifest; the manifest. Refuses to overwrite."""
    storage = _storage()
    name, manifest_path = export_name(partition.start), manifest_name(partition.start)
    if storage.exists(name) or storage.exists(manifest_path):
        raise RetentionError(f"{partition.month}: an export is already stored ({name}); it is verified, not replaced.")
    csv_digest = hashlib.sha256()
    with tempfile.TemporaryFile() as spool, transaction.atomic(using=using):
        _lock(partition, using)
        with gzip.GzipFile(fileobj=spool, mode="wb", mtime=0) as compressed:
            for data in _copy_out(partition, using):
                csv_digest.update(data)
                compressed.write(data)
        stats = _stats(partition, using)
        spool.seek(0)
        file_digest, size = _digest(spool)
        spool.seek(0)
        stored = storage.save(name, File(spool, name=name))
    manifest = {
        "table": TABLE,
        "partition": partition.name,
        "month": partition.month,
        "from": partition.start.isoformat(),
        "to": partition.end.isoformat(),
        "columns": COLUMNS,
        **stats,
        "format": "csv, header, gzip",
        "csv_sha256": csv_digest.hexdigest(),
        "file": stored,
        "file_sha256": file_digest,
        "file_bytes": size,
        "exported_at": timezone.now().isoformat(),
    }
    storage.save(manifest_path, ContentFile(json.dumps(manifest, indent=2).encode()))
    return manifest


def _digest(stream: IO[bytes]) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    while data := stream.read(CHUNK):
        digest.update(data)
        size += len(data)
    return digest.hexdigest(), size


def read_manifest(month: datetime.datetime) -> dict[str, Any]:
    storage = _storage()
    path = manifest_name(month)
    if not storage.exists(path):
        raise RetentionError(f"{month:%Y-%m}: no export is stored ({path}).")
    with storage.open(path, "rb") as handle:
        try:
            return json.loads(handle.read())
        except ValueError as error:
            raise RetentionError(f"{month:%Y-%m}: the manifest {path} is not JSON ({error}).") from None


def read_back(month: datetime.datetime) -> dict[str, Any]:
    """The stored export read back and checked against its manifest (file and CSV hashes, row count); the manifest."""
    manifest = read_manifest(month)
    storage = _storage()
    with storage.open(manifest["file"], "rb") as handle:
        file_digest, _ = _digest(handle)
    if file_digest != manifest["file_sha256"]:
        raise RetentionError(
            f"{manifest['month']}: the stored file {manifest['file']} has SHA-256 {file_digest}, the manifest says "
            f"{manifest['file_sha256']}: it was changed or damaged after the export."
        )
    csv_digest, lines = hashlib.sha256(), 0
    try:
        with storage.open(manifest["file"], "rb") as handle, gzip.GzipFile(fileobj=handle) as plain:
            while data := plain.read(CHUNK):
                csv_digest.update(data)
                lines += data.count(b"\n")
    except (OSError, EOFError) as error:
        raise RetentionError(f"{manifest['month']}: {manifest['file']} does not decompress ({error}).") from None
    if csv_digest.hexdigest() != manifest["csv_sha256"]:
        raise RetentionError(f"{manifest['month']}: the CSV inside {manifest['file']} differs from its manifest.")
    if lines < manifest["rows"] + 1:
        raise RetentionError(f"{manifest['month']}: {manifest['file']} has fewer lines than {manifest['rows']} rows.")
    return manifest


def verify(partition: Partition, *, using: str = DEFAULT_DB_ALIAS) -> dict[str, Any]:
    """The stored export is exactly the partition's rows now: read back, and its CSV's hash equal to a new COPY's.
    Call inside a transaction that holds the partition (``_lock``) until the drop."""
    manifest = read_back(partition.start)
    digest = hashlib.sha256()
    for data in _copy_out(partition, using):
        digest.update(data)
    stats = _stats(partition, using)
    if digest.hexdigest() != manifest["csv_sha256"] or stats["rows"] != manifest["rows"]:
        raise RetentionError(
            f"{partition.month}: the stored export ({manifest['rows']} rows) is not the partition's {stats['rows']} "
            "rows as they are now: export the month again before it can be dropped."
        )
    return manifest


def archive_and_drop(partition: Partition, *, using: str = DEFAULT_DB_ALIAS) -> dict[str, Any]:
    """Export the month (unless already exported), verify the export against its rows, then detach and drop it and
    record that, in one transaction. RetentionError, with nothing dropped, if anything differs."""
    require_owner(using)
    if not _storage().exists(manifest_name(partition.start)):
        export(partition, using=using)
    connection = connections[using]
    with transaction.atomic(using=using):
        _lock(partition, using)
        manifest = verify(partition, using=using)
        with connection.cursor() as cursor:
            name = connection.ops.quote_name(partition.name)
            cursor.execute(f"ALTER TABLE {connection.ops.quote_name(TABLE)} DETACH PARTITION {name}")
            cursor.execute(f"DROP TABLE {name}")
        AuditEvent.objects.using(using).create(
            action="access_log.month_dropped",
            object_type="audit.accessevent",
            object_id=partition.name,
            detail=_summary(manifest),
        )
    return manifest


def _summary(manifest: dict[str, Any]) -> dict[str, Any]:
    keys = ("month", "rows", "min_id", "max_id", "file", "file_sha256", "csv_sha256")
    return {key: manifest[key] for key in keys}


def restore(month: datetime.datetime, *, using: str = DEFAULT_DB_ALIAS) -> dict[str, Any]:
    """Load an exported month back into its partition (made if missing); refuses a month that has rows."""
    require_owner(using)
    manifest = read_back(month)
    connection = connections[using]
    with transaction.atomic(using=using), connection.cursor() as cursor:
        cursor.execute("SELECT audit_accessevent_partition(%s)", [month])
        name = connection.ops.quote_name(cursor.fetchone()[0])
        cursor.execute(f"SELECT count(*) FROM {name}")
        if cursor.fetchone()[0]:
            raise RetentionError(f"{manifest['month']}: the month has rows in the database: nothing was restored.")
        columns = ", ".join(connection.ops.quote_name(column) for column in manifest["columns"])
        with (
            _storage().open(manifest["file"], "rb") as handle,
            gzip.GzipFile(fileobj=handle) as plain,
            cursor.cursor.copy(f"COPY {name} ({columns}) FROM STDIN WITH (FORMAT csv, HEADER true)") as copy,
        ):
            while data := plain.read(CHUNK):
                copy.write(data)
        cursor.execute(f"SELECT count(*) FROM {name}")
        loaded = cursor.fetchone()[0]
        if loaded != manifest["rows"]:
            raise RetentionError(f"{manifest['month']}: {loaded} rows loaded, the manifest says {manifest['rows']}.")
        AuditEvent.objects.using(using).create(
            action="access_log.month_restored",
            object_type="audit.accessevent",
            object_id=manifest["partition"],
            detail=_summary(manifest),
        )
    return manifest
