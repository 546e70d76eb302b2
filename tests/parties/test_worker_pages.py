"""The injured worker's pages: status and dates in plain words, documents sent (the portal's checks, on the case for
the administrator), the signed letter downloaded as a delivery, and all of it in Spanish for a worker who chose it."""

import re
from importlib import import_module
from urllib.parse import urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from audit.models import AccessEvent
from cases.models import CaseDocument
from cases.services.documents import add_document
from cases.services.intake import mark_eligible
from letters.models import LetterDownload
from parties.worker_models import WorkerAccess
from tests import factories
from tests.parties.worker_helpers import BORN, code_of, noticed_case, open_case, signed_letter, worker_notices

pytestmark = pytest.mark.django_db


def pdf(name: str, marker: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, factories.small_pdf(pages=2, marker=marker), content_type="application/pdf")


def test_the_case_page_gives_the_status_and_dates_in_plain_words_and_never_the_reviewer(client, reviewer):
    case, code = noticed_case(case=factories.case_in_review(reviewer, employee_date_of_birth=BORN))
    open_case(client, case, code)
    body = client.get(f"/worker/case/{case.case_number}/").content.decode()
    assert "A doctor is reviewing your case." in body
    assert "Decision due" in body and f"{case.due_date:%B} {case.due_date.day}, {case.due_date.year}" in body
    assert "Your treating doctor&#x27;s reports on your current condition" in body
    assert reviewer.last_name not in body and reviewer.username not in body


def test_several_pdfs_land_on_the_case_marked_as_the_workers_and_the_administrator_sees_them(client, admin_client):
    case, code = noticed_case()
    add_document(case, data=factories.small_pdf(marker="staff"), name="ur-file.pdf", kind="ur_decision")
    open_case(client, case, code)
    response = client.post(
        f"/worker/case/{case.case_number}/send/",
        {"kind": "medical_records", "files": [pdf("clinic-notes.pdf", "a"), pdf("mri-report.pdf", "b")]},
    )
    assert response.status_code == 302
    sent = CaseDocument.objects.filter(case=case, worker_upload__isnull=False).order_by("pk")
    assert [(d.original_name, d.kind, d.page_count) for d in sent] == [
        ("clinic-notes.pdf", "medical_records", 2),
        ("mri-report.pdf", "medical_records", 2),
    ]
    page = client.get(response["Location"]).content.decode()
    assert "Thank you. We received 2 documents." in page
    assert "clinic-notes.pdf" in page and "mri-report.pdf" in page
    assert "ur-file.pdf" not in page  # a worker sees only what the worker sent
    staff_page = admin_client.get(case.get_absolute_url()).content.decode()
    assert "clinic-notes" in staff_page and "mri-report" in staff_page
    writes = AccessEvent.objects.filter(object_type="case_document", case_number=case.case_number, kind="write")
    assert sorted(writes.values_list("object_id", flat=True)) == sorted(str(d.pk) for d in sent)


