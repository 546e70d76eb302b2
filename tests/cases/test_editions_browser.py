"""The edition in force in real Chromium (issue 21, finding 4): for a UR decision of June 2014 the workspace's decision
support offers the 2009 edition, named plainly; citing the 2016 edition from the picker marks its chip and warns in the
checklist, and the determination can still be submitted."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from tests.conftest import log_in
from tests.factories import GuidelineSectionFactory, GuidelineSourceFactory, case_in_review

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NOT_NECESSARY = "No functional improvement is documented. The request is not medically necessary."


def test_a_2014_case_is_offered_the_2009_edition_and_warned_about_the_2016_one(page, reviewer, admin_user):
    title = "Zorblat Pain Medical Treatment Guidelines"
    old = GuidelineSourceFactory(
        key="t-zorblat-2009",
        chapter="Zorblat Pain Medical Treatment",
        title=f"{title} (2009)",
        year=2009,
        effective_from=datetime.date(2009, 7, 18),
        effective_to=datetime.date(2016, 11, 30),
    )
    new = GuidelineSourceFactory(
        key="t-zorblat-2016",
        chapter="Zorblat Pain Medical Treatment",
        title=f"{title} (8 CCR 9792.24.2)",
        year=2016,
        effective_from=datetime.date(2016, 12, 1),
    )
    GuidelineSectionFactory(source=old, name="Zorblat Medicine", pages="98-99", recommendation="Fading frequency.")
    GuidelineSectionFactory(source=new, name="Zorblat Medicine treatment", recommendation="Fading frequency.")
    case = case_in_review(
        reviewer,
        items=1,
        by=admin_user,
        date_of_injury=datetime.date(1995, 7, 14),
        ur_determination_date=datetime.date(2014, 6, 18),
        application_received=datetime.date(2014, 7, 1),
    )
    case.items.update(description="Zorblat medicine 12 visits", claims_administrator_basis={})
    (item,) = case.items.all()

    log_in(page, reviewer.username)
    page.goto(f"/cases/{case.case_number}/workspace/")
    panel = page.locator(f'.item-panel[data-item-id="{item.pk}"]')

    # Decision support: the 2009 edition, named plainly, first; the 2016 one after it, said not in force then.
    suggestions = panel.locator(".support-sections li")
    expect(suggestions.first).to_have_text(
        "Cite MTUS Zorblat Pain Medical Treatment Guidelines (2009) — Zorblat Medicine (p. 98-99)"
    )
    expect(suggestions.nth(1)).to_contain_text("Edition not in force on 06/18/2014 (in force from 12/01/2016)")

    # The reviewer cites the 2016 edition on purpose: its chip and the checklist warn; submitting still works.
    panel.get_by_label("Upheld").check()
    panel.get_by_label("Search the guideline library").fill("zorblat medicine treatment")
    panel.locator(".basis-results").get_by_role(
        "button", name=re.compile(r"\(2016\) — Zorblat Medicine treatment")
    ).click()
    page.get_by_label("Clinical case summary").fill("Summary.")
    panel.get_by_label("Decision rationale").fill(NOT_NECESSARY)
    expect(page.locator("#save-status")).to_have_text("Saved", timeout=10_000)
    expect(page.locator("#checklist li.checklist-warning")).to_have_text(
        "Item 1 (Zorblat medicine 12 visits): MTUS Zorblat Pain Medical Treatment Guidelines (2016) was not in force "
        "on the UR decision date, 06/18/2014 (in force from 12/01/2016). Keep it only if you cite it on purpose."
    )
    expect(panel.locator(".basis-chips li.edition-warning")).to_have_text(
        ["⚠ Zorblat Pain Medical Treatment 2016 — Zorblat Medicine treatment×"]
    )
    page.get_by_role("button", name="Submit to clinical QA").click()
    page.wait_for_url(f"**/cases/{case.case_number}/")
    case.refresh_from_db()
    assert case.status == "qa"
