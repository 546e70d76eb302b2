"""The barcode round trip (issue 23, item 5): cover sheets rendered by the portal, scanned (pdftoppm, turned, noised),
interleaved with document pages into one PDF, uploaded on the mailroom page; every document filed to its case with
its kind and page count, and every page that cannot be attributed counted in the exceptions queue."""

from __future__ import annotations

import datetime
import random
import resource
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from audit.models import AccessEvent
from cases.models import Case, CaseDocument, RecordsDocument
from cases.services import intake, reminders
from core.models import Party
from mailroom import sheets
from mailroom.models import FiledDocument, ScanBatch, ScanException
from tests.factories import CaseFactory, PartyFactory
from tests.mailroom import scans

pytestmark = pytest.mark.django_db

CODES = list(sheets.KINDS)


@pytest.fixture(autouse=True)
def _templates(db):
    reminders.ensure_templates()


def _open_case(**fields) -> Case:
    today = timezone.localdate()
    administrator = PartyFactory(kind=Party.Kind.CLAIMS_ADMINISTRATOR)
    case = CaseFactory(claims_administrator=administrator, application_received=today - datetime.timedelta(days=3))
    intake.transition(case, "eligible", by=None)
    return intake.request_records(case, by=None, on=today - datetime.timedelta(days=2), method="electronic")


