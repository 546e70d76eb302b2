"""The reviewer sees the public copy's redactions in the workspace and redacts a missed name by selecting it and
clicking once, in real Chromium with the Content-Security-Policy on (issue 21, finding 5)."""

import pytest
from playwright.sync_api import expect

from cases.services import determinations
from core.models import Party
from letters.models import RedactionTerm
from tests.conftest import log_in
from tests.factories import PartyFactory, case_in_review

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BASIS = {"mtus": [{"chapter": "Chronic Pain Medical Treatment 2016", "sections": ["Physical Medicine"]}]}


def test_a_reviewer_redacts_a_missed_name_by_selecting_it_and_clicking_once(page, reviewer):
    case = case_in_review(reviewer, items=1)
    case.requesting_provider = PartyFactory(kind=Party.Kind.PHYSICIAN, name="Hector Lin, M.D.")
    case.save(update_fields=["requesting_provider"])
    item = case.items.get()
    draft = determinations.start_or_get_draft(case, by=reviewer)
    determinations.save_draft(
        draft,
        by=reviewer,
        revision=0,
        summary="Dr. Lin saw the injured worker with her neighbour Gwendolyn Tibbett on 6/18/14.",
        decisions={item.pk: {"decision": "upheld", "basis": BASIS, "rationale": "Not medically necessary."}},
    )

    log_in(page, reviewer.username)
    page.goto(f"/cases/{case.case_number}/workspace/")
    check = page.locator("#redaction-check")
    expect(check.locator(".redaction-text mark.redaction").first).to_have_text("Lin")
    # Select the missed name in the preview, as a person does with the mouse.
    summary = check.locator(".redaction-text").first
    summary.evaluate(
        """(element) => {
            const node = [...element.childNodes].find(
                (child) => child.nodeType === 3 && child.data.includes("Gwendolyn"));
            const start = node.data.indexOf("Gwendolyn Tibbett");
            const range = document.createRange();
            range.setStart(node, start);
            range.setEnd(node, start + "Gwendolyn Tibbett".length);
            const selection = window.getSelection();
            selection.removeAllRanges();
            selection.addRange(range);
            element.dispatchEvent(new MouseEvent("mouseup", { bubbles: true }));
        }"""
    )
    button = check.get_by_role("button", name="Redact “Gwendolyn Tibbett”")
    button.click()
    page.wait_for_load_state("networkidle")

    expect(page.locator("#redaction-check .redaction-text mark", has_text="Gwendolyn Tibbett")).to_have_count(1)
    assert list(RedactionTerm.objects.values_list("text", flat=True)) == ["Gwendolyn Tibbett"]
