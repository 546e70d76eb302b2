"""Settings of the browser benchmark's gunicorn (benchmarks/browser.py): the portal's own with its production static
files (collected into ``BENCH_STATIC_ROOT`` by the production storage, served by WhiteNoise with DEBUG off, no
finders). A tree without ``imrportal/staticfiles.py`` (the "before" checkout) gets the storage production used then,
WhiteNoise's ``CompressedManifestStaticFilesStorage``, with only a missing source map tolerated (browser_static.py).
Never used by the portal itself."""

import importlib.util
import os

from imrportal.settings import *  # noqa: F403
from imrportal.settings import STORAGES

STORAGES = {
    **STORAGES,
    "staticfiles": {
        "BACKEND": "imrportal.staticfiles.StaticFilesStorage"
        if importlib.util.find_spec("imrportal.staticfiles")
        else "browser_static.BeforeStorage"
    },
}
STATIC_ROOT = os.environ["BENCH_STATIC_ROOT"]
WHITENOISE_USE_FINDERS = False
WHITENOISE_AUTOREFRESH = False
