import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests import factories
from tests.cases.test_intake import intake_data


def _fieldset(page: str, legend: str) -> str:
    start = page.index(legend)
    return page[start : page.index("</fieldset>", start)]


@pytest.mark.django_db
def test_the_optional_first_document_of_a_new_case_marks_no_field_required(admin_client):
    page = admin_client.get(reverse("cases:create")).content.decode()

    first_document = _fieldset(page, "First document (optional)")

    assert 'name="doc-file"' in first_document
    assert re.findall(r"<(?:input|select)[^>]*\brequired\b[^>]*>", first_document) == []
    assert first_document.count("asteriskField") == 0


@pytest.mark.django_db
def test_a_document_sent_with_a_new_case_still_needs_its_kind(admin_client):
    data = intake_data() | {"doc-file": SimpleUploadedFile("a.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")}
    response = admin_client.post(reverse("cases:create"), data)

    assert response.status_code == 200
    assert response.context["document_form"].errors["kind"] == ["This field is required."]


@pytest.mark.django_db
def test_every_file_input_that_takes_a_pdf_offers_pdfs_first(admin_client, client):
    case = factories.CaseFactory()
    pages = [
        admin_client.get(reverse("cases:create")).content.decode(),
        admin_client.get(case.get_absolute_url()).content.decode(),
        client.get(reverse("letters:verify")).content.decode(),
    ]

    file_inputs = [tag for page in pages for tag in re.findall(r'<input[^>]*type="file"[^>]*>', page)]

    assert len(file_inputs) == 3
    assert [re.search(r'accept="([^"]*)"', tag).group(1) for tag in file_inputs] == [".pdf,application/pdf"] * 3
