import pytest
import weasyprint
from django.urls import reverse

from cases.services import documents
from tests.factories import case_in_review

pytestmark = pytest.mark.django_db


def text_pdf(*pages: str) -> bytes:
    """A real PDF with a text layer, one page per argument."""
    html = "".join(f'<p style="break-after: page">{text}</p>' for text in pages)
    return weasyprint.HTML(string=html).write_pdf()


def test_uploading_a_pdf_keeps_the_text_of_each_page():
    case = case_in_review(None, items=1)
    document = documents.add_document(
        case,
        data=text_pdf("Progress report.", "Straight leg raise positive on the left."),
        name="pr2.pdf",
        kind="medical_records",
    )
    assert document.page_count == 2
    assert document.page_texts == ["Progress report.", "Straight leg raise positive on the left."]


def test_the_reviewer_finds_the_page_of_a_record_that_says_something(client, reviewer):
    case = case_in_review(reviewer, items=1)
    documents.add_document(
        case,
        data=text_pdf("Initial evaluation.", "MRI shows L5-S1 disc protrusion."),
        name="a.pdf",
        kind="medical_records",
        title="Initial evaluation",
    )
    report = documents.add_document(
        case,
        data=text_pdf("No change. The MRI was reviewed.", "Plan: physical therapy."),
        name="b.pdf",
        kind="medical_records",
        title="PR-2 report",
    )
    client.force_login(reviewer)
    response = client.get(reverse("cases:records_search", args=[case.case_number]), {"q": "mri reviewed"})
    assert response.json()["results"] == [
        {
            "document_id": report.pk,
            "title": "PR-2 report",
            "page": 1,
            "snippet": "No change. The MRI was reviewed.",
            "url": reverse("cases:document", args=[case.case_number, report.pk]) + "#page=1",
        }
    ]
    pages = [
        hit["page"]
        for hit in client.get(reverse("cases:records_search", args=[case.case_number]), {"q": "MRI"}).json()["results"]
    ]
    assert pages == [2, 1]


def test_another_reviewer_cannot_search_a_case_not_theirs(client, reviewer, other_reviewer):
    case = case_in_review(reviewer, items=1)
    documents.add_document(case, data=text_pdf("Secret finding."), name="a.pdf", kind="medical_records")
    client.force_login(other_reviewer)
    response = client.get(reverse("cases:records_search", args=[case.case_number]), {"q": "secret"})
    assert response.status_code == 404


def test_an_empty_query_finds_nothing(client, reviewer):
    case = case_in_review(reviewer, items=1)
    client.force_login(reviewer)
    response = client.get(reverse("cases:records_search", args=[case.case_number]), {"q": "  "})
    assert response.json() == {"query": "", "results": []}
