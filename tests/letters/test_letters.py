"""The letter register: generation, signatures checked from outside (pdfsig, pyHanko), verification, corrections,
immutability, the task, downloads, ZIP, service, and the pages' permissions."""

from __future__ import annotations

import datetime
import hashlib
import io
import subprocess
import zipfile

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.urls import reverse
from pypdf import PdfReader

from cases.lifecycle import Status
from letters import rendering, services
from letters.models import ImmutableLetterError, Letter, LetterDownload, Service
from letters.signing import verify_pdf
from letters.tasks import generate_letters_task
from tests import factories
from tests.letters.helpers import signed_on_decision_day


@pytest.fixture
def organization_certificate(settings, development_material):
    """Sign with a configured key and chain (the test CA of tests/letters/conftest.py, which the NSS db trusts)."""
    settings.SIGNING_KEY_PATH = str(development_material.key_path)
    settings.SIGNING_CERT_PATH = str(development_material.certificate_path)
    settings.SIGNING_CHAIN_PATHS = [str(development_material.root_certificate_path)]
    settings.SIGNING_TRUST_ROOTS = [str(development_material.root_certificate_path)]
    settings.TIMESTAMP_URL = ""
    return development_material


@pytest.fixture
def case(qa_user, reviewer):
    return factories.determined_case(qa=qa_user, reviewer=reviewer)


@pytest.fixture
def letters(case, organization_certificate):
    return signed_on_decision_day(services.generate_letters(case))


def letter_bytes(letter: Letter) -> bytes:
    with open(letter.file.path, "rb") as file:
        return file.read()


def pdfsig(path, nss_database) -> str:
    # pdfsig exits 0 whether the signature is valid or not: the verdict is in its output.
    result = subprocess.run(["pdfsig", "-nssdir", nss_database, str(path)], capture_output=True, text=True)
    return result.stdout + result.stderr


def change_one_signed_byte(data: bytes) -> bytes:
    """Change one byte of the letter's first revision (signed content), inside the document title."""
    position = data.index(b"Independent Medical Review Final Determination")
    changed = bytearray(data)
    changed[position] = ord("X")
    return bytes(changed)


def test_both_renditions_are_signed_registered_and_the_case_moves_to_letter_signed(case, letters):
    case.refresh_from_db()
    assert [(letter.rendition, letter.version, letter.state) for letter in letters] == [
        ("parties", 1, "signed"),
        ("public", 1, "signed"),
    ]
    assert case.status == Status.LETTER_SIGNED
    parties = letters[0]
    data = letter_bytes(parties)
    assert parties.size == len(data)
    assert parties.sha256 == hashlib.sha256(data).hexdigest()
    assert parties.certificate_fingerprint == services.signing_setup().fingerprint
    assert parties.approved_by == case.determinations.get().qa_by
    assert parties.page_count >= 2


def test_pdfsig_reports_the_signature_valid_and_trusted_and_qpdf_accepts_the_file(letters, nss_database, tmp_path):
    path = tmp_path / "letter.pdf"
    path.write_bytes(letter_bytes(letters[0]))
    output = pdfsig(path, nss_database)
    assert "Signature is Valid." in output
    assert "Certificate is Trusted." in output
    assert subprocess.run(["qpdf", "--check", str(path)], capture_output=True).returncode == 0
    metadata = PdfReader(path).xmp_metadata  # still claims PDF/A-3b after signing
    assert metadata is not None
    assert metadata.get_nodes_in_namespace("", "http://www.aiim.org/pdfa/ns/id/") != []
    xml = metadata.rdf_root.toxml()
    assert ('pdfaid:part="3"' in xml or "<pdfaid:part>3</pdfaid:part>" in xml) is True


def test_one_changed_byte_is_a_digest_mismatch_for_pdfsig_and_pyhanko_and_altered_on_the_page(
    letters, nss_database, tmp_path, client, organization_certificate
):
    altered = change_one_signed_byte(letter_bytes(letters[0]))
    path = tmp_path / "altered.pdf"
    path.write_bytes(altered)

    assert "Digest Mismatch." in pdfsig(path, nss_database)
    result = verify_pdf(altered, [organization_certificate.load_root_certificate()])
    assert (result.signed, result.intact, result.authentic) == (True, False, False)
    response = client.post(reverse("letters:verify"), {"file": ContentFile(altered, name="altered.pdf")})
    assert response.status_code == 200
    assert response.context["verdict"].kind == "altered"
    assert 'data-verdict="altered">Altered</h2>' in response.content.decode()


