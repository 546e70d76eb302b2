"""The edition in force: search, decision support and the quantity check prefer the guideline editions in force on the
UR decision date (``on``), over HTTP against the seeded library (issue 21, finding 4)."""

import datetime

import pytest
from django.urls import reverse

from guidelines.models import GuidelineSource
from guidelines.quantity import default_limits
from guidelines.selectors import editions_in_force, library_limits

pytestmark = pytest.mark.django_db

JUNE_2014 = "2014-06-18"
DECEMBER_2026 = "2026-12-01"
CPMTG_2009 = "MTUS Chronic Pain Medical Treatment Guidelines (2009)"
CPMTG_2016 = "MTUS Chronic Pain Medical Treatment Guidelines (2016)"
SEED_LETTER_REQUEST = "12 initial physical therapy for the right upper leg, 2 times a week for 6 weeks"


def _search(client, user, **params):
    client.force_login(user)
    response = client.get(reverse("guidelines:search"), params)
    assert response.status_code == 200
    return response.json()["results"]


def test_for_a_ur_decision_of_june_2014_physical_medicine_offers_the_2009_section_first(client, reviewer):
    results = _search(client, reviewer, q="physical medicine", on=JUNE_2014, limit=5)

    assert [(result["edition"], result["name"], result["in_force"]) for result in results[:1]] == [
        (CPMTG_2009, "Physical Medicine", True)
    ]
    later = [result for result in results if result["edition"] == CPMTG_2016]
    assert [(result["in_force"], result["in_force_note"]) for result in later] == [
        (False, "not in force on 06/18/2014 (in force from 12/01/2016)")
    ]


def test_for_a_case_of_2026_decision_support_never_offers_the_2009_edition(client, reviewer):
    results = _search(client, reviewer, q="epidural steroid injection ESI", on=DECEMBER_2026, editions="in_force")

    assert [result["edition"] for result in results if "Chronic Pain" in result["edition"]] == []
    assert all(result["in_force"] for result in results)


def test_for_a_case_of_2026_the_picker_still_finds_the_2009_section_but_says_it_was_not_in_force(client, reviewer):
    results = _search(client, reviewer, q="epidural steroid injections", on=DECEMBER_2026, limit=20)

    esis = [
        result
        for result in results
        if result["name"] == "Epidural steroid injections (ESIs)" and result["edition"].startswith("MTUS")
    ]
    assert [(result["edition"], result["in_force"], result["in_force_note"]) for result in esis] == [
        (CPMTG_2009, False, "not in force on 12/01/2026 (in force 07/18/2009 to 11/30/2016)")
    ]


def test_a_date_that_is_no_date_is_refused_with_a_message(client, reviewer):
    client.force_login(reviewer)

    response = client.get(reverse("guidelines:search"), {"q": "physical medicine", "on": "6/18/14x"})

    assert (response.status_code, response.json()) == (
        400,
        {"error": "on must be a date written YYYY-MM-DD (the UR decision date), not “6/18/14x”."},
    )


def test_the_quantity_check_of_june_2014_uses_the_2009_limits(client, reviewer):
    client.force_login(reviewer)

    data = client.get(reverse("guidelines:quantity_check"), {"text": SEED_LETTER_REQUEST, "on": JUNE_2014}).json()

    mtus = [finding for finding in data["findings"] if finding["source"].startswith("MTUS")]
    assert data["on"] == JUNE_2014
    assert [(finding["edition"], finding["condition"], finding["exceeds"]) for finding in mtus] == [
        (CPMTG_2009, "myalgia and myositis", True),
        (CPMTG_2009, "neuralgia, neuritis, and radiculitis", True),
    ]


def test_the_quantity_check_of_2026_uses_the_2016_limits(client, reviewer):
    client.force_login(reviewer)

    data = client.get(reverse("guidelines:quantity_check"), {"text": SEED_LETTER_REQUEST, "on": DECEMBER_2026}).json()

    assert {finding["edition"] for finding in data["findings"] if finding["source"].startswith("MTUS")} == {CPMTG_2016}


def test_the_editions_in_force_follow_the_mtus_dates():
    def keys(on):
        return {source.key for source in editions_in_force(on) if source.family == GuidelineSource.Family.MTUS}

    june_2014 = keys(datetime.date(2014, 6, 18))
    assert ("mtus-chronic-pain-2009" in june_2014, "mtus-chronic-pain-2016" in june_2014) == (True, False)
    assert ("mtus-low-back-2004" in june_2014, "mtus-opioids-2016" in june_2014) == (True, False)
    december_2026 = keys(datetime.date(2026, 12, 1))
    assert ("mtus-chronic-pain-2009" in december_2026, "mtus-chronic-pain-2016" in december_2026) == (False, True)
    assert "mtus-low-back-2004" not in december_2026


def test_every_mtus_edition_of_the_seeded_library_carries_its_start_date():
    assert (
        list(GuidelineSource.objects.filter(family="MTUS", effective_from__isnull=True).values_list("key", flat=True))
        == []
    )


def test_the_limits_without_a_date_are_those_in_force_today():
    editions = {limit.edition for limit in library_limits() if limit.source_family == "MTUS"}

    assert (CPMTG_2009 in editions, CPMTG_2016 in editions) == (False, True)


def test_the_library_files_limits_of_june_2014_are_the_2009_editions():
    editions = {limit.edition or limit.source_chapter for limit in default_limits(on=datetime.date(2014, 6, 18))}

    assert ("Chronic Pain Medical Treatment 2009" in editions, "Chronic Pain Medical Treatment 2016" in editions) == (
        True,
        False,
    )
