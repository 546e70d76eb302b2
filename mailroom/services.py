"""The mailroom's moves: store a scanned batch, read and file it (the task), and settle its exceptions by hand.

Every document is filed through the portal's one document service (``cases.services.documents.add_document``: the
same checks as an upload on the case page) and ticks its line of the records checklist through
``cases.services.records.record_document`` (the day the batch arrived, "by fax or mail"), as an administrator
recording a received document does; a line already ticked keeps its first date.
"""

from __future__ import annotations

import hashlib
import io
import logging
import tempfile
from datetime import date, timedelta
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from pypdf import PdfReader, PdfWriter

from cases.lifecycle import FINAL_STATES
from cases.models import Case, RecordsDocument
from cases.services import documents, records
from core.events import after_commit
from core.services import record_event
from mailroom import scanning
from mailroom.models import FiledDocument, ScanBatch, ScanException
from mailroom.sheets import KINDS

logger = logging.getLogger(__name__)

RECEIVED_FROM = "By fax or mail (scanned batch {batch})"
# A batch reading for longer than this is taken to have lost its worker: it may be claimed again.
STALE_AFTER = timedelta(minutes=30)


def store_batch(*, data: bytes, name: str, received_on: date, by) -> ScanBatch:
    """Check the upload as any case document is checked, store it, and queue its reading after commit."""
    if received_on > timezone.localdate():
        raise ValidationError(f"The date received ({received_on:%m/%d/%Y}) is in the future.")
    pages = documents.inspect_pdf(data, name=name)
    digest = hashlib.sha256(data).hexdigest()
    earlier = ScanBatch.objects.filter(sha256=digest).first()
    if earlier is not None:
        raise ValidationError(
            f"{name} was uploaded already, as batch {earlier.pk} on {earlier.uploaded_at:%m/%d/%Y}: "
            "nothing is filed twice."
        )
    batch = ScanBatch(
        original_name=name[:255],
        sha256=digest,
        size=len(data),
        page_count=pages,
        received_on=received_on,
        uploaded_by=by,
    )
    batch.file.save("batch.pdf", ContentFile(data), save=False)
    batch.save()
    record_event(by, "mailroom.batch_stored", batch, pages=pages, sha256=batch.sha256)
    queue(batch)
    return batch


def queue(batch: ScanBatch) -> None:
    from mailroom.tasks import process_batch  # deferred: the task module imports this one

    after_commit(process_batch.delay, batch.pk)


def _local_path(batch: ScanBatch):
    """The batch's file as a local path for pdftoppm (a temporary copy when the storage is remote)."""
    try:
        return Path(batch.file.path), None
    except NotImplementedError:
        copy = tempfile.NamedTemporaryFile(suffix=".pdf")  # noqa: SIM115 - closed by process()
        with batch.file.open("rb") as handle:
            copy.write(handle.read())
        copy.flush()
        return Path(copy.name), copy


def batch_reader(batch: ScanBatch) -> PdfReader:
    with batch.file.open("rb") as handle:
        return PdfReader(io.BytesIO(handle.read()))


def page_range_pdf(batch: ScanBatch, first: int, last: int, reader: PdfReader | None = None) -> bytes:
    """Pages ``first``..``last`` (1-based, inclusive) of the batch as a PDF of their own (``reader``: the batch
    already open, when the caller cuts many ranges from it)."""
    reader = reader or batch_reader(batch)
    writer = PdfWriter()
    for index in range(first - 1, last):
        writer.add_page(reader.pages[index])
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def _closed_problem(case: Case) -> str:
    if case.status in FINAL_STATES or case.is_decided:
        return f"Case {case.case_number} is {case.get_status_display().lower()}: its records are closed."
    return ""


def _file(
    batch: ScanBatch,
    case: Case,
    *,
    first: int,
    last: int,
    code: str,
    by,
    sheet_page: int | None,
    reader: PdfReader | None = None,
):
    """File pages ``first``..``last`` to ``case`` as the kind of sheet ``code``; tick the checklist line once."""
    records_kind, document_kind = KINDS[code]
    label = RecordsDocument.Kind(records_kind).label
    data = page_range_pdf(batch, first, last, reader)
    document = documents.add_document(
        case,
        data=data,
        name=f"scan-{batch.pk}-p{first}-{last}.pdf",
        kind=document_kind,
        by=by,
        title=f"{label} (fax/mail, batch {batch.pk}, pages {first}-{last})"[:200],
    )
    FiledDocument.objects.create(
        batch=batch,
        first_page=first,
        last_page=last,
        sheet_page=sheet_page,
        document=document,
        records_kind=records_kind,
        filed_by=by,
    )
    line = RecordsDocument.objects.filter(case=case, kind=records_kind).first()
    if line is None or line.received_on is None:
        received_on = max(batch.received_on, case.records_requested or batch.received_on)
        records.record_document(
            case, records_kind, received_on=received_on, received_from=RECEIVED_FROM.format(batch=batch.pk), by=by
        )
    record_event(by, "mailroom.document_filed", case, batch=batch.pk, pages=f"{first}-{last}", kind=records_kind)
    return document


