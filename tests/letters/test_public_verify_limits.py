"""The public verification page is bounded (finding 2: unauthenticated CPU exhaustion), the service form redirects
only within the site (finding 6), and letter downloads are not cached (finding 10)."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from letters import services
from letters.models import Service
from tests import factories
from tests.letters.helpers import signed_on_decision_day


@pytest.fixture
def organization_certificate(settings, development_material):
    settings.SIGNING_KEY_PATH = str(development_material.key_path)
    settings.SIGNING_CERT_PATH = str(development_material.certificate_path)
    settings.SIGNING_CHAIN_PATHS = [str(development_material.root_certificate_path)]
    settings.SIGNING_TRUST_ROOTS = [str(development_material.root_certificate_path)]
    settings.TIMESTAMP_URL = ""
    return development_material


@pytest.fixture
def letters(qa_user, reviewer, organization_certificate):
    return signed_on_decision_day(services.generate_letters(factories.determined_case(qa=qa_user, reviewer=reviewer)))


def upload(client, data: bytes, **extra):
    return client.post(reverse("letters:verify"), {"file": ContentFile(data, name="letter.pdf")}, **extra)


def field_errors(response) -> list[str]:
    return response.context["form"].errors.get("file", [])


def test_a_file_that_takes_too_long_to_read_is_stopped_at_the_cpu_limit_with_a_clear_message(client, db, settings):
    settings.IMR_VERIFY_CPU_SECONDS = 1
    settings.IMR_VERIFY_MAX_BYTES = 32 * 1024 * 1024
    # The shape of the attack: a PDF header, megabytes of blanks for pyHanko to scan, an end marker. 4 MB take about
    # 0.75 s of CPU here, too close to the limit to be sure; 16 MB take about three times the limit.
    slow = b"%PDF-1.7\n" + b" " * (16 * 1024 * 1024) + b"\n%%EOF\n"

    response = upload(client, slow)

    assert response.status_code == 400
    assert field_errors(response) == [
        "This file could not be read within the time a letter takes to check: it is not one of our letters as "
        "issued (a letter checks in about a second)."
    ]
    assert response.context["verdict"] is None


def test_a_real_letter_still_verifies_through_the_bounded_reader(client, letters):
    with open(letters[0].file.path, "rb") as file:
        response = upload(client, file.read())

    assert response.status_code == 200
    assert response.context["verdict"].kind == "authentic_current"
    assert response.context["verdict"].letter == letters[0]


def test_an_oversized_upload_is_refused_from_its_length_before_it_is_read(client, db, settings):
    settings.IMR_VERIFY_MAX_BYTES = 1024 * 1024

    response = upload(client, b"%PDF-1.7\n" + b"0" * (1200 * 1024) + b"\n%%EOF\n")

    assert response.status_code == 413
    assert response.context["refusal"] == "The file is larger than 1 MB; a letter is far smaller."
    assert '<div class="alert alert-danger" role="alert" id="refusal">The file is larger than 1 MB' in (
        response.content.decode()
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The submitted file is empty."),
        (b"GIF89a not a letter", "This is not a PDF file (it does not start with %PDF-)."),
        (
            b"%PDF-1.7\n1 0 obj <<>> endobj\n",
            "The PDF file is incomplete (it has no end-of-file marker): download it again.",
        ),
    ],
)
def test_files_that_are_not_whole_pdfs_are_refused_before_any_parsing(client, db, data, message):
    response = upload(client, data)

    assert response.status_code == 400
    assert field_errors(response) == [message]


def test_uploads_from_one_address_are_limited_per_minute(client, db, settings):
    settings.IMR_VERIFY_PER_MINUTE = 3

    statuses = [upload(client, b"GIF89a").status_code for _ in range(3)]
    refused = upload(client, b"GIF89a")
    other_address = upload(client, b"GIF89a", REMOTE_ADDR="198.51.100.20")

    assert statuses == [400, 400, 400]
    assert refused.status_code == 429
    assert "Too many letters checked from your address: at most 3 a minute." in refused.content.decode()
    assert other_address.status_code == 400


def test_the_client_address_behind_a_trusted_proxy_is_the_one_the_proxy_saw(client, db, settings):
    settings.IMR_VERIFY_PER_MINUTE = 1
    settings.IMR_TRUSTED_PROXY_COUNT = 1

    first = upload(client, b"GIF89a", HTTP_X_FORWARDED_FOR="10.9.9.9, 198.51.100.30")
    # The client's own (invented) entry in front changes nothing: the proxy's entry counts.
    second = upload(client, b"GIF89a", HTTP_X_FORWARDED_FOR="10.1.1.1, 198.51.100.30")
    third = upload(client, b"GIF89a", HTTP_X_FORWARDED_FOR="198.51.100.31")

    assert [first.status_code, second.status_code, third.status_code] == [400, 429, 400]


def _worker_reachable_by_email(letter) -> None:
    """E-mail service needs an e-mail address on file (the parties' addresses, issue 21)."""
    letter.case.employee_email = "worker@example.org"
    letter.case.save(update_fields=["employee_email"])


@pytest.mark.parametrize(
    "target", ["//evil.example/", "https://evil.example/letters/", "/\\evil.example/", "javascript:alert(1)"]
)
def test_recording_service_never_redirects_off_the_site(letters, client, staff_user, target):
    client.force_login(staff_user)
    _worker_reachable_by_email(letters[0])

    response = client.post(
        reverse("letters:service", args=[letters[0].pk]),
        {"served_on": "11/12/2026", "recipients": "employee", "method_employee": "email", "next": target},
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("letters:center")
    assert Service.objects.count() == 1


def test_recording_service_returns_to_the_page_it_came_from_on_the_site(letters, client, staff_user):
    client.force_login(staff_user)
    _worker_reachable_by_email(letters[0])
    here = reverse("letters:case_register", args=[letters[0].case.case_number])

    response = client.post(
        reverse("letters:service", args=[letters[0].pk]),
        {"served_on": "11/12/2026", "recipients": "employee", "method_employee": "email", "next": here},
    )

    assert response["Location"] == here


def test_a_letter_download_is_not_stored_by_caches(letters, client, staff_user):
    client.force_login(staff_user)

    response = client.get(reverse("letters:download", args=[letters[0].pk]))

    assert response.status_code == 200
    assert {part.strip() for part in response["Cache-Control"].split(",")} == {
        "max-age=0",
        "no-cache",
        "no-store",
        "must-revalidate",
        "private",
    }
