"""The reviewer searches within the records and lands on the page that says it."""

import pytest
import weasyprint

from cases.services import documents
from tests.conftest import log_in
from tests.factories import case_in_review

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_reviewer_searches_the_records_and_opens_the_page_found(page, reviewer):
    case = case_in_review(reviewer, items=1)
    html = "".join(
        f'<p style="break-after: page">{text}</p>'
        for text in ("Initial evaluation.", "Objective: straight leg raise positive at 40 degrees.", "Plan.")
    )
    documents.add_document(
        case, data=weasyprint.HTML(string=html).write_pdf(), name="pr2.pdf", kind="medical_records", title="PR-2"
    )
    log_in(page, reviewer.username)
    page.goto(f"/cases/{case.case_number}/workspace/")
    page.get_by_label("Search within the records").fill("straight leg")
    page.get_by_role("button", name="Search", exact=True).click()
    hit = page.get_by_role("button", name="PR-2, page 2")
    hit.wait_for()
    assert page.locator("#records-search-status").inner_text() == "1 page found."
    hit.click()
    assert page.locator("#record-viewer").get_attribute("src").endswith("#page=2")
    assert page.locator("#viewer-title").inner_text() == "PR-2, page 2 of 3"
