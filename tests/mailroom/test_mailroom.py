"""The mailroom's pieces: the sheets' tokens, the cover sheets PDF and who gets it, the link in the notice of
assignment, a forged sheet, a run repeated after a dead worker, and bad uploads."""

from __future__ import annotations

import io

import pytest
import zxingcpp
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from audit.models import AccessEvent
from cases.models import CaseDocument
from cases.services import notices
from mailroom import services, sheets
from mailroom.models import FiledDocument, ScanBatch, ScanException
from mailroom.tasks import process_batch, resume_batches
from tests.factories import CaseFactory
from tests.mailroom import scans

pytestmark = pytest.mark.django_db


def test_a_token_is_bound_to_its_case_and_kind_and_cannot_be_moved():
    good = sheets.payload("CM26-0000001", "URR")
    assert sheets.read_payload(good).problem == ""
    token = good.rsplit(":", 1)[1]
    assert len(token) == sheets.TOKEN_LENGTH
    for tampered in (
        f"IMR1:CM26-0000002:URR:{token}",  # another case
        f"IMR1:CM26-0000001:COR:{token}",  # another kind
        f"IMR1:CM26-0000001:URR:{'A' * sheets.TOKEN_LENGTH}",  # a guess
    ):
        assert "forged" in sheets.read_payload(tampered).problem
    assert "kind" in sheets.read_payload(f"IMR1:CM26-0000001:XYZ:{token}").problem
    assert "case number" in sheets.read_payload(f"IMR1:26-1:URR:{token}").problem


def test_a_sheet_signed_under_a_rotated_key_still_reads(settings):
    old = sheets.payload("CM26-0000001", "URD")
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-new-key-" + "x" * 50
    assert sheets.read_payload(old).problem == ""
    settings.SECRET_KEY_FALLBACKS = []
    assert sheets.read_payload(old).problem


def test_the_case_page_links_the_cover_sheets_and_only_administrators_print_them(admin_client, client, qa_user):
    case = CaseFactory()
    assert b'id="cover-sheets-link"' in admin_client.get(case.get_absolute_url()).content
    response = admin_client.get(reverse("mailroom:case_cover_sheets", args=[case.case_number]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    data = b"".join(response.streaming_content) if response.streaming else response.content
    assert len(PdfReader(io.BytesIO(data)).pages) == len(sheets.KINDS)
    first = scans.rasterize(data)[0]
    assert [code.text for code in zxingcpp.read_barcodes(first)] == [sheets.payload(case.case_number, "URD")]
    assert AccessEvent.objects.filter(action="mailroom:case_cover_sheets", case_number=case.case_number).exists()
    client.force_login(qa_user)
    # QA does not see a case outside QA: 404, as for a case that does not exist; the mailroom itself is refused.
    assert client.get(reverse("mailroom:case_cover_sheets", args=[case.case_number])).status_code == 404
    assert client.get(reverse("mailroom:batches")).status_code == 403


def test_the_notice_of_assignment_links_the_sheets_and_the_link_needs_its_token(client):
    case = CaseFactory()
    messages = notices.queue_assignment_notice(case)
    url = f"/mailroom/sheets/{case.case_number}/{sheets.link_token(case.case_number)}/"
    # Every notice carries the link: the parties' and the injured worker's own (parties.worker_notice).
    keys = {message.template_key for message in messages}
    assert {"assignment_notice", "assignment_notice_worker_en"} <= keys
    assert all(url in message.body for message in messages)
    [worker] = [message for message in messages if message.template_key == "assignment_notice_worker_en"]
    assert "print the records cover sheets and put the right one on top of each document:\nhttp" in worker.body
    response = client.get(url)  # no account: the worker and an outside physician have none
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert client.get(f"/mailroom/sheets/{case.case_number}/{'A' * 16}/").status_code == 404
    other = CaseFactory()
    assert client.get(f"/mailroom/sheets/{other.case_number}/{sheets.link_token(case.case_number)}/").status_code == 404


def _batch(pdf: bytes, admin_user) -> ScanBatch:
    return services.store_batch(data=pdf, name="small.pdf", received_on=timezone.localdate(), by=admin_user)


def test_a_forged_sheet_files_nothing_and_a_repeated_run_files_nothing_twice(
    admin_user, django_capture_on_commit_callbacks
):
    import random

    rnd = random.Random(5)
    case = CaseFactory()
    forged = scans.qr_sheet(f"IMR1:{case.case_number}:URR:{'B' * sheets.TOKEN_LENGTH}")
    genuine = scans.qr_sheet(sheets.payload(case.case_number, "TRT"))
    pages = [
        forged,
        scans.document_page("a", rnd),
        genuine,
        scans.document_page("b", rnd),
        scans.document_page("c", rnd),
    ]
    with django_capture_on_commit_callbacks(execute=True):
        pdf = scans.to_pdf([scans.scanned(page, rnd) for page in pages])
        batch = _batch(pdf, admin_user)
    batch.refresh_from_db()
    assert batch.status == ScanBatch.Status.DONE
    exception = ScanException.objects.get(batch=batch)
    assert (exception.reason, exception.first_page, exception.last_page) == ("bad_sheet", 1, 2)
    assert list(CaseDocument.objects.filter(case=case).values_list("kind", "page_count")) == [("medical_records", 2)]
    # A worker died after filing; the batch is read again: the same document, the same exception, nothing more.
    ScanBatch.objects.filter(pk=batch.pk).update(status=ScanBatch.Status.FAILED)
    assert process_batch(batch.pk) == ScanBatch.Status.DONE
    assert (FiledDocument.objects.filter(batch=batch).count(), ScanException.objects.filter(batch=batch).count()) == (
        1,
        1,
    )
    # A batch another worker is reading right now is left to it; the sweep takes only stale ones.
    ScanBatch.objects.filter(pk=batch.pk).update(status=ScanBatch.Status.READING, started_at=timezone.now())
    assert process_batch(batch.pk) == ScanBatch.Status.READING
    assert resume_batches() == 0
    # The same scan uploaded again is refused: its documents are filed already.
    with pytest.raises(ValidationError, match="uploaded already"):
        _batch(pdf, admin_user)


def test_an_upload_that_is_not_a_pdf_is_refused_with_its_reason(admin_client):
    response = admin_client.post(
        reverse("mailroom:batches"),
        {"file": SimpleUploadedFile("scan.pdf", b"GIF89a not a pdf"), "received_on": timezone.localdate()},
        follow=True,
    )
    assert b"scan.pdf is not a PDF file" in response.content
    assert not ScanBatch.objects.exists()
    response = admin_client.post(
        reverse("mailroom:batches"),
        {"file": SimpleUploadedFile("scan.pdf", scans.to_pdf([scans.qr_sheet("x")])), "received_on": "2999-01-01"},
        follow=True,
    )
    assert b"is in the future" in response.content
    assert not ScanBatch.objects.exists()
