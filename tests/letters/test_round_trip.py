"""Round trip on real letters: import a published determination (imr-case/1), render the public copy, read its text
back with ``pdftotext -layout`` and compare with the published text, whitespace aside.

The test renders every real letter (render only, no signing: signing is tested elsewhere). The letters' HTML is made
here, with the database; their PDFs are made from it and read back in two worker processes (WeasyPrint holds the GIL:
about twice as fast on two cores), exactly as ``rendering.render_letter_pdf`` makes them, which one letter checks.
"""

from __future__ import annotations

import multiprocessing
import os
import re
import subprocess
from concurrent.futures import ProcessPoolExecutor

import pytest
from django.conf import settings

from cases.interchange.importer import import_document
from cases.models import Case
from letters import pdf, rendering
from precedents.parser import published_letters_document
from tests import paths

LETTERS = paths.LETTERS
ALL_TEXTS = sorted((LETTERS / "text").glob("*.txt"))


def pdftotext(data: bytes) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True
    ).stdout.decode()


def public_copy_text(html: str) -> str:
    """The text of the PDF made from a letter's HTML as ``rendering.render_letter_pdf`` makes it (run in a worker)."""
    return pdftotext(pdf.render_pdf(html, base_url=str(settings.BASE_DIR)).pdf)


# The standard heading of an item UR modified is "X was the original request. Y was authorized by the Claims
# Administrator. The remaining IMR eligible portion of the original request, Z is: Upheld" (DOMAIN.md). A few
# published letters word it otherwise ("... authorized Y, leaving the original request IMR eligible. The original
# request, Z is:", or without the "is"). imr-case/1 keeps X, Y and Z, not the wording, so those headings come back
# in the standard form: the only difference allowed, and only in letters that use such a variant.
VARIANT_MODIFIED_HEADING = re.compile(
    r"leaving the original request IMR eligible"
    r"|remaining IMR eligible portion of the original request,(?:(?!\bis:)[^:])*: (?:Upheld|Overturned)"
)


def uses_variant_modified_heading(text: str) -> bool:
    return bool(VARIANT_MODIFIED_HEADING.search(" ".join(text.split())))


def test_the_round_trip_covers_every_real_letter():
    assert len(ALL_TEXTS) == 136


@pytest.mark.django_db
def test_public_copies_of_every_real_letter_read_back_as_the_published_text(capsys):
    import_document(published_letters_document(ALL_TEXTS))
    letters = {}
    for path in ALL_TEXTS:
        case = Case.objects.get(case_number=path.stem)
        assert case.status == "closed"
        determination = rendering.approved_determination(case)
        letters[path] = (case, determination, rendering.render_letter_html(case, determination, rendition="public"))
    # Forked workers: they need no database, only the HTML (the forked copy of the connection is never used).
    htmls = [html for *_, html in letters.values()]
    with ProcessPoolExecutor(min(2, os.cpu_count() or 1), mp_context=multiprocessing.get_context("fork")) as workers:
        texts = dict(zip(letters, workers.map(public_copy_text, htmls, chunksize=4), strict=True))
    case, determination, _html = letters[ALL_TEXTS[0]]
    assert pdftotext(rendering.render_letter_pdf(case, determination, rendition="public").pdf) == texts[ALL_TEXTS[0]]
    mismatches = {}
    split_headings = []
    for path, (case, determination, _html) in letters.items():
        text = texts[path]
        problems = rendering.published_differences(path.read_text(encoding="utf-8"), text)
        if problems:
            mismatches[path] = problems
        # Every item heading is printed whole on one page, followed there by its first guideline line.
        pages = [re.sub(r"\s+", "", page) for page in text.split("\f")]
        for row in determination.decisions.select_related("item"):
            heading = rendering.item_heading(row.item, row.decision)
            whole = re.sub(r"\s+", "", heading + "Claims Administrator guideline:")
            if not any(whole in page for page in pages):
                split_headings.append(f"{case.case_number}: {heading[:60]}")
    variants = {path for path in ALL_TEXTS if uses_variant_modified_heading(path.read_text(encoding="utf-8"))}
    with capsys.disabled():
        print(
            f"\nround trip: {len(ALL_TEXTS) - len(mismatches)} of {len(ALL_TEXTS)} real letters identical "
            f"(whitespace aside); {len(variants)} use a variant wording of the modified-item heading"
        )
    assert split_headings == []
    # Every letter that differs is one with a variant heading, and differs only in the decisions section.
    assert set(mismatches) <= variants
    for problems in mismatches.values():
        assert len(problems) == 1
        assert problems[0].startswith("IMR ISSUES, DECISIONS AND RATIONALES: text differs")
    assert len(mismatches) <= 4


def test_a_changed_rationale_is_reported_as_a_difference():
    published = (LETTERS / "text" / "CM16-0213037.txt").read_text(encoding="utf-8")
    changed = published.replace("warranting an MRI", "warranting a CT scan", 1)
    problems = rendering.published_differences(published, changed)
    assert len(problems) == 1
    assert problems[0].startswith("IMR ISSUES, DECISIONS AND RATIONALES: text differs")
