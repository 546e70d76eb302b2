"""A scanned batch (one PDF of many faxed or mailed documents, each behind its cover sheet), what was filed from it,
and the pages that could not be attributed (the exceptions queue).

The batch's PDF is stored before anything is read from it, so a worker that dies mid-batch loses nothing: the task
runs again (acks late) and skips the page ranges already filed or queued (one row per batch and first page).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

from cases.models import Case, CaseDocument


def batch_upload_to(batch: "ScanBatch", filename: str) -> str:
    return f"mailroom/batches/{timezone.now():%Y/%m}/{batch.sha256[:16]}.pdf"


class ScanBatch(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting for the worker"
        READING = "reading", "Reading the pages"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    file = models.FileField(upload_to=batch_upload_to, max_length=255)
    original_name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    page_count = models.PositiveIntegerField()
    # The day the faxes or the mail arrived: the day the records count as received.
    received_on = models.DateField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    pages_read = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-uploaded_at", "-pk"]

    def __str__(self) -> str:
        return f"Batch {self.pk} ({self.original_name})"


class FiledDocument(models.Model):
    """A page range of a batch filed to a case, from its cover sheet or by a person from the exceptions queue."""

    batch = models.ForeignKey(ScanBatch, on_delete=models.CASCADE, related_name="filed")
    first_page = models.PositiveIntegerField()  # 1-based, the document's first page (after its cover sheet)
    last_page = models.PositiveIntegerField()
    sheet_page = models.PositiveIntegerField(null=True, blank=True)  # the cover sheet's page; empty when filed by hand
    document = models.OneToOneField(CaseDocument, on_delete=models.PROTECT, related_name="scan")
    records_kind = models.CharField(max_length=24)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    filed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["batch", "first_page"]
        constraints = [models.UniqueConstraint(fields=["batch", "first_page"], name="filed_document_once")]

    def __str__(self) -> str:
        return f"Batch {self.batch_id} pages {self.first_page}-{self.last_page} → {self.document.case_id}"


class ScanException(models.Model):
    """Pages of a batch the portal could not attribute: a person files them to a case or discards them."""

    class Reason(models.TextChoices):
        NO_SHEET = "no_sheet", "No readable cover sheet before these pages"
        UNREADABLE = "unreadable", "The cover sheet's barcode could not be read"
        BAD_SHEET = "bad_sheet", "The cover sheet is not genuine (bad token or unknown kind)"
        NO_CASE = "no_case", "The cover sheet names a case that does not exist"
        CLOSED = "closed", "The case is closed to records"
        EMPTY = "empty", "A cover sheet with no pages after it"
        REFUSED = "refused", "The document was refused by the upload checks"

    class State(models.TextChoices):
        OPEN = "open", "Waiting for a person"
        FILED = "filed", "Filed by hand"
        DISCARDED = "discarded", "Discarded"

    batch = models.ForeignKey(ScanBatch, on_delete=models.CASCADE, related_name="exceptions")
    first_page = models.PositiveIntegerField()  # 1-based, inclusive; the cover sheet's page included when there is one
    last_page = models.PositiveIntegerField()
    reason = models.CharField(max_length=16, choices=Reason.choices)
    detail = models.CharField(max_length=500, blank=True)
    barcode = models.CharField(max_length=200, blank=True)  # what the sheet's barcode said, when one was read
    case_number = models.CharField(max_length=12, blank=True)  # the case the sheet named, for the person's first guess
    state = models.CharField(max_length=16, choices=State.choices, default=State.OPEN, db_index=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution_note = models.CharField(max_length=300, blank=True)
    filed_to = models.ForeignKey(Case, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["batch", "first_page"]
        constraints = [models.UniqueConstraint(fields=["batch", "first_page"], name="scan_exception_once")]

    def __str__(self) -> str:
        return f"Batch {self.batch_id} pages {self.first_page}-{self.last_page}: {self.reason}"
