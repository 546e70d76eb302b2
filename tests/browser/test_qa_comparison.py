"""Clinical QA compares the versions of a determination in real Chromium: each section word by word, insertions and
deletions marked inline, unchanged paragraphs folded, every version's own time in Pacific time.

Saves docs/screens/qa-comparison.png (listed in docs/screens/README.md)."""

from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cases.services import determinations
from tests.conftest import log_in
from tests.factories import case_in_review

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENS = Path(__file__).resolve().parents[2] / "docs" / "screens"
BASIS = {
    "mtus": [{"chapter": "Chronic Pain Medical Treatment 2016", "sections": ["Physical Medicine"]}],
    "non_mtus": [],
}
SUMMARY = (
    "The injured worker is a 52-year-old warehouse lead with low back pain radiating to the left leg.\n\n"
    "Treatment to date has included physical therapy, chiropractic manipulation and naproxen.\n\n"
    "The requesting physician asked for eight more sessions of physical therapy."
)
RATIONALE = "The records document 18 prior sessions without functional improvement. The request is not necessary."


def test_qa_compares_a_returned_version_with_its_revision_word_by_word(page, reviewer, qa_user):
    case = case_in_review(reviewer, items=1)
    item = case.items.get()
    draft = determinations.start_or_get_draft(case, by=reviewer)
    determinations.save_draft(
        draft,
        by=reviewer,
        revision=0,
        summary=SUMMARY,
        decisions={item.pk: {"decision": "upheld", "basis": BASIS, "rationale": RATIONALE}},
    )
    determinations.submit_determination(draft, by=reviewer)
    revision = determinations.return_determination(draft, by=qa_user, comment="Say what the physical findings are.")
    determinations.save_draft(
        revision,
        by=reviewer,
        revision=0,
        summary=SUMMARY.replace("with low back pain", "with low back pain and a positive straight leg raise"),
        decisions={item.pk: {"rationale": RATIONALE.replace("not necessary", "not medically necessary")}},
    )
    determinations.submit_determination(revision, by=reviewer)
    revision.refresh_from_db()

    log_in(page, qa_user.username)
    page.goto(f"/cases/{case.case_number}/qa/")

    comparison = page.locator(".version-compare").first
    expect(comparison.locator("ins").first).to_have_text("and a positive straight leg raise")
    expect(comparison.locator("ins", has_text="medically")).to_have_count(1)
    expect(comparison.locator("del")).to_have_count(0)
    # The unchanged paragraphs of the summary are folded, and open on demand.
    folded = comparison.locator("details").first
    expect(folded.locator("summary")).to_have_text("2 unchanged paragraphs")
    folded.locator("summary").click()
    expect(folded).to_contain_text("Treatment to date has included physical therapy")
    # No word is broken in the middle: the marked runs are the whole words added, and nothing else.
    inserted = [text.strip() for text in comparison.locator("ins").all_inner_texts()]
    assert inserted == ["and a positive straight leg raise", "medically"]
    submitted_at = timezone.localtime(revision.submitted_at).strftime("%m/%d/%Y %-I:%M %p %Z")
    expect(page.get_by_text("Version 2 · Revised by the reviewer after QA", exact=False).first).to_contain_text(
        f"submitted {submitted_at}"
    )

    SCREENS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.locator("#versions-h").scroll_into_view_if_needed()
    page.locator("#versions-h").locator("xpath=../..").screenshot(path=str(SCREENS / "qa-comparison.png"))
