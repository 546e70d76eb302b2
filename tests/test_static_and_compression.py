"""What the browser is sent (issue 25, item 4). Under production-like static files (``collectstatic`` into a temporary
folder with the production storage, served by WhiteNoise with DEBUG off): every module the workspace loads, and every
module those import, is named by a hash of its content and served ``immutable`` for years. Pages: gzipped when the
portal's own page asks (``Sec-Fetch-Site: same-origin`` or ``none``), with the security headers still on, never for a
request another site caused; the gzip header carries Django's random padding."""

import gzip
import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urljoin

import pytest
from django.core.management import call_command
from django.test import Client

from tests.factories import case_in_review

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION_STORAGE = "imrportal.staticfiles.StaticFilesStorage"
HASHED = re.compile(r"\.[0-9a-f]{12}\.(?:js|css|mjs)$")
IMPORTS = re.compile(r"""(?:\bfrom\s*|\bimport\s*\(?\s*)["']([./][^"']+)["']""")
YEAR = 31_536_000


def test_production_settings_name_the_storage_that_hashes_module_imports():
    environment = {
        **os.environ,
        "IMR_ENV": "production",
        "SECRET_KEY": "x" * 50,
        "ALLOWED_HOSTS": "portal.example",
        "IMR_TRUSTED_PROXY_COUNT": "1",
        "DJANGO_SETTINGS_MODULE": "imrportal.settings",
    }
    code = "from django.conf import settings; print(settings.STORAGES['staticfiles']['BACKEND'])"
    found = subprocess.run(
        [sys.executable, "-c", code], env=environment, cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert found.stdout.strip() == PRODUCTION_STORAGE


@pytest.fixture
def collected(settings, tmp_path):
    """The static files collected as production collects them, and WhiteNoise serving those (no finders). The
    portal's own files as they are; PDF.js (megabytes that Brotli takes minutes over on a busy machine, loaded by the
    viewer by its hashed name from a data attribute, not imported) stood in for by two small modules."""
    source = tmp_path / "source"
    source.mkdir()
    for folder in ("css", "img", "js"):
        (source / folder).symlink_to(ROOT / "static" / folder)
    (source / "vendor" / "pdfjs").mkdir(parents=True)
    for name in ("pdf.min.mjs", "pdf.worker.min.mjs"):
        (source / "vendor" / "pdfjs" / name).write_text("export const version = 'stand-in';\n")
    settings.STATICFILES_DIRS = [source, *settings.STATICFILES_DIRS[1:]]
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": PRODUCTION_STORAGE}}
    settings.STATIC_ROOT = tmp_path / "static"
    settings.DEBUG = False
    settings.WHITENOISE_USE_FINDERS = False
    settings.WHITENOISE_AUTOREFRESH = False
    call_command("collectstatic", interactive=False, verbosity=0)
    return settings.STATIC_ROOT


@pytest.mark.slow  # collectstatic with Brotli: minutes on a busy machine
def test_every_module_the_workspace_loads_is_hashed_and_served_immutable(collected, reviewer):
    case = case_in_review(reviewer, items=2)
    client = Client()  # a new handler: WhiteNoise reads the collected folder as it is built
    client.force_login(reviewer)
    page = client.get(f"/cases/{case.case_number}/workspace/").content.decode()
    entries = re.findall(r'<script[^>]* src="([^"]+)"', page)
    stylesheets = re.findall(r'<link rel="stylesheet" href="([^"]+)"', page)

    seen, queue = set(), list(entries)
    while queue:
        url = queue.pop()
        if url in seen:
            continue
        seen.add(url)
        assert HASHED.search(url), f"{url} is not named by its content"
        response = client.get(url, HTTP_ACCEPT_ENCODING="br, gzip")
        assert response.status_code == 200, url
        cache = response["Cache-Control"]
        assert "immutable" in cache and int(re.search(r"max-age=(\d+)", cache).group(1)) >= YEAR, (url, cache)
        assert response["Content-Encoding"] == "br", url  # the copy collectstatic compressed, not made per request
        source = client.get(url).getvalue().decode()  # no Accept-Encoding: the file as it is
        queue += [urljoin(url, name) for name in IMPORTS.findall(source)]

    modules = {re.sub(r"\.[0-9a-f]{12}\.js$", ".js", url.rsplit("/static/", 1)[1]) for url in seen}
    assert modules >= {
        "js/workspace.js",
        *(
            f"js/workspace/{name}.js"
            for name in ("panes", "records", "pdf-viewer", "autosave", "basis-picker", "decision-support", "precedents")
        ),
    }
    # Fetched at once with the page, by the very names their importers ask for (no second fetch, no waterfall).
    workspace_modules = {url for url in seen if "/js/workspace" in url}
    assert set(re.findall(r'<link rel="modulepreload" href="([^"]+)"', page)) == workspace_modules
    assert stylesheets and all(HASHED.search(url) for url in stylesheets)
    for url in stylesheets:
        assert "immutable" in client.get(url)["Cache-Control"]


def test_a_page_is_gzipped_for_the_portals_own_request_and_keeps_its_security_headers(client, reviewer):
    case = case_in_review(reviewer, items=2)
    client.force_login(reviewer)
    url = f"/cases/{case.case_number}/workspace/"
    plain = client.get(url)

    sizes = set()
    for _ in range(6):
        response = client.get(url, HTTP_ACCEPT_ENCODING="gzip, deflate, br", HTTP_SEC_FETCH_SITE="same-origin")
        assert response["Content-Encoding"] == "gzip"
        assert response.content[3] & 0x08, "the FNAME flag: Django's random padding is in the header"
        sizes.add(len(response.content))
        assert len(response.content) < len(plain.content) / 3
        html = gzip.decompress(response.content).decode()
        assert case.case_number in html and "determination-form" in html
        for name in ("Content-Security-Policy", "X-Frame-Options", "X-Content-Type-Options", "Referrer-Policy"):
            assert response[name] == plain[name], name
        assert "no-store" in response["Cache-Control"]
        assert {"accept-encoding", "sec-fetch-site", "cookie"} <= {
            part.strip().lower() for part in response["Vary"].split(",")
        }
    assert len(sizes) > 1, "the padding varies the length of the same page"


@pytest.mark.parametrize("site", ["cross-site", "same-site", None])
def test_a_request_another_site_caused_or_that_does_not_say_is_answered_uncompressed(client, reviewer, site):
    case = case_in_review(reviewer, items=1)
    client.force_login(reviewer)
    headers = {"HTTP_ACCEPT_ENCODING": "gzip"} | ({"HTTP_SEC_FETCH_SITE": site} if site else {})

    response = client.get(f"/cases/{case.case_number}/workspace/", **headers)

    assert response.status_code == 200
    assert not response.has_header("Content-Encoding")
    assert case.case_number in response.content.decode()
