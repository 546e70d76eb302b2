import datetime
import json

import pytest
from django.urls import reverse

from guidelines import quantity, services
from guidelines.library_io import LIBRARY_FILE, load_library
from guidelines.models import QuantityLimit
from guidelines.selectors import library_limits
from tests.factories import GuidelineSectionFactory, GuidelineSourceFactory

pytestmark = pytest.mark.django_db

SEED_LETTER_REQUEST = "12 initial physical therapy for the right upper leg, 2 times a week for 6 weeks"


@pytest.fixture
def physical_medicine():
    source = GuidelineSourceFactory(key="t-cpmt-2016", chapter="Zorblat Pain Medical Treatment", year=2016)
    section = GuidelineSectionFactory(source=source, name="Physical Medicine", pages="98-99")
    limits = [
        QuantityLimit.objects.create(
            source=source,
            section=section,
            treatment="physical medicine",
            condition="myalgia and myositis, unspecified",
            min_units=9,
            max_units=10,
            weeks_max=8,
        ),
        QuantityLimit.objects.create(
            source=source,
            section=section,
            treatment="physical medicine",
            condition="neuralgia, neuritis, and radiculitis, unspecified",
            min_units=8,
            max_units=10,
            weeks_max=4,
        ),
    ]
    return source, section, limits


def only_mine(findings):
    return [finding for finding in findings if finding["source"].startswith("MTUS Zorblat")]


def test_a_limit_row_becomes_the_rule_the_check_uses(physical_medicine):
    _, _, [myalgia, _] = physical_medicine

    assert myalgia.as_rule() == quantity.QuantityRule(
        treatment="physical medicine",
        condition="myalgia and myositis, unspecified",
        min_visits=9,
        max_visits=10,
        weeks=8,
        initial_trial=None,
        total_with_improvement=None,
        source_chapter="Zorblat Pain Medical Treatment 2016",
        source_section="Physical Medicine",
        note="",
        min_weeks=None,
        unit="visits",
        frequency="",
        source_family="MTUS",
        edition="MTUS Zorblat Pain Medical Treatment (2016)",
    )


def test_the_check_flags_twelve_visits_against_the_physical_medicine_limits(physical_medicine):
    findings = [
        f
        for f in quantity.check_quantity(quantity.parse_request(SEED_LETTER_REQUEST), library_limits())
        if f.limit.source_chapter.startswith("Zorblat")
    ]

    assert [(finding.message, finding.exceeds) for finding in findings] == [
        (
            "requested 12 visits; MTUS Zorblat Pain Medical Treatment 2016, Physical Medicine allows 9-10 visits "
            "over 8 weeks for myalgia and myositis, unspecified",
            True,
        ),
        (
            "requested 12 visits; MTUS Zorblat Pain Medical Treatment 2016, Physical Medicine allows 8-10 visits "
            "over 4 weeks for neuralgia, neuritis, and radiculitis, unspecified",
            True,
        ),
    ]


def test_the_limits_of_an_inactive_source_are_not_used(physical_medicine, admin_user):
    source, _, _ = physical_medicine
    services.update_source(source, by=admin_user, active=False)

    assert [limit for limit in library_limits() if limit.source_chapter.startswith("Zorblat")] == []


def test_the_quantity_check_endpoint_flags_the_seed_letters_request(client, reviewer, physical_medicine):
    client.force_login(reviewer)

    response = client.get(reverse("guidelines:quantity_check"), {"text": SEED_LETTER_REQUEST})

    data = response.json()
    assert response.status_code == 200
    assert (data["request"]["count"], data["request"]["treatment"], data["request"]["initial"]) == (
        12,
        "physical_therapy",
        True,
    )
    assert [(finding["message"], finding["exceeds"]) for finding in only_mine(data["findings"])] == [
        (
            "requested 12 visits; MTUS Zorblat Pain Medical Treatment 2016, Physical Medicine allows 9-10 visits "
            "over 8 weeks for myalgia and myositis, unspecified",
            True,
        ),
        (
            "requested 12 visits; MTUS Zorblat Pain Medical Treatment 2016, Physical Medicine allows 8-10 visits "
            "over 4 weeks for neuralgia, neuritis, and radiculitis, unspecified",
            True,
        ),
    ]


def test_the_quantity_check_endpoint_flags_the_seed_letters_request_with_the_shipped_library(client, reviewer):
    load_library(json.loads(LIBRARY_FILE.read_text(encoding="utf-8")))
    client.force_login(reviewer)

    response = client.get(reverse("guidelines:quantity_check"), {"text": SEED_LETTER_REQUEST})

    findings = response.json()["findings"]
    mtus = [finding for finding in findings if finding["source"].startswith("MTUS Chronic Pain Medical Treatment")]
    assert response.json()["exceeds"] is True
    myalgia = next(finding for finding in mtus if finding["condition"] == "myalgia and myositis")
    assert myalgia["message"].startswith(
        "requested 12 visits; MTUS Chronic Pain Medical Treatment 2016, Physical medicine treatment allows 9-10 visits "
        "over 8 weeks"
    )
    # The wording after the allowance (the frequency) is guidelines.quantity's, tested there.
    assert " 8 weeks for myalgia and myositis" in myalgia["message"]
    assert (myalgia["requested"], myalgia["allowance"], myalgia["exceeds"]) == (12, 10, True)


def test_a_request_within_the_limits_is_not_flagged(client, reviewer, physical_medicine):
    client.force_login(reviewer)

    response = client.get(reverse("guidelines:quantity_check"), {"text": "Physical therapy 2 times a week for 4 weeks"})

    assert [finding["exceeds"] for finding in only_mine(response.json()["findings"])] == [False, False]


def test_the_quantity_check_endpoint_needs_the_text(client, reviewer):
    client.force_login(reviewer)

    response = client.get(reverse("guidelines:quantity_check"))

    assert (response.status_code, response.json()) == (
        400,
        {"error": "text is required: the disputed item as requested."},
    )


def test_the_quantity_check_endpoint_requires_log_in_and_a_library_role(client, staff_user):
    url = reverse("guidelines:quantity_check")
    assert client.get(url, {"text": SEED_LETTER_REQUEST}).status_code == 302
    client.force_login(staff_user)
    assert client.get(url, {"text": SEED_LETTER_REQUEST}).status_code == 403


def test_the_limits_of_a_chapter_no_longer_in_force_are_not_used(physical_medicine, admin_user):
    source, _, _ = physical_medicine
    services.update_source(source, by=admin_user, effective_to=datetime.date(2016, 11, 30))

    assert [limit for limit in library_limits() if limit.source_chapter.startswith("Zorblat")] == []


def test_a_finding_against_a_limit_not_yet_verified_says_so(client, reviewer):
    """The shipped massage limit was entered without the guideline's text at hand: the check must not pass it off
    as the guideline's word."""
    from guidelines.models import QuantityLimit

    massage = QuantityLimit.objects.get(source__key="mtus-chronic-pain-2016", treatment="massage")
    assert massage.verified is False
    client.force_login(reviewer)
    response = client.get(reverse("guidelines:quantity_check"), {"text": "Massage therapy 2 times a week for 6 weeks"})
    findings = response.json()["findings"]
    assert [finding["verified"] for finding in findings] == [False]
    assert findings[0]["message"].endswith("(this limit is not yet verified against the guideline's text)")
    assert findings[0]["exceeds"] is True
