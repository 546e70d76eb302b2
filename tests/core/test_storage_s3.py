"""Documents and letters on an S3-compatible bucket (django-storages against moto's S3 server on 127.0.0.1).

Uploaded and generated through the portal's views, stored in the bucket, and read back only through the views that
check access: the same bytes (SHA-256) as uploaded and as registered; nobody else gets them, and the bucket hands out
nothing without credentials."""

import hashlib
import urllib.error
import urllib.request

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases.models import CaseDocument
from letters.models import Letter
from tests.factories import CaseFactory, determined_case, small_pdf
from tests.faults.servers import S3Server

pytestmark = pytest.mark.django_db


@pytest.fixture
def s3(settings):
    server = S3Server().start()
    settings.IMR_STORAGE = "s3"
    settings.STORAGES = {**settings.STORAGES, **server.storages()}
    yield server
    server.stop()


def _read(response) -> bytes:
    return b"".join(response.streaming_content)


def test_a_document_and_a_letter_go_to_the_bucket_and_come_back_only_through_the_access_checked_views(
    s3, admin_client, qa_user, reviewer, client, django_capture_on_commit_callbacks
):
    case = CaseFactory()
    pdf = small_pdf(pages=2, marker="s3-document")
    uploaded = admin_client.post(
        reverse("cases:document_upload", args=[case.case_number]),
        {"kind": "medical_records", "file": SimpleUploadedFile("records.pdf", pdf, "application/pdf")},
    )
    assert uploaded.status_code == 302
    document = CaseDocument.objects.get(case=case)
    determined = determined_case(qa=qa_user)
    with django_capture_on_commit_callbacks(execute=True):  # the letter task runs after the request's commit
        generated = admin_client.post(reverse("letters:generate", args=[determined.case_number]))
    assert generated.status_code == 302
    letters = {letter.rendition: letter for letter in Letter.objects.filter(case=determined, state="signed")}
    assert sorted(letters) == ["parties", "public"]

    # In the bucket, under media/ and letters/, byte for byte.
    objects = s3.objects()
    assert sorted(objects) == sorted(
        [f"media/{document.file.name}"] + [f"letters/{letter.file.name}" for letter in letters.values()]
    )
    assert objects[f"media/{document.file.name}"] == pdf
    for letter in letters.values():
        assert hashlib.sha256(objects[f"letters/{letter.file.name}"]).hexdigest() == letter.sha256

    # Through the views: the same bytes.
    document_response = admin_client.get(reverse("cases:document", args=[case.case_number, document.pk]))
    assert document_response.status_code == 200
    assert hashlib.sha256(_read(document_response)).hexdigest() == hashlib.sha256(pdf).hexdigest() == document.sha256
    for letter in letters.values():
        response = admin_client.get(reverse("letters:download", args=[letter.pk]))
        assert response.status_code == 200
        assert hashlib.sha256(_read(response)).hexdigest() == letter.sha256

    # A reviewer not on these cases gets 404 from both views; the bucket refuses a request without credentials.
    client.force_login(reviewer)
    assert client.get(reverse("cases:document", args=[case.case_number, document.pk])).status_code == 404
    assert client.get(reverse("letters:download", args=[letters["parties"].pk])).status_code == 404
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{s3.endpoint_url}/{s3.bucket}/letters/{letters['parties'].file.name}")
    assert refused.value.code == 403


def test_healthz_checks_the_bucket(s3, client):
    response = client.get("/healthz")
    assert response.status_code == 200
    storage = response.json()["checks"]["storage"]
    assert (storage["ok"], storage["backend"], storage["backends"]) == (
        True,
        "s3",
        {"default": "S3Storage", "letters": "S3Storage"},
    )

    s3.stop()

    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["storage"]["ok"] is False
