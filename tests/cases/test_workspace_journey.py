"""The reviewer's whole journey in real Chromium: open the case, read a record, cite a guideline section found by
search, decide two items, autosave, reload (nothing lost), submit; QA returns it; the reviewer fixes it; QA approves."""

import re

import pytest
from playwright.sync_api import expect

from cases.lifecycle import Status
from cases.models import Case, Determination
from tests.conftest import log_in
from tests.factories import GuidelineSectionFactory, GuidelineSourceFactory, case_in_review

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

UPHELD = (
    "Six visits were already authorized and no functional improvement is documented. "
    "The request is not medically necessary."
)
OVERTURNED = "Red flags are documented on examination. Therefore, the request is medically necessary."


def _log_out(page):
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url("**/accounts/login/**")


def _wait_saved(page):
    expect(page.locator("#save-status")).to_have_text("Saved", timeout=10_000)


def test_reviewer_writes_qa_returns_reviewer_fixes_and_qa_approves(page, reviewer, qa_user, admin_user):
    source = GuidelineSourceFactory(key="mtus-cpmt-2016", chapter="Chronic Pain Medical Treatment", year=2016)
    GuidelineSectionFactory(source=source, name="Physical Medicine", pages="98-99", treatment_category="Therapies")
    case = case_in_review(reviewer, items=2, documents=2, by=admin_user)
    first, second = case.items.all()
    second_record = case.documents.order_by("pk").last()

    # The reviewer opens the case and reads the second page of a record.
    log_in(page, reviewer.username)
    page.goto(case.get_absolute_url())
    page.get_by_role("link", name="Open workspace").click()
    page.wait_for_url(f"**/cases/{case.case_number}/workspace/")
    page.get_by_role("button", name="Progress report 2").click()
    page.get_by_label("Page", exact=True).fill("2")
    page.get_by_role("button", name="Go to page").click()
    expect(page.locator("#record-viewer")).to_have_attribute(
        "src", f"/cases/{case.case_number}/documents/{second_record.pk}/#page=2"
    )

    # Summary, then item 1 upheld with a section found by search, item 2 overturned with no evidence cited.
    page.get_by_label("Clinical case summary").fill("The injured worker is a 45 year old with low back pain.")
    one = page.locator(f'.item-panel[data-item-id="{first.pk}"]')
    two = page.locator(f'.item-panel[data-item-id="{second.pk}"]')
    one.get_by_label("Upheld").check()
    one.get_by_label("Search the guideline library").fill("physical med")
    one.locator(".basis-results").get_by_role("button", name=re.compile("Physical Medicine")).click()
    expect(one.locator(".basis-chips li")).to_have_text(["Chronic Pain Medical Treatment 2016 — Physical Medicine×"])
    one.get_by_label("Decision rationale").fill(UPHELD)
    two.get_by_label("Overturned").check()
    two.get_by_label("No medical evidence cited").check()
    two.get_by_label("Decision rationale").fill(OVERTURNED.replace("is medically", "is not medically"))
    _wait_saved(page)

    # Reload: nothing lost.
    page.reload()
    expect(page.get_by_label("Clinical case summary")).to_have_value(
        "The injured worker is a 45 year old with low back pain."
    )
    expect(one.get_by_label("Upheld")).to_be_checked()
    expect(one.locator(".basis-chips li")).to_have_count(1)
    expect(two.get_by_label("No medical evidence cited")).to_be_checked()
    expect(one.get_by_label("Decision rationale")).to_have_value(UPHELD)
    # The checklist catches the contradiction in item 2; the reviewer corrects it.
    expect(page.locator("#checklist")).to_contain_text("Item 2 (Physical therapy 3 visits) is Overturned")
    two.get_by_label("Decision rationale").fill(OVERTURNED)
    _wait_saved(page)
    expect(page.locator("#checklist")).to_contain_text("Every item is decided")
    page.get_by_role("button", name="Submit to clinical QA").click()
    page.wait_for_url(f"**/cases/{case.case_number}/")
    expect(page.locator(".alert-success")).to_have_text(
        f"Determination version 1 of {case.case_number} submitted to clinical QA."
    )
    _log_out(page)

    # QA returns it with a comment on item 1.
    log_in(page, qa_user.username)
    page.goto("/cases/qa/")
    page.get_by_role("link", name=f"Review {case.case_number}").click()
    page.get_by_label("Comment to the reviewer on this item").first.fill("Say which visits were authorized.")
    page.get_by_role("button", name="Return to the reviewer").click()
    page.wait_for_url("**/cases/qa/")
    _log_out(page)

    # The reviewer sees the comment, fixes the rationale and resubmits.
    log_in(page, reviewer.username)
    page.goto(f"/cases/{case.case_number}/workspace/")
    expect(page.get_by_text("Say which visits were authorized.")).to_be_visible()
    one.get_by_label("Decision rationale").fill(UPHELD.replace("Six visits", "Six visits (UR 10/01/2026)"))
    _wait_saved(page)
    page.get_by_role("button", name="Submit to clinical QA").click()
    page.wait_for_url(f"**/cases/{case.case_number}/")
    _log_out(page)

    # QA approves: the case is determined.
    log_in(page, qa_user.username)
    page.goto(f"/cases/{case.case_number}/qa/")
    expect(page.get_by_text("Version 1 → version 2")).to_be_visible()
    page.get_by_role("button", name="Approve").click()
    page.wait_for_url("**/cases/qa/")
    case = Case.objects.get(pk=case.pk)
    # The approval determined the case (the letter task, queued after commit, may have signed it since).
    assert list(case.transitions.values_list("to_status", flat=True))[:8] == [
        Status.ELIGIBLE,
        Status.RECORDS_RECEIVED,
        Status.ASSIGNED,
        Status.IN_REVIEW,
        Status.QA,
        Status.IN_REVIEW,
        Status.QA,
        Status.DETERMINED,
    ]
    assert list(Determination.objects.filter(case=case).values_list("version", "state")) == [
        (1, "returned"),
        (2, "approved"),
    ]
    approved = Determination.objects.get(case=case, version=2)
    assert approved.decisions.get(item=first).guideline_refs[0]["name"] == "Physical Medicine"
    assert approved.decisions.get(item=first).basis == {
        "mtus": [{"chapter": "Chronic Pain Medical Treatment 2016", "sections": ["Physical Medicine"]}],
        "non_mtus": [],
    }