def test_an_unchanged_letter_verifies_as_authentic_and_current_on_the_public_page_without_log_in(letters, client):
    response = client.post(reverse("letters:verify"), {"file": ContentFile(letter_bytes(letters[1]), name="x.pdf")})
    assert response.status_code == 200
    assert response.context["verdict"].kind == "authentic_current"
    assert response.context["verdict"].letter == letters[1]


def test_the_verification_pages_need_no_log_in(letters, client):
    assert client.get(reverse("letters:verify")).status_code == 200
    response = client.get(reverse("letters:verify_code", args=[letters[0].verification_code]))
    assert response.status_code == 200
    assert response.context["letter"] == letters[0]
    assert client.get(reverse("letters:verify_code", args=["0" * 20])).status_code == 404


def test_a_correction_supersedes_the_old_version_and_both_are_kept(case, letters, admin_user):
    old_data = letter_bytes(letters[0])
    corrected = services.issue_correction(case, by=admin_user, reason="Typo in the summary")
    assert [(letter.rendition, letter.version) for letter in corrected] == [("parties", 2), ("public", 2)]
    assert Letter.objects.filter(case=case).count() == 4
    assert Letter.objects.current().filter(case=case).count() == 2
    old = Letter.objects.get(pk=letters[0].pk)
    assert old.superseded_at is not None
    assert old.superseded_by == corrected[0]

    verdict = services.verify_letter_bytes(old_data)
    assert verdict.kind == "authentic_superseded"
    assert verdict.current == corrected[0]
    assert services.verify_letter_bytes(letter_bytes(corrected[0])).kind == "authentic_current"


def test_a_validly_signed_pdf_that_is_not_in_the_register_is_unknown(case, letters):
    rendered = rendering.render_letter_pdf(case, rendering.approved_determination(case), rendition="public")
    data = services.sign_rendered(rendered)
    assert verify_pdf(data, services.signing_setup().trust_roots).authentic is True
    verdict = services.verify_letter_bytes(data)
    assert verdict.kind == "unknown"
    assert services.verify_letter_bytes(b"not a pdf at all").kind == "unknown"
    assert services.verify_letter_bytes(rendered.pdf).kind == "unknown"  # unsigned


def test_a_signed_letter_cannot_be_changed(letters):
    letter = Letter.objects.get(pk=letters[0].pk)
    letter.sha256 = "0" * 64
    with pytest.raises(ImmutableLetterError):
        letter.save()
    letter = Letter.objects.get(pk=letters[0].pk)
    letter.file.save("other.pdf", ContentFile(b"%PDF-1.7 forged"), save=False)
    with pytest.raises(ImmutableLetterError):
        letter.save()
    with pytest.raises(ImmutableLetterError):
        Letter.objects.filter(pk=letter.pk).update(sha256="1" * 64)
    with pytest.raises(ImmutableLetterError):
        letter.delete()
    assert Letter.objects.get(pk=letter.pk).sha256 == letters[0].sha256


def test_the_task_is_idempotent_running_twice_gives_one_letter_per_rendition(case, organization_certificate):
    generate_letters_task.delay(case.pk)
    generate_letters_task.delay(case.pk)
    assert sorted(Letter.objects.filter(case=case).values_list("rendition", "version", "state")) == [
        ("parties", 1, "signed"),
        ("public", 1, "signed"),
    ]


def test_the_task_skips_a_case_without_an_approved_determination(db, organization_certificate):
    case = factories.CaseFactory(status="determined")
    assert generate_letters_task.delay(case.pk).get() == "not-ready"
    assert generate_letters_task.delay(10**9).get() == "gone"
    assert Letter.objects.count() == 0


def test_the_reviewer_name_never_appears_on_a_letter(case, letters, reviewer, tmp_path):
    reviewer.first_name, reviewer.last_name = "Zebulon", "Quacksworth"
    reviewer.save()
    for rendition in ("parties", "public"):
        path = tmp_path / f"{rendition}.pdf"
        call_command("render_letter", case.case_number, rendition=rendition, output=path, unsigned=True)
        text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True).stdout
        assert "Quacksworth" not in text
        assert "Physical Medicine & Rehabilitation" in text


