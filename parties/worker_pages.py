"""What the worker's case page shows, in the worker's words (translated: call inside the worker's language), and the
check of the documents the worker sends (the portal's own check, ``cases.services.documents.inspect_pdf``, with its
refusals told in the worker's language). Never the reviewer, never another party's documents."""

from __future__ import annotations

import hashlib
from datetime import date
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.lifecycle import Status
from cases.models import Case, CaseDocument, RecordsDocument
from cases.services.documents import inspect_pdf
from cases.services.records import checklist
from letters.models import Letter, Rendition

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

MAX_FILES = 10

STATUS_WORDS: dict[str, StrOrPromise] = {
    Status.RECEIVED: gettext_lazy("We have received your application. We are checking that it can be reviewed."),
    Status.ELIGIBLE: gettext_lazy("Your application can be reviewed. We are gathering the medical records."),
    Status.INELIGIBLE: gettext_lazy("Your application cannot be reviewed. We sent you a letter that explains why."),
    Status.RECORDS_REQUESTED: gettext_lazy(
        "We have asked the claims administrator for the medical records. The review starts when they arrive."
    ),
    Status.RECORDS_RECEIVED: gettext_lazy("We have the medical records. A doctor will be chosen to review your case."),
    Status.ASSIGNED: gettext_lazy("A doctor has been chosen to review your case."),
    Status.IN_REVIEW: gettext_lazy("A doctor is reviewing your case."),
    Status.QA: gettext_lazy("The doctor's decision is being checked before it is sent."),
    Status.DETERMINED: gettext_lazy("A decision has been made. The decision letter is being prepared."),
    Status.LETTER_SIGNED: gettext_lazy("The decision letter is ready. You can read it on this page."),
    Status.SERVED: gettext_lazy("The decision letter was sent to you and the other parties. You can read it here."),
    Status.WITHDRAWN: gettext_lazy("The application was withdrawn. The review has ended."),
    Status.TERMINATED: gettext_lazy("The review ended because the treatment was authorized."),
    Status.CLOSED: gettext_lazy("This case is closed."),
}

CHECKLIST_WORDS: dict[str, StrOrPromise] = {
    RecordsDocument.Kind.UR_DECISION: gettext_lazy("The utilization review (UR) decision and its notice"),
    RecordsDocument.Kind.UR_RECORDS: gettext_lazy("The medical records the UR reviewer used"),
    RecordsDocument.Kind.TREATING_REPORTS: gettext_lazy("Your treating doctor's reports on your current condition"),
    RecordsDocument.Kind.REQUEST_FOR_AUTHORIZATION: gettext_lazy("The request for authorization (RFA)"),
    RecordsDocument.Kind.CORRESPONDENCE: gettext_lazy("Letters about the treatment in dispute"),
}


def _dates(case: Case) -> list[tuple[str, date]]:
    """The case's dates that are known, in the order they happen."""
    records_due = case.records_due_date if case.records_received is None else None
    dates = [
        (_("Application received"), case.application_received),
        (_("Assigned to us"), case.assigned_date),
        (_("Medical records requested"), case.records_requested),
        (_("Medical records due"), records_due),
        (_("Medical records received"), case.records_received),
        (_("Decision due"), case.due_date if case.decision_date is None else None),
        (_("Decision made"), case.decision_date),
    ]
    return [(label, day) for label, day in dates if day is not None]


def case_page_context(case: Case) -> dict:
    lines = [(CHECKLIST_WORDS.get(line.kind, line.get_kind_display()), line.received_on) for line in checklist(case)]
    return {
        "case": case,
        "status_words": STATUS_WORDS.get(case.status, ""),
        "dates": _dates(case),
        "checklist": lines,
        "checklist_outstanding": sum(1 for _label, received in lines if received is None),
        "documents": CaseDocument.objects.filter(case=case, worker_upload__isnull=False).order_by("uploaded_at", "pk"),
        "letters": Letter.objects.signed()
        .filter(case=case, rendition=Rendition.PARTIES, superseded_at__isnull=True)
        .order_by("-version"),
        "max_files": MAX_FILES,
        "max_megabytes": settings.CASE_DOCUMENT_MAX_BYTES // 1_048_576,
    }


def _refusal(error: ValidationError, name: str) -> str:
    words = {
        "too_large": _("%(name)s is larger than %(limit)d MB. Please send it in smaller parts."),
        "not_pdf": _("%(name)s is not a PDF file. Please send PDF files only."),
        "encrypted": _("%(name)s is protected by a password. Please send a copy without a password."),
        "too_many_pages": _("%(name)s has more than %(pages)d pages. Please send it in parts."),
        "damaged": _("%(name)s is damaged and cannot be opened as a PDF."),
        "empty": _("%(name)s has no pages."),
    }
    text = words.get(str(error.code), _("%(name)s could not be read as a PDF."))
    return text % {
        "name": name,
        "limit": settings.CASE_DOCUMENT_MAX_BYTES // 1_048_576,
        "pages": settings.CASE_DOCUMENT_MAX_PAGES,
    }


def check_uploads(case: Case, uploads: list[tuple[str, bytes]]) -> list[str]:
    """What is wrong with the files sent (each named), in the worker's language; empty when all may be kept."""
    if not uploads:
        return [_("Choose at least one PDF file to send.")]
    if len(uploads) > MAX_FILES:
        return [_("Please send at most %(count)d files at a time.") % {"count": MAX_FILES}]
    problems, seen = [], set(case.documents.values_list("sha256", flat=True))
    for name, data in uploads:
        try:
            inspect_pdf(data, name=name)
        except ValidationError as error:
            problems.append(_refusal(error, name))
            continue
        digest = hashlib.sha256(data).hexdigest()
        if digest in seen:
            problems.append(_("%(name)s was already sent for this case.") % {"name": name})
        seen.add(digest)
    return problems
