"""No NUL character reaches the database: not from the address, not from a form field.

PostgreSQL refuses NUL in text (``A string literal cannot contain NUL (0x00) characters``): a NUL that reached a query
answered 500 wherever a view looked a value up without a Django form (issue 20, finding 5: a case number in the
address, a reviewer's decline reason, an administrator's reassignment reason, the unlock form). The portal's forms
refuse it at the field; this one middleware refuses it before any view, for the path, the query string and every
form post, so no view written later can forget. JSON bodies (autosave, CSP reports) are checked by the views that
read them.
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


def nul_problem(request: HttpRequest) -> str | None:
    """Where the request holds a NUL character, said for the person who sent it; None when it holds none."""
    if "\x00" in request.path or "%00" in request.META.get("QUERY_STRING", ""):
        return "the address holds a NUL character (%00), which no name or number holds. Check the link you followed."
    name = field_with_nul(request)
    if name is not None:
        shown = name.replace("\x00", "\\x00")[:80]
        return (
            f"the field “{shown}” holds a NUL character (U+0000), which no text can hold. "
            "Go back, remove it and send the form again."
        )
    return None


class RefuseNulMiddleware:
    """400, saying where, for a request with a NUL character in its path, its query string or a posted form field.

    It runs after the security headers' middleware, so the refusal carries the same headers as any page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        problem = nul_problem(request)
        if problem is not None:
            return HttpResponseBadRequest(f"Bad request: {problem}", content_type="text/plain; charset=utf-8")
        return self.get_response(request)
