import io
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.models import AuditEvent
from guidelines import services
from guidelines.library_io import FORMAT
from guidelines.models import GuidelineSection, GuidelineSource, QuantityLimit
from tests.factories import GuidelineSectionFactory, GuidelineSourceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def section():
    source = GuidelineSourceFactory(key="t-cpmt", chapter="Zorblat Pain Medical Treatment", year=2016)
    return GuidelineSectionFactory(
        source=source,
        name="Zorblat Medicine",
        pages="98-99",
        body_region="Whole body",
        treatment_category="Physical medicine",
        recommendation="Allow for fading of treatment frequency.",
    )


def login(client, user):
    client.force_login(user)
    return client


# -- the search endpoint ------------------------------------------------------------------------------------------


def test_the_search_endpoint_answers_ranked_sections(client, reviewer, section):
    GuidelineSectionFactory(source=section.source, name="Massage", recommendation="Zorblat as an adjunct.")

    response = login(client, reviewer).get(reverse("guidelines:search"), {"q": "zorblat med", "chapter": "t-cpmt"})

    assert response.status_code == 200
    assert response.json()["results"] == [
        {
            "id": section.pk,
            "version_id": section.versions.get().pk,
            "source_key": "t-cpmt",
            "chapter": "Zorblat Pain Medical Treatment 2016",
            "family": "MTUS",
            "name": "Zorblat Medicine",
            "pages": "98-99",
            "body_region": "Whole body",
            "treatment_category": "Physical medicine",
            "evidence_level": "",
            "times_cited": 0,
            "snippet": "Allow for fading of treatment frequency.",
            "rank": response.json()["results"][0]["rank"],
            "url": f"/guidelines/sections/{section.pk}/",
            "offered_first": False,
            "edition": "MTUS Zorblat Pain Medical Treatment (2016)",
            "in_force": True,
            "in_force_note": "",
        },
        response.json()["results"][1],
    ]
    assert [result["name"] for result in response.json()["results"]] == ["Zorblat Medicine", "Massage"]
    assert response.json()["results"][0]["rank"] > response.json()["results"][1]["rank"] > 0


def test_the_search_endpoint_filters_by_chapter_region_and_category(client, qa_user, section):
    other = GuidelineSourceFactory(key="t-other", chapter="Zorblat Knee")
    GuidelineSectionFactory(source=other, name="Zorblat brace", body_region="Knee", treatment_category="DME")
    url = reverse("guidelines:search")
    login(client, qa_user)

    def found(**params):
        return [result["name"] for result in client.get(url, {"q": "zorblat", **params}).json()["results"]]

    assert found() == ["Zorblat brace", "Zorblat Medicine"]
    assert found(chapter="t-cpmt") == ["Zorblat Medicine"]
    assert found(region="Knee") == ["Zorblat brace"]
    assert found(category="Physical medicine") == ["Zorblat Medicine"]


def test_the_search_endpoint_requires_log_in(client, section):
    response = client.get(reverse("guidelines:search"), {"q": "zorblat"})

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_correspondence_staff_cannot_search_the_library(client, staff_user, section):
    assert login(client, staff_user).get(reverse("guidelines:search"), {"q": "zorblat"}).status_code == 403


def test_the_search_endpoint_refuses_a_bad_limit_with_a_message(client, reviewer):
    response = login(client, reviewer).get(reverse("guidelines:search"), {"q": "x", "limit": "lots"})

    assert (response.status_code, response.json()) == (400, {"error": "limit must be a whole number."})


def test_the_search_endpoint_runs_a_fixed_number_of_queries(client, reviewer, section):
    for index in range(30):
        GuidelineSectionFactory(source=section.source, name=f"Zorblat {index}")
    login(client, reviewer)
    client.get(reverse("guidelines:search"), {"q": "zorblat"})

    with CaptureQueriesContext(connection) as few:
        client.get(reverse("guidelines:search"), {"q": "zorblat", "limit": 1})
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("guidelines:search"), {"q": "zorblat", "limit": 30})

    assert len(few) == len(many)


