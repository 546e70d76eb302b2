"""The Celery worker's command line, written once: ``python -m imrportal.worker [celery worker options]`` runs

    celery -A imrportal worker -c 2 -l info --pool prefork --without-gossip --without-mingle --without-heartbeat

with any option given after it added (a repeated one, such as ``-c 4`` or ``-l warning``, wins). ``make worker``,
docs/deploy.md's service, the tests' workers and the benchmarks' all start it through `command`.

prefork: rendering and signing a letter is CPU-bound, one process per core. No gossip, mingle or heartbeat: workers
take their work from Redis alone and need not talk to each other (each of these costs a message per worker per
second, and a worker start waits for mingle's replies).
"""

import os
import sys

OPTIONS = ("--pool", "prefork", "--without-gossip", "--without-mingle", "--without-heartbeat")


def command(*extra: str, concurrency: int = 2, loglevel: str = "info") -> list[str]:
    """The argument list that starts a worker with this interpreter: the portal's options, then `extra`."""
    celery = [sys.executable, "-m", "celery", "-A", "imrportal", "worker"]
    return [*celery, "-c", str(concurrency), "-l", loglevel, *OPTIONS, *extra]


if __name__ == "__main__":
    arguments = command(*sys.argv[1:])
    os.execv(arguments[0], arguments)
