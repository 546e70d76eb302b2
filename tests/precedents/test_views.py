"""The precedent library's pages through HTTP: who may read and import, search with statistics and marked passages,
a decision to read, the workspace's similar decisions, and the upload page's per-file report."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from precedents.importer import import_letter, import_paths
from precedents.models import Precedent
from tests.factories import case_in_review
from tests.paths import LETTERS_TEXT
from tests.precedents.letters import Item, letter

pytestmark = pytest.mark.django_db

NAPROXEN = ("CM16-0247624", "CM17-0019011")  # a naproxen item each, both overturned
OTHERS = ("CM16-0213037", "CM16-0221706", "CM16-0224814")


@pytest.fixture
def library():
    reports = import_paths([LETTERS_TEXT / f"{number}.txt" for number in NAPROXEN + OTHERS])
    assert [report.status for report in reports] == ["imported"] * 5
    return reports


def get(client, user, name, *args, **params):
    client.force_login(user)
    return client.get(reverse(name, args=args), params)


# -- who may see -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["reviewer", "qa_user", "admin_user"])
def test_reviewers_qa_and_administrators_read_the_precedents(client, request, library, role):
    user = request.getfixturevalue(role)

    assert get(client, user, "precedents:search", q="naproxen").status_code == 200
    assert get(client, user, "precedents:detail", "CM16-0247624").status_code == 200
    assert get(client, user, "precedents:similar", q="naproxen").status_code == 200


def test_correspondence_staff_and_anonymous_users_do_not(client, staff_user, library):
    assert get(client, staff_user, "precedents:search", q="naproxen").status_code == 403
    assert get(client, staff_user, "precedents:detail", "CM16-0247624").status_code == 403
    client.logout()
    assert client.get(reverse("precedents:search")).status_code == 302


def test_an_open_case_of_the_portal_is_never_shown_as_a_precedent(client, reviewer, other_reviewer, library):
    case = case_in_review(other_reviewer, items=1)
    item = case.items.get()
    item.description = "Naproxen 550mg #60"
    item.save()

    assert get(client, reviewer, "precedents:detail", case.case_number).status_code == 404
    found = get(client, reviewer, "precedents:similar", q="Naproxen 550mg").json()["results"]
    assert sorted(result["case_number"] for result in found) == ["CM16-0247624", "CM17-0019011"]
    hits = get(client, reviewer, "precedents:search", q="Naproxen 550mg").context["page"]
    assert case.case_number not in {hit.precedent.case_number for hit in hits}
    # A precedent whose case is (wrongly) no longer closed cannot be read either.
    precedent = Precedent.objects.get(case_number="CM16-0247624")
    precedent.case.status = "in_review"
    precedent.case.save(update_fields=["status"])
    assert get(client, reviewer, "precedents:detail", "CM16-0247624").status_code == 404


def test_only_administrators_import(client, reviewer, qa_user):
    assert get(client, reviewer, "precedents:upload").status_code == 403
    assert get(client, qa_user, "precedents:upload").status_code == 403


# -- search --------------------------------------------------------------------------------------------------------


def test_a_brand_name_finds_the_decisions_on_the_drug_with_its_passages_marked(client, reviewer, library):
    response = get(client, reviewer, "precedents:search", q="Anaprox")

    hits = list(response.context["page"])
    assert sorted(hit.precedent.case_number for hit in hits)[:2] == ["CM16-0247624", "CM17-0019011"]
    assert all("<mark>" in hit.passages for hit in hits if hit.precedent.case_number in NAPROXEN)
    statistics = response.context["statistics"]
    assert (statistics.upheld + statistics.overturned, statistics.total) == (len(hits), len(hits))
    assert statistics.overturned >= 2
    assert response.context["expanded"][0].typed == "anaprox"


def test_filters_narrow_the_results_and_the_statistics_count_them(client, reviewer, library):
    everything = get(client, reviewer, "precedents:search", q="naproxen").context["statistics"]
    overturned = get(client, reviewer, "precedents:search", q="naproxen", outcome="overturned").context["statistics"]
    medication = get(client, reviewer, "precedents:search", q="naproxen", category="medication").context["page"]
    cited = get(client, reviewer, "precedents:search", guideline="NSAIDs").context["page"]

    assert overturned.upheld == 0
    assert overturned.overturned == everything.overturned
    assert {hit.category for hit in medication} == {"medication"}
    assert all("NSAIDs" in hit.guidelines for hit in cited)
    assert "CM16-0247624" in {hit.precedent.case_number for hit in cited}


def test_the_statistics_count_each_guideline_the_reviewers_cited(client, reviewer, library):
    statistics = get(client, reviewer, "precedents:search", q="Naproxen 550mg").context["statistics"]

    nsaids = [
        row for row in statistics.guidelines if row.label.endswith("NSAIDs (non-steroidal anti-inflammatory drugs)")
    ]
    assert [(row.upheld, row.overturned) for row in nsaids] == [(0, 1)]


def test_a_passage_is_escaped_before_it_is_marked(client, reviewer):
    rationale = [
        "Decision rationale: Zorblatine <script>alert(1)</script> & more zorblatine. Therefore, the request is",
        "not medically necessary.",
    ]
    heading = ["Zorblatine 10mg #30: Upheld"]
    report = import_letter(letter([Item(heading, rationale=rationale)], "CM16-0999001").encode(), "x.txt")
    assert report.status == "imported", report.problems

    response = get(client, reviewer, "precedents:search", q="zorblatine")

    [hit] = response.context["page"]
    # PostgreSQL's ts_headline drops what looks like a tag; the fallback keeps it, escaped. Either way no markup.
    assert "<script" not in hit.passages
    assert "&amp; more" in hit.passages
    assert hit.passages.count("<mark>") == hit.passages.count("</mark>") >= 2
    assert b"<script>alert(1)" not in response.content


def test_the_search_page_issues_the_same_number_of_queries_for_few_and_many_results(client, reviewer, library):
    client.force_login(reviewer)
    url = reverse("precedents:search")
    client.get(url, {"q": "naproxen"})

    with CaptureQueriesContext(connection) as few:
        client.get(url, {"q": "CT head"})
    with CaptureQueriesContext(connection) as many:
        client.get(url, {"q": "physical therapy MRI naproxen"})

    assert len(few) == len(many)


def test_an_empty_search_shows_the_form_and_the_size_of_the_library(client, reviewer, library):
    response = get(client, reviewer, "precedents:search")

    assert response.context["searched"] is False
    assert response.context["library_size"] == sum(report.precedent.items.count() for report in library)


# -- a decision; similar decisions ---------------------------------------------------------------------------------


def test_a_decision_reads_with_every_item_its_outcome_and_rationale(client, reviewer, library):
    response = get(client, reviewer, "precedents:detail", "CM16-0247624")

    assert [(item.description, item.decision) for item in response.context["items"]] == [
        ("CT scan of head", "upheld"),
        ("Naproxen 550mg #60", "overturned"),
    ]
    assert b"Decision rationale" in response.content
    assert get(client, reviewer, "precedents:detail", "CM99-0000000").status_code == 404


def test_similar_decisions_put_the_same_treatment_and_guideline_first(client, reviewer, library):
    guideline = "Chronic Pain Medical Treatment 2016|NSAIDs (non-steroidal anti-inflammatory drugs)"

    response = get(client, reviewer, "precedents:similar", q="Naproxen sodium 550 mg #60", guideline=guideline)

    results = response.json()["results"]
    assert [result["case_number"] for result in results[:2]] == ["CM16-0247624", "CM17-0019011"]
    assert results[0] == {
        "id": results[0]["id"],
        "case_number": "CM16-0247624",
        "treatment": "Naproxen 550mg #60",
        "outcome": "overturned",
        "outcome_label": "Overturned",
        "decision_date": "01/27/2017",
        "guidelines": results[0]["guidelines"],
        "url": results[0]["url"],
    }
    assert results[0]["url"].startswith("/precedents/CM16-0247624/#item-")


def test_similar_decisions_refuse_a_bad_limit_with_the_reason(client, reviewer):
    response = get(client, reviewer, "precedents:similar", q="naproxen", limit="lots")

    assert (response.status_code, response.json()) == (400, {"error": "limit must be a whole number."})
    assert get(client, reviewer, "precedents:similar", q="naproxen", limit=0).status_code == 400
    assert get(client, reviewer, "precedents:similar", q="").json() == {"query": "", "results": []}


# -- upload ---------------------------------------------------------------------------------------------------------


def upload(client, admin_user, *files):
    client.force_login(admin_user)
    return client.post(reverse("precedents:upload"), {"files": list(files)})


def test_an_administrator_uploads_decisions_and_gets_a_report_per_file(client, admin_user):
    good = SimpleUploadedFile("CM16-0247624.txt", (LETTERS_TEXT / "CM16-0247624.txt").read_bytes())
    bad = SimpleUploadedFile("notes.txt", b"Some notes that are no decision at all.")

    response = upload(client, admin_user, good, bad)

    assert response.status_code == 200
    reports = response.context["reports"]
    assert [(report.name, report.status) for report in reports] == [
        ("CM16-0247624.txt", "imported"),
        ("notes.txt", "refused"),
    ]
    assert response.context["counts"] == {"imported": 1, "linked": 0, "unchanged": 0, "refused": 1}
    assert Precedent.objects.get().imported_by == admin_user
    assert "CM16-0247624.txt: imported CM16-0247624" in response.content.decode()


def test_the_same_decision_uploaded_twice_changes_nothing_and_says_so(client, admin_user):
    data = (LETTERS_TEXT / "CM17-0019011.txt").read_bytes()
    upload(client, admin_user, SimpleUploadedFile("first.txt", data))
    before = Precedent.objects.get().imported_at

    response = upload(client, admin_user, SimpleUploadedFile("again.txt", data))

    assert [report.status for report in response.context["reports"]] == ["unchanged"]
    assert "is already in the precedent library, identical: nothing updated" in response.content.decode()
    assert Precedent.objects.get().imported_at == before


def test_an_upload_without_a_file_says_so_at_the_field(client, admin_user):
    client.force_login(admin_user)

    response = client.post(reverse("precedents:upload"), {})

    assert response.status_code == 400
    assert response.context["form"].errors == {"files": ["This field is required."]}