def _queue_exception(batch: ScanBatch, segment: scanning.Segment, reason: str, detail: str) -> None:
    sheet = segment.sheet
    ScanException.objects.get_or_create(
        batch=batch,
        first_page=segment.first_page,
        defaults={
            "last_page": segment.last_page,
            "reason": reason,
            "detail": detail[:500],
            "barcode": sheet.text[:200] if sheet else "",
            "case_number": sheet.case_number if sheet else "",
        },
    )


def _settle(batch: ScanBatch, segment: scanning.Segment, reader: PdfReader) -> None:
    """File one segment or queue it as an exception, in one transaction (nothing half-filed)."""
    if FiledDocument.objects.filter(batch=batch, first_page=segment.first_page).exists():
        return  # filed by an earlier run of this batch
    if segment.reason or segment.sheet is None:
        _queue_exception(batch, segment, segment.reason, segment.detail)
        return
    sheet = segment.sheet
    whole = scanning.Segment(segment.sheet_page or segment.first_page, segment.last_page, segment.sheet_page, sheet)
    case = Case.objects.filter(case_number=sheet.case_number).first()
    if case is None:
        _queue_exception(batch, whole, "no_case", f"There is no case {sheet.case_number}.")
        return
    problem = _closed_problem(case)
    if problem:
        _queue_exception(batch, whole, "closed", problem)
        return
    try:
        with transaction.atomic():
            _file(
                batch,
                case,
                first=segment.first_page,
                last=segment.last_page,
                code=sheet.code,
                by=batch.uploaded_by,
                sheet_page=segment.sheet_page,
                reader=reader,
            )
    except ValidationError as error:
        _queue_exception(batch, whole, "refused", " ".join(error.messages))


def process(batch_id: int) -> ScanBatch:
    """Read the batch and file what it can. Safe to run again: filed and queued ranges are skipped."""
    batch = ScanBatch.objects.get(pk=batch_id)
    # Claimed by a conditional update: a batch another worker is reading (started recently) is left to it.
    claimable = Q(status__in=[ScanBatch.Status.QUEUED, ScanBatch.Status.FAILED]) | Q(
        status=ScanBatch.Status.READING, started_at__lt=timezone.now() - STALE_AFTER
    )
    claimed = ScanBatch.objects.filter(claimable, pk=batch.pk).update(
        status=ScanBatch.Status.READING, started_at=timezone.now(), pages_read=0, error=""
    )
    if not claimed:
        return batch
    path, copy = _local_path(batch)
    try:
        readings = scanning.read_pages(
            path,
            batch.page_count,
            progress=lambda done: ScanBatch.objects.filter(pk=batch.pk).update(pages_read=done),
        )
        reader = batch_reader(batch)
        for segment in scanning.split(readings, batch.page_count):
            with transaction.atomic():
                _settle(batch, segment, reader)
    except scanning.RasterizeError as error:
        ScanBatch.objects.filter(pk=batch.pk).update(status=ScanBatch.Status.FAILED, error=str(error)[:2000])
        logger.warning("Scanned batch %s failed: %s", batch.pk, error)
        return ScanBatch.objects.get(pk=batch.pk)
    finally:
        if copy is not None:
            copy.close()
    ScanBatch.objects.filter(pk=batch.pk).update(status=ScanBatch.Status.DONE, finished_at=timezone.now())
    batch.refresh_from_db()
    record_event(
        batch.uploaded_by,
        "mailroom.batch_done",
        batch,
        filed=batch.filed.count(),
        exceptions=batch.exceptions.count(),
    )
    return batch


@transaction.atomic
def file_exception(exception: ScanException, case: Case, *, code: str, first: int, last: int, by) -> FiledDocument:
    """A person files the pages of an exception (all or part of its range) to a case, as the kind ``code``."""
    exception = ScanException.objects.select_for_update().get(pk=exception.pk)
    if exception.state != ScanException.State.OPEN:
        raise ValidationError(f"These pages were already {exception.get_state_display().lower()}.")
    if code not in KINDS:
        raise ValidationError(f"{code!r} is not a document kind of the records checklist.")
    if not (exception.first_page <= first <= last <= exception.last_page):
        raise ValidationError(
            f"Pages {first}-{last} are outside this exception's pages ({exception.first_page}-{exception.last_page})."
        )
    problem = _closed_problem(case)
    if problem:
        raise ValidationError(problem)
    _file(exception.batch, case, first=first, last=last, code=code, by=by, sheet_page=None)
    exception.state, exception.filed_to = ScanException.State.FILED, case
    exception.resolved_by, exception.resolved_at = by, timezone.now()
    exception.resolution_note = f"Pages {first}-{last} filed to {case.case_number}."
    exception.save()
    return FiledDocument.objects.get(batch=exception.batch, first_page=first)


@transaction.atomic
def discard_exception(exception: ScanException, *, reason: str, by) -> ScanException:
    exception = ScanException.objects.select_for_update().get(pk=exception.pk)
    if exception.state != ScanException.State.OPEN:
        raise ValidationError(f"These pages were already {exception.get_state_display().lower()}.")
    reason = reason.strip()
    if not reason:
        raise ValidationError("Say why these pages are discarded (a blank page, a duplicate, sent in error…).")
    exception.state, exception.resolution_note = ScanException.State.DISCARDED, reason[:300]
    exception.resolved_by, exception.resolved_at = by, timezone.now()
    exception.save()
    record_event(by, "mailroom.exception_discarded", exception, pages=f"{exception.first_page}-{exception.last_page}")
    return exception
