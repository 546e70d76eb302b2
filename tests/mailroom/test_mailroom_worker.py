"""A real Celery worker (prefork, against Redis) reads a scanned batch uploaded on the page; a batch whose worker died
mid-read (left "reading") is queued again by the sweep and read to the end, filing each document once."""

import datetime
import random

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from cases.models import CaseDocument
from mailroom import sheets
from mailroom.models import FiledDocument, ScanBatch
from mailroom.tasks import resume_batches
from tests.conftest import wait_for
from tests.factories import CaseFactory
from tests.mailroom import scans

pytestmark = [pytest.mark.worker]


def _done(batch_id: int, worker) -> ScanBatch:
    try:
        wait_for(lambda: ScanBatch.objects.get(pk=batch_id).status == ScanBatch.Status.DONE, timeout=120)
    except AssertionError:
        worker.terminate()
        output = worker.stdout.read().decode(errors="replace")[-3000:]
        raise AssertionError(f"batch {ScanBatch.objects.get(pk=batch_id).status}; worker output: {output}") from None
    return ScanBatch.objects.get(pk=batch_id)


def test_a_real_worker_reads_a_batch_and_the_sweep_resumes_one_a_dead_worker_left(celery_worker_process, admin_client):
    rnd = random.Random(7)
    case = CaseFactory()
    pages = [
        scans.qr_sheet(sheets.payload(case.case_number, "URD")),
        scans.document_page("decision", rnd),
        scans.qr_sheet(sheets.payload(case.case_number, "COR")),
        scans.document_page("letter 1", rnd),
        scans.document_page("letter 2", rnd),
    ]
    response = admin_client.post(
        reverse("mailroom:batches"),
        {
            "file": SimpleUploadedFile("day.pdf", scans.to_pdf([scans.scanned(page, rnd) for page in pages])),
            "received_on": timezone.localdate(),
        },
    )
    batch = ScanBatch.objects.get()
    assert response.status_code == 302
    batch = _done(batch.pk, celery_worker_process)
    assert batch.pages_read == 5
    assert sorted(CaseDocument.objects.filter(case=case).values_list("kind", "page_count")) == [
        ("correspondence", 2),
        ("ur_decision", 1),
    ]
    # A worker died while reading: the row says "reading" since an hour ago, one document filed before it died.
    FiledDocument.objects.filter(batch=batch, first_page=4).delete()
    CaseDocument.objects.filter(case=case, kind="correspondence").delete()
    ScanBatch.objects.filter(pk=batch.pk).update(
        status=ScanBatch.Status.READING, started_at=timezone.now() - datetime.timedelta(hours=1), pages_read=3
    )
    assert resume_batches() == 1
    _done(batch.pk, celery_worker_process)
    assert sorted(CaseDocument.objects.filter(case=case).values_list("kind", "page_count")) == [
        ("correspondence", 2),
        ("ur_decision", 1),
    ]
    assert FiledDocument.objects.filter(batch=batch).count() == 2
