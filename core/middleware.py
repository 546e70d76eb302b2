"""No form field carries a NUL character to the database.

PostgreSQL refuses NUL in text (``A string literal cannot contain NUL (0x00) characters``): a NUL that reached a query
answered 500 wherever a view read a field without a Django form (issue 20, finding 5: a reviewer's decline reason, an
administrator's reassignment reason, the unlock form). The portal's forms refuse it at the field; this refuses it for
every form post before any view, so no view written later can forget. The address (path and query string) has its own
guard (``accounts.middleware.RefuseNulMiddleware``); JSON bodies are checked by the views that read them.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def field_with_nul(request: HttpRequest) -> str | None:
    """The name of the first posted field whose name or value holds a NUL (or file field whose name does), or None."""
    if request.method != "POST" or request.content_type not in FORM_TYPES:
        return None
    for name, values in request.POST.lists():
        if "\x00" in name or any("\x00" in value for value in values):
            return name
    # Uploaded files' own names arrive without control characters (Django's parser keeps printable ones only).
    return next((name for name in request.FILES if "\x00" in name), None)


class RefuseNulInFormsMiddleware:
    """400, naming the field, for a form post with a NUL character in any field's name or value."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        name = field_with_nul(request)
        if name is not None:
            shown = name.replace("\x00", "\\x00")[:80]
            return HttpResponseBadRequest(
                f"Bad request: the field “{shown}” holds a NUL character (U+0000), which no text can hold. "
                "Go back, remove it and send the form again.",
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)