def _cpu() -> float:
    """CPU seconds of this process and its finished children (pdftoppm): the machine is shared, the wall clock not."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def _upload(client, pdf: bytes, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("mailroom:batches"),
            {"file": SimpleUploadedFile("batch.pdf", pdf, "application/pdf"), "received_on": timezone.localdate()},
        )
    assert response.status_code == 302, response.content[:500]
    return ScanBatch.objects.latest("pk")


def test_a_batch_of_22_documents_is_split_filed_and_its_exceptions_counted(
    admin_client, admin_user, django_capture_on_commit_callbacks
):
    rnd = random.Random(23)
    cases = [_open_case() for _ in range(5)]
    closed = CaseFactory(status="withdrawn")
    # The portal's own sheets, rendered and scanned: 5 kinds a case.
    sheet_images = {case.case_number: scans.rasterize(sheets.render_cover_sheets(case)) for case in [*cases, closed]}

    pages, expected = [], []  # expected: (case number, records kind, document kind, pages)

    def add_document(case_number: str, code: str, count: int, *, foreign_qr: str = "") -> None:
        pages.append(scans.scanned(sheet_images[case_number][CODES.index(code)], rnd))
        for page in range(count):
            qr = foreign_qr if page == 0 else ""
            pages.append(
                scans.scanned(scans.document_page(f"{case_number} {code} p{page + 1}", rnd, foreign_qr=qr), rnd)
            )
        records_kind, document_kind = sheets.KINDS[code]
        expected.append((case_number, records_kind, document_kind, count))

    def add_exception(sheet, count: int) -> None:
        if sheet is not None:
            pages.append(scans.scanned(sheet, rnd))
        for page in range(count):
            pages.append(scans.scanned(scans.document_page(f"stray p{page + 1}", rnd), rnd))

    add_exception(None, 2)  # 1. orphan pages before any sheet
    pairs = [(case.case_number, code) for case in cases for code in CODES][:22]
    for index, (case_number, code) in enumerate(pairs):
        foreign = "https://example.org/verify/ABC123" if index == 4 else ""  # a letter's own QR code: a document page
        add_document(case_number, code, 1 + index % 3, foreign_qr=foreign)
        if index == 6:
            forged = f"{sheets.PREFIX}:{cases[0].case_number}:URR:{'A' * sheets.TOKEN_LENGTH}"
            add_exception(scans.qr_sheet(forged), 2)  # 2. a forged sheet (a guessed token)
        if index == 10:
            add_exception(scans.qr_sheet(sheets.payload("CM26-9999999", "COR")), 1)  # 3. a case that does not exist
        if index == 13:
            add_exception(sheet_images[closed.case_number][0], 1)  # 4. a genuine sheet of a withdrawn case
        if index == 16:
            add_exception(scans.blotted(sheet_images[cases[4].case_number][4], rnd), 2)  # 5. an unreadable sheet
        if index == 19:
            add_exception(sheet_images[cases[4].case_number][3], 0)  # 6. a sheet with nothing after it
    pdf = scans.to_pdf(pages)

    started, cpu = time.perf_counter(), _cpu()
    batch = _upload(admin_client, pdf, django_capture_on_commit_callbacks)
    elapsed, cpu = time.perf_counter() - started, _cpu() - cpu
    print(
        f"\nmailroom: {len(pages)} scanned pages, {len(pdf) / 1024:.0f} KB, "
        f"read and filed in {elapsed:.1f} s ({cpu:.1f} s CPU)"
    )

    batch.refresh_from_db()
    assert (batch.status, batch.pages_read, batch.page_count) == (ScanBatch.Status.DONE, len(pages), len(pages))
    filed = [
        (row.document.case.case_number, row.records_kind, row.document.kind, row.document.page_count)
        for row in FiledDocument.objects.filter(batch=batch).select_related("document__case").order_by("first_page")
    ]
    assert len(filed) == 22
    assert filed == expected
    assert CaseDocument.objects.filter(case__in=cases).count() == 22
    reasons = sorted(ScanException.objects.filter(batch=batch).values_list("reason", flat=True))
    assert reasons == sorted(["no_sheet", "bad_sheet", "no_case", "closed", "unreadable", "empty"])
    assert not CaseDocument.objects.filter(case=closed).exists()
    # The orphan pages' range, and the forged sheet's (its own page and the 2 after it).
    orphan = ScanException.objects.get(batch=batch, reason="no_sheet")
    assert (orphan.first_page, orphan.last_page) == (1, 2)
    forged_row = ScanException.objects.get(batch=batch, reason="bad_sheet")
    assert forged_row.last_page - forged_row.first_page == 2 and "forged" in forged_row.detail
    # The checklist: every kind filed for a case is ticked, received today, by fax or mail.
    today = timezone.localdate()
    for case_number, records_kind, _, _ in expected:
        line = RecordsDocument.objects.get(case__case_number=case_number, kind=records_kind)
        assert line.received_on == today and "fax or mail" in line.received_from
    # Cases 1-4 got all five kinds: their records are complete, the clock started today.
    assert [Case.objects.get(pk=case.pk).records_received for case in cases[:4]] == [today] * 4
    assert Case.objects.get(pk=cases[4].pk).records_received is None

    # The batch page shows it; the read of the filed documents is in the access log.
    page = admin_client.get(reverse("mailroom:batch", args=[batch.pk]))
    assert b"22 documents filed, 6 exceptions" in page.content
    logged = set(
        AccessEvent.objects.filter(action="mailroom:batch", object_type="document").values_list(
            "case_number", flat=True
        )
    )
    assert logged == {case.case_number for case in cases}
    assert AccessEvent.objects.filter(
        action="mailroom:batches", object_type="scan_batch", object_id=str(batch.pk)
    ).exists()

    # The queue lists the six; each opens on its pages and the reason.
    queue = admin_client.get(reverse("mailroom:exceptions")).content.decode()
    assert queue.count('href="/mailroom/exceptions/') == 6
    # An exception filed by hand lands on the case, and the filing is in the access log.
    orphan_url = reverse("mailroom:exception", args=[orphan.pk])
    opened = admin_client.get(orphan_url).content.decode()
    assert "No readable cover sheet before these pages" in opened and 'id="file-form"' in opened
    assert admin_client.get(reverse("mailroom:exception_pages", args=[orphan.pk]))["Content-Type"] == "application/pdf"
    response = admin_client.post(
        orphan_url,
        {"action": "file", "case_number": cases[4].case_number, "kind": "COR", "first_page": 1, "last_page": 2},
    )
    assert response.status_code == 302
    orphan.refresh_from_db()
    assert (orphan.state, orphan.filed_to_id) == (ScanException.State.FILED, cases[4].pk)
    by_hand = FiledDocument.objects.get(batch=batch, first_page=1)
    assert (by_hand.document.case_id, by_hand.document.kind, by_hand.document.page_count) == (
        cases[4].pk,
        CaseDocument.Kind.CORRESPONDENCE,
        2,
    )
    assert by_hand.sheet_page is None and by_hand.filed_by == admin_user
    assert AccessEvent.objects.filter(
        action="mailroom:exception", object_type="document", case_number=cases[4].case_number
    ).exists()
    assert RecordsDocument.objects.get(case=cases[4], kind="correspondence").received_on == today

    # The forged sheet's pages are discarded with a reason; they were never filed.
    admin_client.post(reverse("mailroom:exception", args=[forged_row.pk]), {"action": "discard", "reason": "Forged"})
    forged_row.refresh_from_db()
    assert forged_row.state == ScanException.State.DISCARDED
    assert ScanException.objects.filter(state=ScanException.State.OPEN).count() == 4
