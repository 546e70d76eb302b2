"""/healthz: the database, Redis (when configured) and the storage, with the outbox and the letter backlog as counts.
200 when healthy, 503 when a dependency does not answer; no medical data, no log-in."""

import pytest
from django.utils import timezone

from core.models import OutboxEmail
from letters.models import Letter
from tests.factories import determined_case
from tests.faults.servers import free_port

pytestmark = pytest.mark.django_db


def test_healthy_without_redis_reports_every_check_and_the_backlogs(client, settings, qa_user):
    settings.REDIS_URL = ""
    case = determined_case(qa=qa_user)  # approved, its letter not made yet
    Letter.objects.create(case=case, determination=case.determinations.get(state="approved"), rendition="parties")
    OutboxEmail.objects.create(to=["a@example.org"], subject="One", body=".")
    OutboxEmail.objects.create(to=["b@example.org"], subject="Two", body=".", attempts=2)
    OutboxEmail.objects.create(to=["c@example.org"], subject="Three", body=".", status="failed", attempts=1)
    OutboxEmail.objects.create(to=["d@example.org"], subject="Four", body=".", status="sent", sent_at=timezone.now())

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"
    body = response.json()
    assert body["status"] == "ok"
    assert {name: check["ok"] for name, check in body["checks"].items()} == {
        "database": True,
        "redis": True,
        "storage": True,
    }
    assert body["checks"]["redis"]["configured"] is False
    assert body["checks"]["storage"]["backend"] == "local"
    assert body["checks"]["storage"]["backends"] == {"default": "FileSystemStorage", "letters": "PrivateLetterStorage"}
    outbox = {key: value for key, value in body["outbox"].items() if key not in ("ms", "oldest_queued_minutes")}
    assert outbox == {"ok": True, "queued": 2, "retrying": 1, "failed": 1}
    assert 0 <= body["outbox"]["oldest_queued_minutes"] < 1
    letters = {key: value for key, value in body["letters"].items() if key not in ("ms", "oldest_waiting_minutes")}
    assert letters == {"ok": True, "cases_waiting": 1, "generating": 1, "failed": 0}
    # Counts only: no case number, no name, no address.
    assert case.case_number not in response.content.decode()
    assert "example.org" not in response.content.decode()


def test_redis_down_is_503_and_says_so(client, settings):
    settings.REDIS_URL = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there

    response = client.get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert (body["checks"]["database"]["ok"], body["checks"]["redis"]["ok"], body["checks"]["storage"]["ok"]) == (
        True,
        False,
        True,
    )
    assert body["checks"]["redis"]["error"].startswith("ConnectionError")
    assert body["outbox"]["ok"] is True  # the database still answers: the backlogs are still reported


def test_redis_up_is_200(client, settings):
    import redis

    url = settings.CELERY_BROKER_URL if settings.REDIS_URL == "" else settings.REDIS_URL
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.ConnectionError:
        pytest.fail(f"This test needs the Redis at {url} (make test starts one)")
    settings.REDIS_URL = url

    response = client.get("/healthz")

    assert (response.status_code, response.json()["checks"]["redis"]) == (
        200,
        {"ok": True, "configured": True, "ms": response.json()["checks"]["redis"]["ms"]},
    )


def test_a_storage_folder_that_cannot_be_written_is_503(client, settings, tmp_path):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the letters folder should be")
    settings.PRIVATE_DIR = blocked

    response = client.get("/healthz")

    assert response.status_code == 503
    storage = response.json()["checks"]["storage"]
    assert storage["ok"] is False
    assert storage["error"].startswith("NotADirectoryError: ")
