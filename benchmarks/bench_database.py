"""The one way a benchmark gets its database: a throwaway SQLite file, or a PostgreSQL database of its own (named
``imr_bench_…``, dropped and made anew), migrated; Django set up in the process, or ``manage.py`` run in a child.

    import bench_database  # the scripts run as ``python benchmarks/x.py``: this folder is on sys.path
    url = bench_database.postgres_url("imr_bench_pages")   # on BENCH_ADMIN_URL's server (127.0.0.1 by default)
    bench_database.create(url)                             # dropped first; refuses a name not starting imr_bench
    bench_database.setup_django(url, work=folder)          # DATABASE_URL, DEBUG off, files under `folder`, setup()
    bench_database.migrate()                               # in this process (``manage(url, "migrate")`` in a child)
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
PYTHON = ROOT / ".venv" / "bin" / "python"
ADMIN_URL = os.environ.get("BENCH_ADMIN_URL", "postgres://postgres@127.0.0.1:5432/postgres")
PREFIX = "imr_bench"


def postgres_url(name: str, server: str = ADMIN_URL) -> str:
    """The URL of database `name` on the PostgreSQL server of `server` (a URL of any database there)."""
    return urlunsplit(urlsplit(server)._replace(path=f"/{name}"))


def sqlite_url(prefix: str = "imr-bench-") -> str:
    """A throwaway SQLite file in a new temporary folder."""
    return f"sqlite:///{tempfile.mkdtemp(prefix=prefix)}/bench.sqlite3"


def _name(url: str) -> str:
    name = urlsplit(url).path.lstrip("/")
    if not name.startswith(PREFIX):
        raise SystemExit(f"Refusing to drop {name!r}: a benchmark database's name must start with {PREFIX}.")
    return name


def _on_server(url: str, sql: str) -> None:
    import psycopg  # deferred: only the PostgreSQL runs need it

    with psycopg.connect(postgres_url("postgres", url), autocommit=True) as connection:
        connection.execute(sql)


def create(url: str) -> None:
    """Drop the PostgreSQL database of `url` if it exists and make it anew, empty (SQLite: nothing to do)."""
    if url.startswith("postgres"):
        name = _name(url)
        _on_server(url, f'DROP DATABASE IF EXISTS "{name}"')
        _on_server(url, f'CREATE DATABASE "{name}"')


def drop(url: str) -> None:
    """Drop the PostgreSQL database of `url`, after closing this process's connections to it."""
    if "django" in sys.modules:
        from django.db import connections  # deferred: Django may not be set up in this process

        connections.close_all()
    if url.startswith("postgres"):
        _on_server(url, f'DROP DATABASE IF EXISTS "{_name(url)}"')


@contextmanager
def throwaway(url: str, *, keep: bool = False, reuse: bool = False) -> Iterator[str]:
    """`url`'s database made anew (kept as it is with `reuse`), dropped afterwards unless `keep`."""
    if not reuse:
        create(url)
    try:
        yield url
    finally:
        if not keep:
            drop(url)


def environment(url: str, *, work: Path | None = None) -> dict[str, str]:
    """The environment a portal process of the benchmark runs with: `url`, DEBUG off, files under `work`."""
    env = {"DATABASE_URL": url, "DEBUG": "false"}
    if work is not None:
        env |= {"PRIVATE_DIR": str(work / "private"), "MEDIA_ROOT": str(work / "media")}
    return env


def setup_django(url: str, *, work: Path | None = None) -> None:
    """Point this process at `url` (see `environment`) and set Django up."""
    os.environ.update(environment(url, work=work))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "imrportal.settings")
    import django  # deferred: the settings read the environment set just above

    django.setup()


def migrate() -> None:
    """Create the tables in this process's database (after `setup_django`)."""
    from django.core.management import call_command  # deferred: after `setup_django`

    call_command("migrate", verbosity=0, skip_checks=True)


def manage(url: str, *args: str) -> str:
    """``manage.py *args`` in a child process against `url`; its output, or exit with it on failure."""
    env = {**os.environ, **environment(url)}
    result = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout.strip()
