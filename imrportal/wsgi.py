"""The WSGI application (gunicorn: ``imrportal.wsgi``), with the garbage collector kept out of the pages' way.

A page of 50 cases leaves tens of thousands of objects in reference cycles (model instances and their prefetch
caches, template contexts). CPython frees them only in a full collection, which came every few requests and took
150–300 ms, scanning every object of the process as well (benchmarks/RESULTS-scale.md: the reviewer's home had a
p95 of 330 ms against a median of 84). So after every response a worker collects that request's cycles (~4 ms for
a long list, after the response has been sent: the ``request_finished`` signal comes when the server closes the
response), in place of a pause in some later page. During its first ``WARM_UP`` requests it then also moves what
survived (Django, the apps, the URL patterns, the templates compiled on first use, the caches) out of the
collector's sight (``gc.freeze()``), so that later collections look at the request's objects only. After the
warm-up nothing more is frozen: what a cache drops later is still collected.
``IMR_GC_AFTER_REQUEST=false`` turns this off (the setting, read in settings.py like every other: a value that is not
a boolean stops the worker at start-up). Tests and ``manage.py`` do not load this module.
"""

import gc
import os

from django.conf import settings
from django.core.signals import request_finished
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "imrportal.settings")
application = get_wsgi_application()

WARM_UP = 200
_requests = 0


def collect_after_the_response(**kwargs) -> None:
    global _requests
    gc.collect()
    if _requests < WARM_UP:
        _requests += 1
        gc.freeze()


if settings.IMR_GC_AFTER_REQUEST:
    request_finished.connect(collect_after_the_response, dispatch_uid="imr-gc-after-request")