# -- library pages ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, args",
    [
        ("guidelines:library", []),
        ("guidelines:source", ["t-cpmt"]),
        ("guidelines:section", ["pk"]),
        ("guidelines:section_history", ["pk"]),
        ("guidelines:limits", []),
    ],
)
def test_library_pages_open_for_administrators_reviewers_and_qa(
    client, admin_user, reviewer, qa_user, section, name, args
):
    url = reverse(name, args=[section.pk if arg == "pk" else arg for arg in args])
    for user in (admin_user, reviewer, qa_user):
        assert login(client, user).get(url).status_code == 200


@pytest.mark.parametrize(
    "name, args",
    [
        ("guidelines:source_create", []),
        ("guidelines:source_edit", ["t-cpmt"]),
        ("guidelines:section_create", ["t-cpmt"]),
        ("guidelines:section_edit", ["pk"]),
        ("guidelines:limit_create", []),
        ("guidelines:import", []),
        ("guidelines:export", []),
    ],
)
def test_upkeep_pages_open_for_administrators_only(
    client, admin_user, reviewer, qa_user, staff_user, section, name, args
):
    url = reverse(name, args=[section.pk if arg == "pk" else arg for arg in args])
    assert login(client, admin_user).get(url).status_code == 200
    for user in (reviewer, qa_user, staff_user):
        assert login(client, user).get(url).status_code == 403


def test_a_reviewer_cannot_edit_a_section(client, reviewer, section):
    response = login(client, reviewer).post(
        reverse("guidelines:section_edit", args=[section.pk]), {"name": "Hijacked", "recommendation": "x"}
    )

    section.refresh_from_db()
    assert (response.status_code, section.name, section.version) == (403, "Zorblat Medicine", 1)


def test_correspondence_staff_cannot_browse_the_library(client, staff_user, section):
    assert login(client, staff_user).get(reverse("guidelines:library")).status_code == 403


def test_an_administrator_edits_a_section_and_a_new_version_is_made(admin_client, admin_user, section):
    response = admin_client.post(
        reverse("guidelines:section_edit", args=[section.pk]),
        {
            "name": "Zorblat Medicine",
            "pages": "98-100",
            "body_region": "Whole body",
            "treatment_category": "Physical medicine",
            "recommendation": "Allow for fading of treatment frequency (from up to 3 visits per week to 1 or less).",
            "evidence_level": "",
            "times_cited": "5",
            "note": "Page range corrected",
        },
    )

    section.refresh_from_db()
    assert response.status_code == 302
    assert (section.version, section.pages, section.times_cited) == (2, "98-100", 5)
    latest = section.versions.get(number=2)
    assert (latest.changed_by, latest.note) == (admin_user, "Page range corrected")
    history = admin_client.get(reverse("guidelines:section_history", args=[section.pk])).content.decode()
    assert "<del>98-99</del> <ins>98-100</ins>" in history
    assert "Page range corrected" in history


def test_an_invalid_section_edit_shows_the_error_and_saves_nothing(admin_client, section):
    response = admin_client.post(
        reverse("guidelines:section_edit", args=[section.pk]), {"name": "", "recommendation": "x", "times_cited": "0"}
    )

    section.refresh_from_db()
    assert (response.status_code, section.version) == (200, 1)
    assert response.context["form"].errors["name"] == ["This field is required."]


def test_an_administrator_adds_a_section_to_a_source(admin_client, section):
    response = admin_client.post(
        reverse("guidelines:section_create", args=["t-cpmt"]),
        {"name": "Zorblat Massage", "recommendation": "Adjunct only.", "times_cited": "0"},
    )

    created = GuidelineSection.objects.get(name="Zorblat Massage")
    assert (response.status_code, response["Location"], created.version) == (
        302,
        f"/guidelines/sections/{created.pk}/",
        1,
    )