def test_a_file_that_fails_the_checks_is_named_and_nothing_is_kept(client):
    case, code = noticed_case()
    open_case(client, case, code)
    response = client.post(
        f"/worker/case/{case.case_number}/send/",
        {
            "kind": "medical_records",
            "files": [
                pdf("good.pdf", "g"),
                SimpleUploadedFile("photo.pdf", b"\xff\xd8\xffJPEG", content_type="application/pdf"),
            ],
        },
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Nothing was sent." in body and "photo.pdf is not a PDF file. Please send PDF files only." in body
    assert not CaseDocument.objects.filter(case=case).exists()
    nothing = client.post(f"/worker/case/{case.case_number}/send/", {"kind": "medical_records"})
    assert nothing.status_code == 400 and "Choose at least one PDF file to send." in nothing.content.decode()


def test_the_signed_letter_downloads_and_is_recorded_as_a_delivery(client):
    case = factories.determined_case(employee_date_of_birth=BORN, employee_name="Maria Lopez")
    case, code = noticed_case(case=case)
    letter = signed_letter(case)
    open_case(client, case, code)
    page = client.get(f"/worker/case/{case.case_number}/").content.decode()
    link = f"/worker/case/{case.case_number}/letters/{letter.pk}/"
    assert link in page
    response = client.get(link)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    download = LetterDownload.objects.get(letter=letter)
    assert download.by is None and download.ip == "127.0.0.1"
    assert AccessEvent.objects.filter(object_type="letter", object_id=str(letter.pk), outcome="allowed").exists()
    # Another case's letter through this case's pages: not there.
    other = factories.determined_case()
    stranger = signed_letter(other)
    refused = client.get(f"/worker/case/{case.case_number}/letters/{stranger.pk}/")
    assert refused.status_code == 404 and not LetterDownload.objects.filter(letter=stranger).exists()


def test_the_pages_are_in_spanish_once_the_worker_chooses_it_and_the_case_keeps_the_choice(client):
    case, code = noticed_case()
    client.post("/worker/language/", {"language": "es", "next": "/worker/"})
    start = client.get("/worker/").content.decode()
    assert '<html lang="es">' in start
    assert "Vea su caso de Revisión Médica Independiente" in start
    assert "Código de acceso al caso" in start
    assert '<a class="visually-hidden-focusable" href="#main">Ir al contenido</a>' in start  # the shared skip link
    open_case(client, case, code)
    page = client.get(f"/worker/case/{case.case_number}/")
    body = page.content.decode()
    assert page["Content-Language"] == "es"
    assert "En qué etapa está su caso" in body and "Envíenos documentos" in body
    assert "Where your case stands" not in body
    # Chosen while the case is open: kept on the case, so the worker's notices follow.
    client.post("/worker/language/", {"language": "en", "next": f"/worker/case/{case.case_number}/"})
    assert WorkerAccess.objects.get(case=case).language == "en"
    client.post("/worker/language/", {"language": "es", "next": f"/worker/case/{case.case_number}/"})
    assert WorkerAccess.objects.get(case=case).language == "es"


def test_the_staff_pages_stay_in_english_after_a_worker_chose_spanish(client, admin_client):
    case, code = noticed_case()
    client.post("/worker/language/", {"language": "es"})
    open_case(client, case, code)
    assert "Vea su caso" in client.get("/worker/").content.decode()
    staff = admin_client.get(case.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="es")
    assert "Notice of assignment" in staff.content.decode() and staff.get("Content-Language") is None
    assert ">Skip to content</a>" in staff.content.decode()  # the skip link they share with the worker's pages


def test_the_notice_to_a_worker_who_chose_spanish_is_in_spanish_and_carries_a_working_code(admin_user, client):
    case = factories.CaseFactory(employee_date_of_birth=BORN, employee_email="maria@example.org")
    factories.DisputedItemFactory(case=case)
    WorkerAccess.objects.create(case=case, language="es")
    mark_eligible(case, by=admin_user, override="test: eligibility is not what this test is about")
    [notice] = worker_notices(case)
    assert notice.template_key == "assignment_notice_worker_es" and notice.to == ["maria@example.org"]
    assert notice.subject == f"Aviso de asignación: Revisión Médica Independiente {case.case_number}"
    assert "Código de acceso al caso:" in notice.body and "Estimado(a)" in notice.body
    assert "de enero de 2026" in notice.body  # the date of injury, 01/05/2026, in words
    assert "Case access code" not in notice.body
    # The mailroom's records cover sheets, for documents sent by fax or mail, in Spanish too; the link opens them.
    sheets = re.search(r"ponga la que corresponda encima de cada documento:\n(\S+)\n", notice.body)
    assert sheets is not None and "print the records cover sheets" not in notice.body
    answer = client.get(urlsplit(sheets.group(1)).path)
    assert answer.status_code == 200 and answer["Content-Type"] == "application/pdf"
    assert open_case(client, case, code_of(case)).status_code == 302


def test_the_notice_to_a_worker_in_english_by_default_and_the_staff_page_counts_it(admin_client, admin_user):
    case = factories.CaseFactory(employee_date_of_birth=BORN)
    factories.DisputedItemFactory(case=case)
    mark_eligible(case, by=admin_user, override="test")
    [notice] = worker_notices(case)
    assert notice.template_key == "assignment_notice_worker_en" and notice.to == []  # on paper: no e-mail on file
    assert "Case access code:" in notice.body and "/worker/" in notice.body
    body = admin_client.get(case.get_absolute_url()).content.decode()
    assert "without an e-mail address (send on paper)" in body
    assert f'href="/worker/staff/{case.case_number}/"' in body


def test_a_stored_notice_still_at_the_old_text_gets_the_cover_sheets_paragraph_and_an_edited_one_is_kept():
    """parties/migrations/0004: the built-in text of before, stored, becomes exactly today's; an administrator's own
    text is left as it is."""
    from django.apps import apps
    from django.utils import translation

    from core.models import EmailTemplate
    from parties.worker_notice import BODY

    migration = import_module("parties.migrations.0004_worker_notice_cover_sheets")
    EmailTemplate.objects.create(key="assignment_notice_worker_en", subject="s", body=migration.OLD["en"])
    EmailTemplate.objects.create(key="assignment_notice_worker_es", subject="s", body="Texto propio del administrador")

    migration.add_cover_sheets(apps, None)

    with translation.override("en"):
        assert EmailTemplate.objects.get(key="assignment_notice_worker_en").body == str(BODY)
    assert EmailTemplate.objects.get(key="assignment_notice_worker_es").body == "Texto propio del administrador"
    with translation.override("es"):
        assert migration.OLD["es"] != str(BODY) == migration._new("es")  # the migration's Spanish is today's too
    migration.remove_cover_sheets(apps, None)
    assert EmailTemplate.objects.get(key="assignment_notice_worker_en").body == migration.OLD["en"]


def test_the_spanish_catalog_is_complete_and_compiled():
    import subprocess

    from django.conf import settings

    from parties.worker_checks import spanish_catalog_compiled

    source = settings.LOCALE_PATHS[0] / "es" / "LC_MESSAGES" / "django.po"
    stats = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(source)], capture_output=True, text=True
    )
    assert stats.returncode == 0 and "translated" in stats.stderr
    assert "untranslated" not in stats.stderr and "fuzzy" not in stats.stderr
    assert "Reviewed by: (nobody yet)" in source.read_text()  # the review flag stays until a fluent speaker signs
    assert spanish_catalog_compiled() == []


def test_the_access_code_is_erased_from_the_outbox_once_the_workers_e_mail_is_sent(admin_user, client, mailoutbox):
    """The code is kept only as its hash: the notice's copy in the outbox loses it once the e-mail has gone."""
    from core.models import ERASED_BODY
    from core.tasks import send_outbox_email

    case = factories.CaseFactory(employee_date_of_birth=BORN, employee_email="maria@example.org")
    factories.DisputedItemFactory(case=case)
    mark_eligible(case, by=admin_user, override="test: eligibility is not what this test is about")
    [notice] = worker_notices(case)
    code = code_of(case)

    assert send_outbox_email(notice.pk) == "sent"

    notice.refresh_from_db()
    assert notice.body == ERASED_BODY and code not in notice.body
    [sent] = [message for message in mailoutbox if message.to == ["maria@example.org"]]
    assert code in sent.body  # the worker got it
    assert open_case(client, case, code).status_code == 302  # and it still opens the case
