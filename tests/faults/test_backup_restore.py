"""Backup and restore: scripts/backup.sh (pg_dump and every stored file) from one database and its folders, then
scripts/restore.sh into an empty database on the same private PostgreSQL with empty folders, after the originals
are gone. Every case, document and signed letter (superseded versions too) is back, byte for byte."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.faults.servers import ROOT, PostgresCluster, manage, portal_env

pytestmark = pytest.mark.faults


@pytest.fixture
def postgres():
    cluster = PostgresCluster().init()
    cluster.start()
    yield cluster
    cluster.close()


def _env(database_url: str, folder: Path) -> dict[str, str]:
    return portal_env(
        DATABASE_URL=database_url,
        REDIS_URL="",
        MEDIA_ROOT=str(folder / "media"),
        PRIVATE_DIR=str(folder / "private"),
    )


def _inventory(env) -> dict:
    result = subprocess.run(
        [".venv/bin/python", "scripts/storage_copy.py", "verify"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    return json.loads(result.stdout)


def _script(name: str, argument: Path, env) -> subprocess.CompletedProcess:
    result = subprocess.run(
        ["bash", f"scripts/{name}", str(argument)], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, f"{name}: {result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result


def _files(folder: Path) -> dict[str, str]:
    return {
        path.name: hashlib.sha256(path.read_bytes()).hexdigest()
        for path in folder.rglob("*.pdf")
        if "dev-signing" not in path.parts
    }


def test_a_backup_restored_into_an_empty_database_has_every_case_document_and_signed_letter(postgres, tmp_path):
    source = _env(postgres.create_database("imr_source"), tmp_path / "source")
    manage("migrate", "--noinput", env=source)
    manage("shell", "-c", "from tests.faults.backup_data import make; make()", env=source)
    before = _inventory(source)
    assert (len(before["cases"]), len(before["documents"]), len(before["letters"]), before["problems"]) == (5, 6, 6, [])
    files_before = _files(tmp_path / "source")
    assert len(files_before) == 12

    _script("backup.sh", tmp_path / "backup", source)
    assert sorted(path.name for path in (tmp_path / "backup").iterdir()) == [
        "BACKUP-INFO",
        "database.dump",
        "database.dump.sha256",
        "storage",
    ]
    # The originals are lost: the database and both folders.
    subprocess.run(["dropdb", "-h", "127.0.0.1", "-p", str(postgres.port), "-U", "postgres", "imr_source"], check=True)
    shutil.rmtree(tmp_path / "source")

    target = _env(postgres.create_database("imr_restored"), tmp_path / "restored")
    restored = _script("restore.sh", tmp_path / "backup", target)
    assert "Restore complete and verified" in restored.stdout

    after = _inventory(target)
    assert after == before  # the same case numbers, documents and letters, each file's SHA-256 the registered one
    assert _files(tmp_path / "restored") == files_before
    for path in (tmp_path / "restored" / "private" / "letters").rglob("*.pdf"):
        output = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True).stdout
        assert "Signature Validation: Signature is Valid." in output, path

    # Restoring over a database that is not empty is refused, and changes nothing.
    again = subprocess.run(
        ["bash", "scripts/restore.sh", str(tmp_path / "backup")], cwd=ROOT, env=target, capture_output=True, text=True
    )
    assert again.returncode == 1
    assert "restore into an empty database" in again.stderr
    assert _inventory(target) == before


def test_a_local_backup_restored_onto_an_s3_bucket_serves_the_same_bytes(postgres, tmp_path):
    """The same scripts move a portal from its local folders to an S3-compatible bucket (moto's server): every file
    lands in the bucket under its own name and matches the register."""
    from tests.faults.servers import S3Server

    source = _env(postgres.create_database("imr_local"), tmp_path / "source")
    manage("migrate", "--noinput", env=source)
    manage("shell", "-c", "from tests.faults.backup_data import make; make(2, 1)", env=source)
    before = _inventory(source)
    assert (len(before["documents"]), len(before["letters"])) == (4, 3)
    _script("backup.sh", tmp_path / "backup", source)

    s3 = S3Server().start()
    try:
        target = {**_env(postgres.create_database("imr_on_s3"), tmp_path / "empty"), **s3.env()}
        _script("restore.sh", tmp_path / "backup", target)
        assert _inventory(target) == before
        objects = s3.objects()
        assert len(objects) == 7
        hashes = {hashlib.sha256(data).hexdigest() for data in objects.values()}
        assert hashes == set(before["documents"].values()) | set(before["letters"].values())
        assert not (tmp_path / "empty").exists()  # nothing was written to local folders
    finally:
        s3.stop()