def test_a_duplicate_section_name_is_refused_next_to_the_field(admin_client, section):
    response = admin_client.post(
        reverse("guidelines:section_create", args=["t-cpmt"]),
        {"name": "Zorblat Medicine", "recommendation": "again", "times_cited": "0"},
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "__all__": ["Guideline section with this Source and Name already exists."]
    }


def test_an_administrator_edits_a_source_and_the_change_is_audited(admin_client, admin_user, section):
    response = admin_client.post(
        reverse("guidelines:source_edit", args=["t-cpmt"]),
        {"family": "MTUS", "chapter": "Zorblat Pain Medical Treatment", "year": "2017", "evidence_rank": "1"},
    )

    section.source.refresh_from_db()
    event = AuditEvent.objects.get(action="guidelines.source_changed")
    assert (response.status_code, section.source.label, section.source.key) == (
        302,
        "Zorblat Pain Medical Treatment 2017",
        "t-cpmt",
    )
    assert (event.actor, event.detail["changes"]["year"]) == (admin_user, ["2016", "2017"])


def test_an_administrator_adds_and_edits_a_quantity_limit(admin_client, section):
    data = {
        "source": section.source.pk,
        "section": section.pk,
        "treatment": "physical medicine",
        "condition": "neuralgia, neuritis, and radiculitis",
        "min_units": "8",
        "max_units": "10",
        "unit": "visits",
        "weeks_max": "4",
    }
    assert admin_client.post(reverse("guidelines:limit_create"), data).status_code == 302
    limit = QuantityLimit.objects.get(source=section.source)

    response = admin_client.post(reverse("guidelines:limit_edit", args=[limit.pk]), {**data, "max_units": "12"})

    limit.refresh_from_db()
    assert (response.status_code, limit.max_units) == (302, 12)
    assert AuditEvent.objects.filter(action="guidelines.quantity_limit_saved").count() == 2


def test_a_quantity_limit_with_a_range_backwards_is_refused(admin_client, section):
    response = admin_client.post(
        reverse("guidelines:limit_create"),
        {"source": section.source.pk, "treatment": "acupuncture", "min_units": "6", "max_units": "3", "unit": "visits"},
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {"__all__": ["Constraint “quantity_limit_range_in_order” is violated."]}


def test_the_limits_list_runs_a_fixed_number_of_queries(client, reviewer, section):
    login(client, reviewer)
    QuantityLimit.objects.create(source=section.source, section=section, treatment="t0", max_units=1)
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("guidelines:limits"))
    for index in range(1, 20):
        QuantityLimit.objects.create(source=section.source, section=section, treatment=f"t{index}", max_units=1)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("guidelines:limits"))

    assert len(one) == len(many)


def test_the_library_page_runs_a_fixed_number_of_queries(client, reviewer, section):
    login(client, reviewer)
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("guidelines:library"))
    for index in range(10):
        GuidelineSectionFactory(source=GuidelineSourceFactory(key=f"t-many-{index}"), body_region=f"Region {index}")
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("guidelines:library"))

    assert len(one) == len(many)


def test_an_administrator_imports_a_library_file(admin_client):
    data = {"format": FORMAT, "sources": [{"key": "t-imported", "family": "ODG", "chapter": "Zorblat Shoulder"}]}
    upload = io.BytesIO(json.dumps(data).encode())
    upload.name = "odg.json"

    response = admin_client.post(reverse("guidelines:import"), {"file": upload})

    assert (response.status_code, response["Location"]) == (302, "/guidelines/")
    assert GuidelineSource.objects.get(key="t-imported").family == "ODG"


def test_an_import_with_errors_lists_them_and_saves_nothing(admin_client):
    data = {"format": FORMAT, "sources": [{"key": "t-imported", "family": "ODG"}]}
    upload = io.BytesIO(json.dumps(data).encode())
    upload.name = "odg.json"

    response = admin_client.post(reverse("guidelines:import"), {"file": upload})

    assert response.status_code == 200
    assert response.context["errors"] == ["$.sources[0]: 'chapter' is a required property"]
    assert GuidelineSource.objects.filter(key="t-imported").count() == 0


