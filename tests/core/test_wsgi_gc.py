"""imrportal.wsgi: after each response a worker collects the request's reference cycles, and freezes what its
warm-up loaded. Run in a child process, through the WSGI application itself (what gunicorn calls)."""

import json
import os
import subprocess
import sys

from tests.paths import REPO

CHILD = """
import gc, io, json, sys, weakref
from wsgiref.util import setup_testing_defaults
import imrportal.wsgi as wsgi

class Node:
    pass

def request():
    environ = {}
    setup_testing_defaults(environ)
    environ.update(PATH_INFO="/cases/", HTTP_HOST="127.0.0.1", REMOTE_ADDR="127.0.0.1")
    result = wsgi.application(environ, lambda status, headers: None)
    body = b"".join(result)
    result.close()  # the server closes the response: request_finished
    return body

request()
frozen_after_first = gc.get_freeze_count()
gc.disable()  # no automatic collection: only the portal's can free the cycle
node = Node()
node.self = node
alive = weakref.ref(node)
del node
request()
print(json.dumps({"frozen": frozen_after_first, "cycle_freed": alive() is None}))
"""


def start_child(**env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", CHILD],
        cwd=REPO,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "imrportal.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def run_child(**env) -> dict:
    result = start_child(**env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_a_worker_collects_cycles_after_each_response_and_freezes_its_warm_up():
    found = run_child()

    assert found["cycle_freed"] is True
    assert found["frozen"] > 10_000  # Django, the apps and the URL patterns, out of later collections' sight


def test_the_collection_after_the_response_can_be_turned_off():
    assert run_child(IMR_GC_AFTER_REQUEST="false") == {"frozen": 0, "cycle_freed": False}


def test_a_value_of_the_switch_that_is_not_a_boolean_stops_the_worker_at_start_up():
    result = start_child(IMR_GC_AFTER_REQUEST="flase")

    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == (
        "django.core.exceptions.ImproperlyConfigured: IMR_GC_AFTER_REQUEST='flase' is not a boolean (use true/false)."
    )
