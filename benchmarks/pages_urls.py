"""The portal's URLs plus ``/bench/minimal``: the smallest Django view (no database, no template), the yardstick of
benchmarks/pages.py. Only the benchmark's gunicorn loads this module (benchmarks/pages_settings.py)."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.urls import path

from imrportal.urls import handler403, handler404, handler500  # noqa: F401
from imrportal.urls import urlpatterns as portal


@login_not_required
def minimal(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/minimal", minimal), *portal]
