"""The portal's URLs plus the yardsticks of benchmarks/pages.py. Only the benchmark's gunicorn loads this module
(benchmarks/pages_settings.py).

- ``/bench/minimal``: the smallest Django view (no database, no template), asked for without a session;
- the same asked for with a user's session cookie (the session, the user, the second factor and the idle-session
  check: what every signed-in request costs before its view runs);
- ``/bench/layout``: a signed-in page of the portal's layout (``base.html`` with its navigation) and nothing in it,
  the least any page of the portal can cost.
"""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path

from imrportal.urls import handler403, handler404, handler500  # noqa: F401
from imrportal.urls import urlpatterns as portal


@login_not_required
def minimal(request):
    return HttpResponse("ok", content_type="text/plain")


def layout(request):
    return render(request, "base.html", {})


urlpatterns = [path("bench/minimal", minimal), path("bench/layout", layout), *portal]
