"""The reviewer types a drug name in the basis picker, picks the section the guidelines file it under, and cites a
similar past decision from the precedent panel; both land in the saved determination."""

import json
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from cases.models import ItemDecision
from guidelines.models import GuidelineSection, Synonym
from precedents import importer
from tests.conftest import log_in, wait_for
from tests.factories import case_in_review
from tests.paths import LETTERS_TEXT

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

GUIDELINES = Path(__file__).resolve().parents[2] / "guidelines" / "data"
NSAIDS = "NSAIDs (non-steroidal anti-inflammatory drugs)"


def seeded_library():
    """A transactional test starts from an emptied database: load the library and the synonym table again."""
    if not GuidelineSection.objects.exists():
        call_command("load_guidelines", str(GUIDELINES / "library.json"), verbosity=0)
    if not Synonym.objects.exists():
        entries = json.loads((GUIDELINES / "synonyms.json").read_text(encoding="utf-8"))["synonyms"]
        Synonym.objects.bulk_create(
            Synonym(term=entry["term"], expansions="\n".join(entry["expansions"])) for entry in entries
        )


def test_a_reviewer_picks_the_nsaids_section_for_naproxen_and_cites_a_similar_decision(page, reviewer):
    seeded_library()
    # Two published decisions with a naproxen item each, both overturned, beside other items (CT of the head, Flexeril).
    reports = importer.import_paths([LETTERS_TEXT / f"{number}.txt" for number in ("CM16-0247624", "CM17-0019011")])
    assert [report.status for report in reports] == ["imported", "imported"]
    case = case_in_review(reviewer, items=1)
    item = case.items.get()
    item.description = "Naproxen sodium 550 mg #60"
    item.claims_administrator_basis = {"mtus": [], "non_mtus": []}
    item.save()
    log_in(page, reviewer.username)
    page.goto(f"/cases/{case.case_number}/workspace/")

    panel = page.locator(f'.item-panel[data-item-id="{item.pk}"]')
    panel.get_by_label("Search the guideline library").press_sequentially("naproxen", delay=20)
    results = panel.locator(".basis-results")
    results.get_by_role("button", name=f"MTUS Chronic Pain Medical Treatment Guidelines (2016) — {NSAIDS}").click()
    expect(panel.locator(".basis-chips li")).to_have_text([f"Chronic Pain Medical Treatment 2016 — {NSAIDS}×"])

    precedents = panel.locator(".precedent-panel")
    expect(precedents.get_by_role("link", name="Read CM16-0247624")).to_be_visible()
    expect(precedents.locator(".precedent-result")).to_have_count(2)
    expect(precedents.locator(".precedent-result").first).to_contain_text("Overturned")
    precedents.get_by_role("button", name="Cite CM16-0247624 in the rationale").click()
    expect(panel.get_by_label("Decision rationale")).to_have_value(
        "See the published IMR decision CM16-0247624 of 01/27/2017 (Naproxen 550mg #60: overturned)."
    )
    expect(page.locator("#save-status")).to_have_text("Saved", timeout=15_000)

    decision = wait_for(
        lambda: ItemDecision.objects.filter(item=item, rationale__contains="CM16-0247624").first(), timeout=15
    )
    assert decision.basis["mtus"] == [{"chapter": "Chronic Pain Medical Treatment 2016", "sections": [NSAIDS]}]
    assert decision.rationale == (
        "See the published IMR decision CM16-0247624 of 01/27/2017 (Naproxen 550mg #60: overturned)."
    )
    read = precedents.get_by_role("link", name="Read CM16-0247624")
    assert read.get_attribute("href").startswith("/precedents/CM16-0247624/#item-")
