import re

import pytest
from playwright.sync_api import expect

from tests.conftest import log_in
from tests.factories import GuidelineSectionFactory, GuidelineSourceFactory


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_an_administrator_finds_a_section_edits_it_and_sees_the_new_version_in_its_history(page, admin_user):
    source = GuidelineSourceFactory(key="t-cpmt", chapter="Zorblat Pain Medical Treatment", year=2016)
    GuidelineSectionFactory(
        source=source, name="Zorblat Medicine", pages="98-99", recommendation="Allow for fading of treatment frequency."
    )
    log_in(page, "intake")

    page.get_by_role("link", name="Guidelines").click()
    page.get_by_label("Search the library").press_sequentially("zorbl med", delay=20)
    result = page.locator("[data-results] li").first
    expect(result).to_contain_text("Zorblat Pain Medical Treatment 2016 · pages 98-99")
    result.get_by_role("link", name="Zorblat Medicine").click()

    page.get_by_role("link", name="Edit section").click()
    page.get_by_label("Pages").fill("98-100")
    page.get_by_label("What changed and why").fill("Page range corrected")
    page.get_by_role("button", name="Save as a new version").click()
    expect(page.get_by_role("status")).to_have_text("Section Zorblat Medicine saved (version 2).")

    page.get_by_role("link", name=re.compile(r"History \(2 versions\)")).click()
    newest = page.locator("#version-2")
    expect(newest).to_contain_text("current")
    expect(newest).to_contain_text("Page range corrected")
    expect(newest.locator("del")).to_have_text("98-99")
    expect(newest.locator("ins")).to_have_text("98-100")
    expect(newest).to_contain_text(f"by {admin_user.get_full_name()}")
    expect(page.locator("#version-1")).to_contain_text("Allow for fading of treatment frequency.")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_reviewer_browses_the_library_without_edit_buttons(page, reviewer):
    source = GuidelineSourceFactory(key="t-knee", chapter="Zorblat Knee Complaints", year=2004)
    GuidelineSectionFactory(source=source, name="Zorblat brace")
    log_in(page, "reviewer1")

    page.goto("/guidelines/sources/t-knee/")
    page.get_by_role("link", name="Zorblat brace").click()

    expect(page.locator("#citation-text")).to_have_text("Zorblat Knee Complaints 2004, Section(s): Zorblat brace")
    expect(page.get_by_role("link", name="Edit section")).to_have_count(0)
