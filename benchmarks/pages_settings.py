"""Settings of the page benchmark's gunicorn (benchmarks/pages.py): the portal's own, plus a minimal view at
``/bench/minimal`` (benchmarks/pages_urls.py) to compare the pages with. Never used by the portal itself."""

from imrportal.settings import *  # noqa: F403

ROOT_URLCONF = "pages_urls"