def test_an_import_of_a_file_that_is_not_json_says_so(admin_client):
    upload = io.BytesIO(b"%PDF-1.7")
    upload.name = "library.pdf"

    response = admin_client.post(reverse("guidelines:import"), {"file": upload})

    assert response.status_code == 200
    assert response.context["errors"] == ["The file is not JSON: Expecting value at line 1, column 1."]


def test_the_export_downloads_the_library_as_json(admin_client, section):
    response = admin_client.get(reverse("guidelines:export"))

    data = json.loads(response.content)
    assert response["Content-Disposition"].startswith('attachment; filename="guideline-library-')
    assert data["format"] == FORMAT
    assert [s["name"] for s in next(s for s in data["sources"] if s["key"] == "t-cpmt")["sections"]] == [
        "Zorblat Medicine"
    ]


# -- the Django admin ---------------------------------------------------------------------------------------------


def test_an_edit_in_the_django_admin_makes_a_new_version(client, section, django_user_model):
    superuser = django_user_model.objects.create_superuser("root", "root@example.org", "demo-password")
    client.force_login(superuser)

    response = client.post(
        reverse("admin:guidelines_guidelinesection_change", args=[section.pk]),
        {
            "source": section.source.pk,
            "name": "Zorblat Medicine",
            "pages": "98-99",
            "body_region": "Whole body",
            "treatment_category": "Physical medicine",
            "recommendation": "Changed in the admin.",
            "evidence_level": "1b",
            "times_cited": "0",
            "versions-TOTAL_FORMS": "1",
            "versions-INITIAL_FORMS": "1",
            "versions-MIN_NUM_FORMS": "0",
            "versions-MAX_NUM_FORMS": "1000",
            "versions-0-id": str(section.versions.get().pk),
            "versions-0-section": str(section.pk),
        },
    )

    section.refresh_from_db()
    assert response.status_code == 302
    assert (section.version, section.recommendation, section.versions.get(number=2).changed_by) == (
        2,
        "Changed in the admin.",
        superuser,
    )
    assert section.versions.get(number=1).recommendation == "Allow for fading of treatment frequency."


def test_the_django_admin_lists_open(client, section, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("root", "root@example.org", "demo-password"))
    services.cite(section)
    for model in ("guidelinesource", "guidelinesection", "guidelinesectionversion", "quantitylimit", "citation"):
        assert client.get(reverse(f"admin:guidelines_{model}_changelist")).status_code == 200
    assert client.get(reverse("admin:guidelines_guidelinesection_change", args=[section.pk])).status_code == 200
    assert client.get(reverse("admin:guidelines_guidelinesource_change", args=[section.source.pk])).status_code == 200


def test_the_library_page_shows_administrators_who_changed_what(admin_client, admin_user, section):
    services.update_section(section, by=admin_user, pages="100", note="Page corrected")

    response = admin_client.get(reverse("guidelines:library"))

    [(event, summary), *_] = response.context["changes"]
    assert (event.actor, summary) == (
        admin_user,
        "edited Zorblat Pain Medical Treatment 2016, Zorblat Medicine (pages): version 2 — Page corrected",
    )


def test_reviewers_do_not_see_the_recent_changes(client, reviewer, section):
    assert login(client, reviewer).get(reverse("guidelines:library")).context["changes"] == []


def test_the_library_page_counts_each_sources_sections_and_limits(admin_client):
    source = GuidelineSourceFactory(key="count-test", chapter="Counting Complaints", year=2004)
    for number in range(3):
        GuidelineSectionFactory(source=source, name=f"Counted section {number}")
    for number in range(2):
        QuantityLimit.objects.create(source=source, treatment=f"therapy {number}", max_units=10)
    response = admin_client.get(reverse("guidelines:library"))
    (row,) = [row for row in response.context["sources"] if row.key == "count-test"]
    assert (row.section_count, row.limit_count) == (3, 2)
    assert "count-test" in [source.key for source in response.context["filter_sources"]]
