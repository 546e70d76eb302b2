"""Real Chromium, the site's Content-Security-Policy on: at intake, a known party is offered as its name is typed and
picking it fills its address; the claims administrator's basis list narrows as words are typed."""

import pytest
from playwright.sync_api import expect

from core.models import Party
from tests.conftest import log_in
from tests.factories import GuidelineSectionFactory, GuidelineSourceFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_known_party_is_offered_as_its_name_is_typed_and_picking_it_fills_its_address(page, admin_user):
    Party.objects.create(
        kind=Party.Kind.CLAIMS_ADMINISTRATOR,
        name="Golden State Claims",
        address_lines="PO Box 4000",
        city="Sacramento",
        state="CA",
        zip_code="95812",
        fax="916-555-0100",
    )
    log_in(page, admin_user.username)
    page.goto("/cases/new/")

    name = page.locator("#id_claims_administrator_name")
    name.press_sequentially("golden")
    expect(page.locator("#id_claims_administrator_name-known option")).to_have_count(1)
    name.fill("Golden State Claims")

    expect(page.get_by_label("Claims administrator: street address")).to_have_value("PO Box 4000")
    expect(page.get_by_label("Claims administrator: city")).to_have_value("Sacramento")
    expect(page.get_by_label("Claims administrator: ZIP")).to_have_value("95812")
    expect(page.get_by_label("Claims administrator: fax")).to_have_value("916-555-0100")


def test_the_basis_list_narrows_as_words_are_typed(page, admin_user):
    source = GuidelineSourceFactory(key="cp-2009-browser", chapter="Chronic Pain Medical Treatment", year=2009)
    GuidelineSectionFactory(source=source, name="Physical Medicine", pages="98-99")
    GuidelineSectionFactory(source=source, name="Acupuncture")
    log_in(page, admin_user.username)
    page.goto("/cases/new/")

    page.get_by_label("Search the library sections").first.fill("physical med")

    options = page.locator('select[data-ca-basis="sections"]').first.locator("option:not([hidden])")
    expect(options).to_have_count(1)
    expect(options.first).to_have_text("Chronic Pain Medical Treatment 2009 — Physical Medicine (p. 98-99)")
