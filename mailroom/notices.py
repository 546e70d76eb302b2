"""What the mailroom adds to the notice of assignment: the link to the case's records cover sheets, sent to every
party. The outbox sends plain text without attachments; a link (whose token is the capability, since the worker and
an outside physician have no account) costs no change to the outbox and always gives the sheets as they are now."""

from django.conf import settings
from django.urls import reverse

from cases.models import Case
from mailroom import sheets


def cover_sheets_link(case: Case) -> dict:
    path = reverse("mailroom:public_cover_sheets", args=[case.case_number, sheets.link_token(case.case_number)])
    return {"cover_sheets_url": settings.IMR_PUBLIC_BASE_URL.rstrip("/") + path}
