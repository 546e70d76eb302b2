"""Pages and JSON compressed for the portal's own requests only: Django's ``GZipMiddleware`` behind a test of who
asked (docs/architecture.md, "Compression and BREACH").

BREACH reads a secret out of a compressed HTTPS response by its length: the attacker's page makes the victim's browser
send many requests whose responses hold both the secret (a CSRF token, a worker's name) and text the attacker chose
(a search reflected on the page), and watches the sizes on the wire. Two defences, both needed for nothing else:

- Only a request the browser marks ``Sec-Fetch-Site: same-origin`` (the portal's own links, forms and fetches) or
  ``none`` (typed, a bookmark) is answered compressed. What another site makes the browser ask for (``cross-site``,
  ``same-site``) and a browser that does not say (no header) get the page uncompressed: the attacker's requests see
  no compression at all. (The session cookie is ``SameSite=Lax`` as well: another site's subrequests carry none.)
- Django's ``GZipMiddleware`` (since 4.2) writes 0–99 random bytes into the gzip header's file-name field of every
  response ("Heal the Breach"): the same page differs in length from one response to the next, so a length reveals
  much less, at the cost of many more requests for an attacker who could ask at all.

Django also masks the CSRF token anew in every response (a different string each time), so it never repeats for the
compressor to match. Only text is compressed (HTML, JSON, plain text, CSV): records and letters are PDFs, already
compressed, and are served as they are (a byte range of a record stays a byte range). Static files are not seen here:
WhiteNoise answers them earlier, from the gzip and Brotli copies ``collectstatic`` made.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponseBase
from django.middleware.gzip import GZipMiddleware
from django.utils.cache import patch_vary_headers

OWN_REQUESTS = frozenset({"same-origin", "none"})
TEXT_TYPES = frozenset({"text/html", "application/json", "text/plain", "text/csv"})


class SameOriginGZipMiddleware(GZipMiddleware):
    """``GZipMiddleware`` for text answered to the portal's own requests (``Sec-Fetch-Site``: same-origin or none)."""

    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        content_type = response.get("Content-Type", "").split(";", 1)[0].strip().lower()
        if content_type not in TEXT_TYPES:
            return response
        patch_vary_headers(response, ("Sec-Fetch-Site",))
        if request.headers.get("Sec-Fetch-Site", "").lower() not in OWN_REQUESTS:
            return response
        return super().process_response(request, response)
