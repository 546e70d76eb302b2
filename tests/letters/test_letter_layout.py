"""What the letter prints where (issue 21, finding 6 and the letters' points of 7): the pages of a page-specific
section the reviewer picked, "disputed items/services", a section heading never alone at the foot of a page."""

from __future__ import annotations

import re

import pytest

from letters import rendering
from tests.factories import determined_case
from tests.pdftext import pdftotext

pytestmark = pytest.mark.django_db

HEADINGS = ("HOW THE IMR FINAL DETERMINATION WAS MADE", "CLINICAL CASE SUMMARY", "IMR ISSUES, DECISIONS AND RATIONALES")
# Lines that only introduce what follows, and the page furniture (running header, page number).
LEAD_INS = (
    "The Final Determination was based on decisions for the disputed items/services set forth below:",
    "The expert reviewer developed the following clinical case summary based on a review of the case file,",
    "including all medical records:",
)
FURNITURE = re.compile(r"^\s*(Page \d+ of \d+|\S.*\s{2,}Case Number: CM\d{2}-\d{7})\s*$")


def one_line(text: str) -> str:
    return " ".join(text.split())


def public_text(case) -> str:
    determination = rendering.approved_determination(case)
    return pdftotext(rendering.render_letter_pdf(case, determination, rendition="public").pdf)


def test_a_page_specific_section_the_reviewer_picked_prints_its_pages_as_the_picker_showed_them():
    case = determined_case(decisions=("upheld",))
    row = rendering.approved_determination(case).decisions.get()
    row.guideline_refs = [
        {"id": 7, "chapter": "Chronic Pain Medical Treatment 2016", "name": "Physical Medicine", "pages": "98-99"}
    ]
    row.save(update_fields=["guideline_refs"])

    text = one_line(public_text(case))

    assert (
        "MAXIMUS guideline: Decision based on MTUS Chronic Pain Medical Treatment 2016 Physical Medicine "
        "Page(s): 98-99."
    ) in text
    # The claims administrator's line, from the case's own basis, is unchanged.
    assert "Section(s): Physical Medicine, Page(s)" not in text


def test_a_section_picked_without_pages_prints_its_sections_only():
    case = determined_case(decisions=("upheld",))

    text = one_line(public_text(case))

    assert (
        "MAXIMUS guideline: Decision based on MTUS Chronic Pain Medical Treatment 2016, Section(s): Physical Medicine."
    ) in text
    assert "Page(s)" not in text


def test_the_letter_says_disputed_items_and_services_in_both_places():
    case = determined_case(decisions=("upheld",))

    text = one_line(public_text(case))

    assert text.count("disputed items/services") == 2
    assert "items/Service." not in text


@pytest.mark.parametrize("paragraphs", range(31, 36))
def test_a_section_heading_is_followed_on_its_page_by_the_sections_content(paragraphs):
    # One-line paragraphs push the issues heading down a line at a time: one of these counts puts it and its lead-in
    # sentence at the foot of page 2 (what the letter printed before), with the first item on page 3.
    case = determined_case(decisions=("upheld",))
    determination = rendering.approved_determination(case)
    determination.clinical_case_summary = "\n\n".join(["The injured worker reported low back pain."] * paragraphs)
    determination.save(update_fields=["clinical_case_summary"])

    pages = public_text(case).split("\f")

    found = []
    for number, page in enumerate(pages, 1):
        lines = [line.strip() for line in page.split("\n") if line.strip() and not FURNITURE.match(line)]
        for index, line in enumerate(lines):
            if line in HEADINGS:
                content = [after for after in lines[index + 1 :] if after not in LEAD_INS]
                found.append((line, number, bool(content)))
    assert [heading for heading, _, _ in found] == list(HEADINGS)
    assert [(heading, number) for heading, number, followed in found if not followed] == []
