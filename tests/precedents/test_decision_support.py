"""The workspace's decision support in one request (precedents/support.py): every item's quantity check, matching
library sections and similar decisions, each what its own endpoint answers for that item; the read logged as a read of
the case; a case the user may not work on is a 404; the number of queries does not grow with the items' requests."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import AccessEvent
from cases.services import assignment
from guidelines.models import GuidelineSource
from precedents.importer import import_paths
from tests.factories import case_in_review, reviewer_profile, specialty_fit, waiting_case
from tests.paths import LETTERS_TEXT

pytestmark = pytest.mark.django_db

DESCRIPTIONS = [
    "Naproxen sodium 550 mg #60",
    "Physical therapy 12 visits for the lumbar spine",
    "MRI of the right knee",
]


@pytest.fixture
def case(reviewer):
    reports = import_paths([LETTERS_TEXT / f"{number}.txt" for number in ("CM16-0247624", "CM17-0019011")])
    assert [report.status for report in reports] == ["imported", "imported"]
    case = case_in_review(reviewer, items=len(DESCRIPTIONS))
    for item, description in zip(case.items.order_by("position"), DESCRIPTIONS, strict=True):
        item.description = description
        item.claims_administrator_basis = {
            "mtus": [
                {
                    "chapter": "Chronic Pain Medical Treatment 2016",
                    "sections": ["NSAIDs (non-steroidal anti-inflammatory drugs)"],
                }
            ],
            "non_mtus": [],
        }
        item.save()
    return case


def _searches(queries) -> list[str]:
    """The library's ranked searches (full-text matches) and the precedents' reads among ``queries``."""
    return [
        query["sql"]
        for query in queries
        if "@@" in query["sql"] or ("precedents_precedent" in query["sql"] and "COUNT(" not in query["sql"])
    ]


def support(client, user, case_number):
    client.force_login(user)
    return client.get(reverse("precedents:decision_support", args=[case_number]))


def test_each_item_gets_what_the_three_per_item_endpoints_answer(client, reviewer, case):
    response = support(client, reviewer, case.case_number)

    assert response.status_code == 200
    answer = response.json()
    on = case.ur_determination_date.isoformat()
    assert answer["on"] == on
    items = list(case.items.order_by("position"))
    assert sorted(answer["items"]) == sorted(str(item.pk) for item in items)
    page = client.get(reverse("cases:workspace", args=[case.case_number])).content.decode()
    assert f'data-support-url="/precedents/support/{case.case_number}/"' in page
    for item in items:
        part = answer["items"][str(item.pk)]
        quantity = client.get(reverse("guidelines:quantity_check"), {"text": item.description, "on": on}).json()
        first = page.split(f'data-item-id="{item.pk}" data-ur-sections="', 1)[1].split('"', 1)[0]
        sections = client.get(
            reverse("guidelines:search"),
            {"q": item.description, "limit": 5, "first": first, "editions": "in_force", "on": on},
        ).json()["results"]
        similar = client.get(
            reverse("precedents:similar"),
            {
                "q": item.description,
                "guideline": "Chronic Pain Medical Treatment 2016|NSAIDs (non-steroidal anti-inflammatory drugs)",
            },
        ).json()["results"]
        assert part == {"quantity": quantity, "sections": sections, "precedents": similar}
    naproxen = answer["items"][str(items[0].pk)]
    assert sorted(found["case_number"] for found in naproxen["precedents"]) == ["CM16-0247624", "CM17-0019011"]
    assert naproxen["sections"], "the NSAIDs section matches naproxen"
    assert any(finding["message"] for finding in answer["items"][str(items[1].pk)]["quantity"]["findings"])


def test_the_read_is_logged_and_another_reviewers_case_is_a_404(client, reviewer, other_reviewer, case):
    assert support(client, reviewer, case.case_number).status_code == 200
    assert support(client, other_reviewer, case.case_number).status_code == 404

    rows = AccessEvent.objects.filter(case_number=case.case_number, action="precedents:decision_support")
    assert sorted(rows.values_list("username", "outcome")) == sorted(
        [(reviewer.username, "allowed"), (other_reviewer.username, "not_found")]
    )


def test_one_request_costs_fewer_queries_than_the_three_an_item_it_replaces(client, reviewer, case):
    client.force_login(reviewer)
    on = case.ur_determination_date.isoformat()
    url = reverse("precedents:decision_support", args=[case.case_number])
    per_item = (
        [(reverse("guidelines:quantity_check"), {"text": item.description, "on": on}) for item in case.items.all()]
        + [
            (reverse("guidelines:search"), {"q": item.description, "limit": 5, "editions": "in_force", "on": on})
            for item in case.items.all()
        ]
        + [(reverse("precedents:similar"), {"q": item.description}) for item in case.items.all()]
    )
    client.get(url)  # warm the library's caches
    with CaptureQueriesContext(connection) as batched:
        assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as separately:
        for path, params in per_item:
            assert client.get(path, params).status_code == 200

    assert len(per_item) == 3 * len(DESCRIPTIONS)
    assert len(batched) < len(separately), (len(batched), len(separately))


def test_a_second_open_reads_the_items_from_the_cache_and_a_library_edit_shows_at_once(client, reviewer, case):
    first = support(client, reviewer, case.case_number).json()
    with CaptureQueriesContext(connection) as again:
        assert support(client, reviewer, case.case_number).json() == first
    assert _searches(again) == [], "the sections and similar decisions of a second open come from the cache"

    naproxen = case.items.order_by("position").first()
    nsaids = [found for found in first["items"][str(naproxen.pk)]["sections"] if "NSAID" in found["name"]]
    assert nsaids, "the NSAIDs section matches naproxen"
    source = GuidelineSource.objects.get(key=nsaids[0]["source_key"])
    source.active = False
    source.save()

    edited = support(client, reviewer, case.case_number).json()
    assert not [found for found in edited["items"][str(naproxen.pk)]["sections"] if found["source_key"] == source.key]


def test_the_answer_is_the_same_when_the_cache_cannot_be_reached(client, reviewer, case, settings, caplog):
    expected = support(client, reviewer, case.case_number).json()
    # A real Redis client against a port nothing listens on: every cache call fails to connect.
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:9/0"}
    }

    response = support(client, reviewer, case.case_number)

    assert response.status_code == 200
    assert response.json() == expected
    assert "the cache cannot be reached" in caplog.text


def test_accepting_a_case_prepares_its_decision_support_for_the_first_open(
    client, admin_user, reviewer, django_capture_on_commit_callbacks
):
    specialty_fit()
    reviewer_profile(reviewer)
    case = waiting_case(items=2)
    for item, description in zip(case.items.order_by("position"), DESCRIPTIONS, strict=False):
        item.description = description
        item.save()
    assignment.offer_case(case, reviewer, by=admin_user)
    client.force_login(reviewer)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        accepted = client.post(reverse("cases:accept", args=[case.case_number]), {"attest": "yes"})
    assert accepted.status_code == 302
    assert any("prepare_decision_support" in repr(callback) for callback in callbacks)

    with CaptureQueriesContext(connection) as first_open:
        answer = support(client, reviewer, case.case_number).json()
    assert _searches(first_open) == [], "the sections and similar decisions were ready before the first open"
    assert len(answer["items"]) == 2
    assert all("sections" in part and "precedents" in part for part in answer["items"].values())


def test_a_newly_imported_precedent_reaches_the_similar_decisions_at_once(client, reviewer, case):
    physical_therapy = str(case.items.order_by("position")[1].pk)
    before = support(client, reviewer, case.case_number).json()["items"][physical_therapy]["precedents"]
    assert "CM17-0002198" not in [found["case_number"] for found in before]

    import_paths([LETTERS_TEXT / "CM17-0002198.txt"])  # a decision on physical therapy

    after = support(client, reviewer, case.case_number).json()["items"][physical_therapy]["precedents"]
    assert "CM17-0002198" in [found["case_number"] for found in after]
