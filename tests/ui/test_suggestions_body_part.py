import json
import re

import pytest
from django.urls import reverse

from guidelines.library_io import LIBRARY_FILE, load_library
from guidelines.regions import regions_named
from tests import factories


@pytest.fixture
def library(admin_user):
    load_library(json.loads(LIBRARY_FILE.read_text(encoding="utf-8")), by=admin_user, note="Seeded")


@pytest.mark.django_db
def test_decision_support_for_a_lumbar_request_offers_no_section_of_another_body_part(reviewer, client, library):
    client.force_login(reviewer)

    found = {}
    for request in (
        "Additional physical therapy x 8 sessions low back",
        "Physical therapy, lumbar spine, initial care",
    ):
        response = client.get(reverse("guidelines:search"), {"q": request, "limit": 5})
        found[request] = {result["body_region"] for result in response.json()["results"]}

    assert found == {
        "Additional physical therapy x 8 sessions low back": {"lumbar", ""},
        "Physical therapy, lumbar spine, initial care": {"lumbar", ""},
    }


def test_the_body_parts_a_request_names_are_read_from_its_words():
    assert regions_named("Physical therapy, low back, 12 visits") == {"lumbar"}
    assert regions_named("MRI of the right shoulder and neck") == {"shoulder", "cervical"}
    assert regions_named("Physical therapy for both legs") == {"hip", "knee", "ankle_foot"}
    assert regions_named("Physical therapy 2x6") == set()


@pytest.mark.django_db
def test_decision_support_names_a_claims_administrators_guideline_outside_the_mtus_without_an_empty_first_entry(
    reviewer, client
):
    case = factories.case_in_review(reviewer, items=1)
    case.items.update(claims_administrator_basis={"mtus": [], "non_mtus": ["ACOEM Low Back Disorders 2011"]})
    client.force_login(reviewer)

    page = client.get(reverse("cases:workspace", args=[case.case_number])).content.decode()

    line = re.search(r"Claims administrator: ([^<]*)</p>", page).group(1)
    assert line == "ACOEM Low Back Disorders 2011."
