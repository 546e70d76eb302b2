"""Fixtures of the fault tests: a private Redis the test may stop, and real worker and beat processes it may kill,
against the test database."""

from __future__ import annotations

import hashlib
import subprocess
import sys

import pytest

from tests.faults.servers import PortalProcess, RedisServer, celery_worker, portal_env


@pytest.fixture
def private_redis():
    server = RedisServer().start()
    yield server
    server.close()


@pytest.fixture
def broker(private_redis, settings):
    """This process queues its tasks on the private Redis (not in-process); restored afterwards."""
    from imrportal.celery import app

    previous = app.conf.broker_url
    app.conf.broker_url = private_redis.url()
    app.conf.task_always_eager = False
    settings.CELERY_TASK_ALWAYS_EAGER = False
    app._pool = None
    app.amqp._producer_pool = None
    yield private_redis
    app.conf.broker_url = previous
    app.conf.task_always_eager = True
    app._pool = None
    app.amqp._producer_pool = None


def _database_url() -> str:
    from django.db import connection

    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER'] or ''}{password}@{db['HOST'] or ''}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def worker_env(broker, settings, transactional_db):
    """The environment of a worker or beat process: the test database, the private Redis, the test's folders."""
    return portal_env(
        DATABASE_URL=_database_url(),
        REDIS_URL=broker.url(),
        CELERY_TASK_ALWAYS_EAGER="false",
        MEDIA_ROOT=str(settings.MEDIA_ROOT),
        PRIVATE_DIR=str(settings.PRIVATE_DIR),
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
    )


@pytest.fixture
def processes():
    """Start worker and beat processes; whatever is still running at the end is stopped."""
    started: list[PortalProcess] = []

    class Starter:
        def worker(self, env, log, concurrency: int = 1) -> PortalProcess:
            process = celery_worker(env, log, concurrency=concurrency).start()
            started.append(process)
            return process

        def beat(self, env, log, schedule) -> PortalProcess:
            process = PortalProcess(
                [sys.executable, "-m", "celery", "-A", "imrportal", "beat", "-s", str(schedule), "-l", "info"], env, log
            ).start()
            started.append(process)
            return process

    yield Starter()
    for process in started:
        process.stop()


def pdfsig_valid(path) -> bool:
    """pdfsig (poppler) finds the signature intact: the bytes it covers are unchanged."""
    output = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True).stdout
    return "Signature Validation: Signature is Valid." in output


def assert_letters_exactly_once(case, storage_root) -> None:
    """Both renditions registered once each, signed, their file the registered bytes, valid signatures, one
    ``letter.signed`` audit event each, and no stray file left by a killed attempt."""
    from cases.lifecycle import Status
    from core.models import AuditEvent
    from letters import services
    from letters.models import Letter

    case.refresh_from_db()
    letters = list(Letter.objects.filter(case=case).order_by("rendition"))
    assert [(letter.rendition, letter.version, letter.state) for letter in letters] == [
        ("parties", 1, "signed"),
        ("public", 1, "signed"),
    ], case.case_number
    assert case.status == Status.LETTER_SIGNED
    for letter in letters:
        with letter.file.open("rb") as file:
            data = file.read()
        assert hashlib.sha256(data).hexdigest() == letter.sha256
        assert len(data) == letter.size
        assert pdfsig_valid(letter.file.path), letter.file.path
        assert services.verify_letter_bytes(data).kind == "authentic_current"
        events = AuditEvent.objects.filter(
            action="letter.signed", object_type="letters.letter", object_id=str(letter.pk)
        )
        assert events.count() == 1
    on_disk = sorted(path.name for path in (storage_root / case.case_number).glob("*"))
    assert on_disk == sorted(letter.file.name.rsplit("/", 1)[-1] for letter in letters)