def test_the_parties_letter_states_the_final_determination_in_plain_words(case, letters):
    text = subprocess.run(["pdftotext", "-layout", letters[0].file.path, "-"], capture_output=True, text=True).stdout
    assert "Final Determination: Partial Overturn" in text
    assert "Page 1 of" in text
    assert f"Case Number: {case.case_number}" in text
    public = subprocess.run(["pdftotext", "-layout", letters[1].file.path, "-"], capture_output=True, text=True).stdout
    assert case.employee_name not in public
    assert case.employee_name in text


def test_downloads_are_logged_with_who_and_when(letters, client, staff_user):
    client.force_login(staff_user)
    response = client.get(reverse("letters:download", args=[letters[0].pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == letter_bytes(letters[0])
    download = LetterDownload.objects.get()
    assert (download.letter, download.by, download.ip, download.in_bulk) == (letters[0], staff_user, "127.0.0.1", False)


def test_the_zip_holds_exactly_the_selected_letters(letters, client, staff_user):
    other = services.generate_letters(factories.determined_case())
    client.force_login(staff_user)
    response = client.post(reverse("letters:zip"), {"letter": [letters[0].pk, other[1].pk]})
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert sorted(archive.namelist()) == sorted([letters[0].download_name, other[1].download_name])
    assert archive.read(letters[0].download_name) == letter_bytes(letters[0])
    assert LetterDownload.objects.filter(in_bulk=True).count() == 2


def test_recording_service_keeps_it_and_moves_the_case_to_served(case, letters, client, staff_user):
    # E-mail service needs an e-mail address on file for each addressee served so.
    case.employee_email = "worker@example.com"
    case.save(update_fields=["employee_email"])
    case.claims_administrator.email = "imr@claims.example"
    case.claims_administrator.save(update_fields=["email"])
    client.force_login(staff_user)
    response = client.post(
        reverse("letters:service", args=[letters[0].pk]),
        {
            "served_on": "2026-11-12",
            "recipients": ["employee", "claims_administrator"],
            "method_employee": "email",
            "method_claims_administrator": "email",
            "note": "",
        },
    )
    assert response.status_code == 302, response.context["service_form"].errors
    service = Service.objects.get()
    assert (service.letter, service.method, service.recipients, service.by) == (
        letters[0],
        "email",
        [f"Injured worker: {case.employee_name}", f"Claims administrator: {case.claims_administrator}"],
        staff_user,
    )
    case.refresh_from_db()
    assert case.status == Status.SERVED


def test_service_with_no_recipient_is_refused_and_nothing_is_saved(letters, client, staff_user):
    client.force_login(staff_user)
    client.post(reverse("letters:service", args=[letters[0].pk]), {"served_on": "2026-11-12", "method": "fax"})
    assert Service.objects.count() == 0


def test_the_letter_center_lists_current_letters_for_staff_and_filters_by_service(letters, client, staff_user):
    client.force_login(staff_user)
    response = client.get(reverse("letters:center"))
    assert response.status_code == 200
    assert [letter.pk for letter in response.context["page"]] == [letters[0].pk, letters[1].pk]
    response = client.get(reverse("letters:center"), {"served": "yes"})
    assert list(response.context["page"]) == []
    response = client.get(reverse("letters:center"), {"rendition": "public"})
    assert [letter.pk for letter in response.context["page"]] == [letters[1].pk]


def test_the_letter_center_is_refused_to_reviewers_and_qa(letters, client, reviewer, qa_user):
    for user in (reviewer, qa_user):
        client.force_login(user)
        assert client.get(reverse("letters:center")).status_code == 403


def test_a_reviewer_cannot_download_the_letter_of_another_reviewers_case(letters, client, other_reviewer, reviewer):
    client.force_login(other_reviewer)
    assert client.get(reverse("letters:download", args=[letters[0].pk])).status_code == 404
    assert client.get(reverse("letters:case_register", args=[letters[0].case.case_number])).status_code == 404
    client.force_login(reviewer)
    assert client.get(reverse("letters:download", args=[letters[0].pk])).status_code == 200


def test_the_case_page_shows_the_letter_state(case, organization_certificate, admin_client, admin_user):
    # Generated by someone: the case page cannot show a timeline step with no user yet (see the report).
    services.generate_letters(case, by=admin_user)
    response = admin_client.get(case.get_absolute_url())
    assert response.status_code == 200
    assert "Public redacted copy v1:" in response.content.decode()


def test_verify_letter_command_exits_0_for_current_and_1_for_altered(letters, tmp_path, capsys):
    path = tmp_path / "letter.pdf"
    path.write_bytes(letter_bytes(letters[0]))
    call_command("verify_letter", str(path))
    assert capsys.readouterr().out.startswith("Authentic and current:")
    path.write_bytes(change_one_signed_byte(letter_bytes(letters[0])))
    with pytest.raises(SystemExit) as exit_info:
        call_command("verify_letter", str(path))
    assert exit_info.value.code == 1
    assert capsys.readouterr().out.startswith("Altered:")


def test_render_letter_command_signs_without_registering(case, letters, tmp_path):
    path = tmp_path / "copy.pdf"
    call_command("render_letter", case.case_number, rendition="public", output=path)
    assert services.verify_letter_bytes(path.read_bytes()).kind == "unknown"
    assert Letter.objects.count() == 2


def test_the_organizations_logo_from_settings_is_printed_on_the_letter(case, settings, tmp_path):
    from PIL import Image

    logo = tmp_path / "logo.png"
    Image.new("RGB", (120, 40), (0, 70, 140)).save(logo)
    settings.IMR_ORGANIZATION_LOGO = str(logo)
    rendered = rendering.render_letter_pdf(case, rendering.approved_determination(case), rendition="parties")
    listing = tmp_path / "letter.pdf"
    listing.write_bytes(rendered.pdf)
    images = subprocess.run(["pdfimages", "-list", str(listing)], capture_output=True, text=True, check=True).stdout
    assert [line.split()[3:5] for line in images.splitlines()[2:] if line.split()[3:5] == ["120", "40"]] == [
        ["120", "40"]
    ]


def test_the_letter_center_says_whom_to_serve_and_where(case, letters, client, staff_user):
    case.employer.address_lines = "100 Harbor Way, Oakland, CA 94607"
    case.employer.save()
    case.employee_address = "12 Elm Street, Fresno, CA 93701"
    case.save()
    client.force_login(staff_user)

    response = client.get(reverse("letters:center"))

    parties_letter, public_copy = response.context["page"]
    assert [(row["role"], row["name"], row["address"]) for row in parties_letter.addressees] == [
        ("Injured worker", case.employee_name, "12 Elm Street, Fresno, CA 93701"),
        ("Claims administrator", case.claims_administrator.name, ""),
        ("Employer", case.employer.name, "100 Harbor Way, Oakland, CA 94607"),
    ]
    assert public_copy.addressees == []
    assert "100 Harbor Way, Oakland, CA 94607" in response.content.decode()


def test_the_letter_center_issues_the_same_number_of_queries_for_1_and_for_6_cases(
    client, staff_user, qa_user, reviewer, organization_certificate
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("letters:center")).status_code == 200
        return len(queries)

    client.force_login(staff_user)
    services.generate_letters(factories.determined_case(qa=qa_user, reviewer=reviewer))
    one = count()
    for _ in range(5):
        services.generate_letters(factories.determined_case(qa=qa_user, reviewer=reviewer))
    assert count() == one


def test_the_letter_center_shows_the_oldest_determined_cases_waiting_for_letters_and_says_how_many(client, staff_user):
    from cases.models import Case
    from letters.views import PENDING_SHOWN
    from tests.factories import CaseFactory

    waiting = [
        CaseFactory(status="determined", decision_date=datetime.date(2026, 11, 1) + datetime.timedelta(days=n))
        for n in range(PENDING_SHOWN + 3)
    ]
    client.force_login(staff_user)

    response = client.get(reverse("letters:center"))

    assert [case.pk for case in response.context["pending_cases"]] == [case.pk for case in waiting[:PENDING_SHOWN]]
    assert f"The {PENDING_SHOWN} oldest of {PENDING_SHOWN + 3}" in response.content.decode()
    assert Case.objects.filter(status="determined").count() == PENDING_SHOWN + 3
