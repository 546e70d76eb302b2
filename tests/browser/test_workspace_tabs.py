"""Two tabs of one workspace in real Chromium: the unsaved text of a tab that is still open is never offered, nor
applied, in the other ("Restore my text" belongs to the tab that typed it); once that tab is gone, the text is
offered again, so a closed lid loses nothing."""

import pytest
from playwright.sync_api import expect

from cases.models import Determination
from cases.services import determinations
from tests.conftest import log_in
from tests.factories import case_in_review

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_one_tabs_unsaved_text_is_not_offered_in_another_open_tab(page, reviewer):
    case = case_in_review(reviewer, items=1)
    determinations.start_or_get_draft(case, by=reviewer)
    url = f"/cases/{case.case_number}/workspace/"
    log_in(page, reviewer.username)
    # Tab A has lost its connection: its saves, and the last one sent as it closes, do not arrive.
    page.route("**/workspace/autosave/", lambda route: route.abort())
    page.add_init_script("navigator.sendBeacon = () => false;")
    page.goto(url)
    page.locator("#id_summary").fill("Typed in tab A, not saved yet.")
    expect(page.locator("#save-status")).to_contain_text("Not saved", timeout=10_000)

    other = page.context.new_page()
    other.goto(url)
    other.wait_for_load_state("networkidle")

    expect(other.locator("#restore-notice")).to_be_hidden()
    expect(other.locator("#id_summary")).to_have_value("")
    assert Determination.objects.get().clinical_case_summary == ""

    page.close()  # tab A goes away with its text unsaved: the other tab now gets it back
    other.reload()
    other.wait_for_load_state("networkidle")
    expect(other.locator("#id_summary")).to_have_value("Typed in tab A, not saved yet.")
    expect(other.locator("#save-status")).to_have_text("Saved", timeout=10_000)
    assert Determination.objects.get().clinical_case_summary == "Typed in tab A, not saved yet."


def test_typing_in_a_page_of_a_determination_submitted_meanwhile_says_already_submitted(page, reviewer):
    case = case_in_review(reviewer, items=1)
    item = case.items.get()
    draft = determinations.start_or_get_draft(case, by=reviewer)
    basis = {"mtus": [{"chapter": "Chronic Pain Medical Treatment 2016", "sections": ["Physical Medicine"]}]}
    determinations.save_draft(
        draft,
        by=reviewer,
        revision=0,
        summary="Summary.",
        decisions={
            item.pk: {
                "decision": "upheld",
                "basis": {**basis, "non_mtus": []},
                "rationale": "No functional improvement is documented. The request is not medically necessary.",
            }
        },
    )
    log_in(page, reviewer.username)
    page.goto(f"/cases/{case.case_number}/workspace/")  # the page a Back button brings back
    determinations.submit_determination(Determination.objects.get(), by=reviewer)

    page.locator("#id_summary").fill("Summary, once more.")

    expect(page.locator("#save-status")).to_have_text("Already submitted", timeout=10_000)
    alert = page.locator("#conflict-alert")
    expect(alert).to_contain_text("Already submitted. This determination was already submitted")
    assert "conflict" not in alert.inner_text().lower()
    expect(page.get_by_role("button", name="Show the submitted version")).to_be_visible()
