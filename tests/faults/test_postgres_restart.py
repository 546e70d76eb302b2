"""PostgreSQL restarted under gunicorn: a private PostgreSQL cluster (its own port and folder) serves a gunicorn portal
(2 workers, 4 threads each, persistent connections). Requests made while the database is down get the portal's own
error page (500) or a 503 from /healthz, never a traceback or a dropped connection; once the database is back every
request succeeds again, with the same gunicorn processes (no restart)."""

from __future__ import annotations

import http.client
import http.cookiejar
import re
import threading
import time
import urllib.parse
import urllib.request

import pytest

from tests.faults.servers import PostgresCluster, free_port, gunicorn, manage, portal_env, wait_until

pytestmark = pytest.mark.faults

PASSWORD = "fault-test-password-7"
ERROR_PAGE = "The error was recorded. What you last sent may not have been saved"


@pytest.fixture
def postgres():
    cluster = PostgresCluster().init()
    cluster.start()
    yield cluster
    cluster.close()


@pytest.fixture
def portal(postgres, tmp_path):
    """gunicorn serving the portal against the private cluster, with an administrator to log in as."""
    port = free_port()
    env = portal_env(
        DATABASE_URL=postgres.create_database("imr_fault"),
        DATABASE_CONN_MAX_AGE="600",
        REDIS_URL="",
        MEDIA_ROOT=str(tmp_path / "media"),
        PRIVATE_DIR=str(tmp_path / "private"),
        ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SUPERUSER_PASSWORD=PASSWORD,
    )
    manage("migrate", "--noinput", env=env)
    manage("createsuperuser", "--noinput", "--username", "chief", "--email", "chief@example.org", env=env)
    server = gunicorn(env, tmp_path / "gunicorn.log", port, workers=2, threads=4).start()
    try:
        wait_until(lambda: _status(port, "/healthz") == 200, 60, what="gunicorn answering")
        yield port, server
    finally:
        server.stop()


def _status(port: int, path: str) -> int | None:
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        connection.request("GET", path)
        return connection.getresponse().status
    except OSError:
        return None


def _logged_in_cookie(port: int) -> str:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    login_url = f"http://127.0.0.1:{port}/accounts/login/"
    page = opener.open(login_url).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode({"username": "chief", "password": PASSWORD, "csrfmiddlewaretoken": token}).encode()
    opener.open(urllib.request.Request(login_url, data=data, headers={"Referer": login_url}))
    cookies = {cookie.name: cookie.value for cookie in jar}
    assert "sessionid" in cookies, "the log-in did not succeed"
    return "; ".join(f"{name}={value}" for name, value in cookies.items())


def _get(port: int, path: str, cookie: str) -> tuple[int | str, str]:
    """One request on a new connection: (status, body), or ("dropped", error) when no HTTP answer came."""
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        connection.request("GET", path, headers={"Cookie": cookie})
        response = connection.getresponse()
        return response.status, response.read().decode(errors="replace")
    except OSError as error:
        return "dropped", repr(error)


def test_requests_during_a_restart_get_the_error_page_and_the_portal_recovers_without_a_restart(postgres, portal):
    port, server = portal
    cookie = _logged_in_cookie(port)
    workers_before = sorted(server.children())
    assert len(workers_before) == 2
    # Every worker thread holds a persistent connection before the restart.
    for _ in range(24):
        assert _get(port, "/cases/", cookie)[0] == 200

    results: list[tuple[float, str, int | str, str]] = []
    stop = threading.Event()

    def client(path: str) -> None:
        while not stop.is_set():
            # Monitoring calls /healthz without a session (with one, the log-in check reads the session first).
            status, body = _get(port, path, "" if path == "/healthz" else cookie)
            results.append((time.monotonic(), path, status, body))
            time.sleep(0.02)

    threads = [threading.Thread(target=client, args=(path,)) for path in ("/cases/", "/cases/", "/healthz", "/")]
    for thread in threads:
        thread.start()
    time.sleep(1)
    postgres.stop("fast")  # terminates every backend: queries in flight fail
    down_at = time.monotonic()
    time.sleep(2)
    postgres.start()
    up_at = time.monotonic()
    time.sleep(2)
    stop.set()
    for thread in threads:
        thread.join(timeout=60)

    during = [(path, status, body) for at, path, status, body in results if down_at <= at < up_at]
    after = [(path, status, body) for at, path, status, body in results if at >= up_at + 0.5]
    assert during, "no request was made while the database was down"
    # While the database was down: the portal's own error page (500), or /healthz's 503; nothing else.
    outcomes = set()
    for path, status, body in during:
        if path == "/healthz" and status == 503:
            assert '"database": {"ok": false' in body
            outcomes.add("healthz 503")
        elif status == 500:
            assert ERROR_PAGE in body, body[:500]
            assert "Traceback" not in body
            outcomes.add("error page 500")
        else:
            assert status in (200, 302), (path, status, body[:300])  # answered just before the backends were ended
    assert outcomes == {"healthz 503", "error page 500"}
    # Back up: every request succeeds, first ones included (stale connections are checked before reuse).
    assert after
    assert [(path, status) for path, status, _body in after if status not in (200, 302)] == []
    for _ in range(24):
        assert _get(port, "/cases/", cookie)[0] == 200
    assert _get(port, "/healthz", cookie)[0] == 200
    assert sorted(server.children()) == workers_before  # the same gunicorn workers: nothing was restarted


def test_after_a_restart_while_idle_the_first_requests_succeed_on_every_worker(postgres, portal):
    """The persistent connections every worker thread holds are dead after the restart: each is checked before its
    first use and replaced, so no user meets an error once the database is back."""
    port, server = portal
    cookie = _logged_in_cookie(port)
    workers_before = sorted(server.children())
    for _ in range(24):  # fill every thread of both workers with a persistent connection
        assert _get(port, "/cases/", cookie)[0] == 200

    postgres.restart()

    statuses = [_get(port, "/cases/", cookie)[0] for _ in range(24)]
    assert statuses == [200] * 24
    assert sorted(server.children()) == workers_before
