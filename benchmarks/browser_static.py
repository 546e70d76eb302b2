"""The static storage production used before issue 25 (WhiteNoise's ``CompressedManifestStaticFilesStorage``: hashed
names, but a module's ``import`` of another left unhashed), for the "before" run of benchmarks/browser.py only: the
portal's storage (``imrportal/staticfiles.py``) with the rewriting of module imports turned off. Its ``collectstatic``
failed on Chart.js's missing source map; this tolerates that one reference, as the portal's storage does.

The "before" tree has no ``imrportal/staticfiles.py`` (that is why it needs this storage), and its ``imrportal`` package
is the one on the path: the portal's storage is loaded from this checkout's file, under a name of its own."""

import importlib.util
import sys
from pathlib import Path

_NAME = "bench_portal_staticfiles"
_FILE = Path(__file__).resolve().parents[1] / "imrportal" / "staticfiles.py"
_spec = importlib.util.spec_from_file_location(_NAME, _FILE)
assert _spec is not None and _spec.loader is not None
_portal = sys.modules[_NAME] = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_portal)


class BeforeStorage(_portal.StaticFilesStorage):
    support_js_module_import_aggregation = False
