"""The dashboard, the outcomes and the state's report over HTTP: who gets in, what each shows, their CSV and JSON, the
access log, and a query count that stays the same with 1 case and with many."""

import csv
import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit.models import AccessEvent
from cases.models import Case
from core.models import Party
from operations import report
from tests.factories import CaseFactory, PartyFactory, UserFactory, determined_case
from tests.operations.world import make_cases, specs

pytestmark = pytest.mark.django_db

PAGES = ["operations:dashboard", "operations:outcomes", "operations:state_report"]


@pytest.mark.parametrize("page", PAGES)
def test_administrators_and_the_medical_director_open_the_figures_and_no_one_else(
    client, page, admin_user, qa_user, reviewer, staff_user
):
    answers = {}
    for user in (admin_user, qa_user, reviewer, staff_user):
        client.force_login(user)
        answers[user.username] = client.get(reverse(page)).status_code
    client.logout()
    answers["anonymous"] = client.get(reverse(page)).status_code
    assert answers == {"intake": 200, "qa": 200, "reviewer1": 403, "staff": 403, "anonymous": 302}


def test_every_read_of_the_figures_is_in_the_access_log(admin_client, admin_user):
    admin_client.get(reverse("operations:dashboard"))
    admin_client.get(reverse("operations:dashboard") + "?csv=queue")
    admin_client.get(reverse("operations:state_report") + "?start=2026-01-01&end=2026-12-31&format=json")
    rows = AccessEvent.objects.filter(user=admin_user).order_by("pk").values_list("object_type", "action")
    assert list(rows) == [
        ("operations_dashboard", "operations:dashboard"),
        ("operations_dashboard", "operations:dashboard"),
        ("operations_state_report", "operations:state_report"),
    ]


def _many_cases(reviewers: list, count: int) -> None:
    today = timezone.localdate()
    make_cases(specs(count=count), reviewer=reviewers[0], administrators=5)
    for index in range(count):
        CaseFactory(
            status=["records_requested", "in_review", "qa", "eligible"][index % 4],
            application_received=today - datetime.timedelta(days=index % 20),
            records_requested=today - datetime.timedelta(days=index % 17),
            records_received=None if index % 4 == 0 else today - datetime.timedelta(days=index % 35),
            reviewer=reviewers[index % len(reviewers)],
        )


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "url",
    [
        reverse("operations:dashboard"),
        reverse("operations:outcomes") + "?start=2026-01-01&end=2026-12-31",
        reverse("operations:state_report") + "?start=2026-01-01&end=2026-12-31",
    ],
)
def test_the_number_of_queries_is_the_same_with_one_case_and_with_many(admin_client, reviewer, qa_user, url):
    # One open case and one decided (so that every lookup of names has something to look up).
    CaseFactory(status="in_review", reviewer=reviewer, due_date=timezone.localdate())
    determined_case(reviewer=reviewer, qa=qa_user, requesting_provider=PartyFactory(kind=Party.Kind.PHYSICIAN))
    one = _queries(admin_client, url)
    reviewers = [reviewer] + [UserFactory() for _ in range(5)]
    _many_cases(reviewers, 80)
    assert Case.objects.count() > 150

    assert _queries(admin_client, url) == one


def test_the_dashboard_shows_the_queue_what_falls_due_and_the_late_records(admin_client, reviewer):
    today = timezone.localdate()
    # Standard track: due 30 days after the records are complete.
    two_days_left, one_day_late = today - datetime.timedelta(days=28), today - datetime.timedelta(days=31)
    CaseFactory(
        status="in_review", reviewer=reviewer, application_received=two_days_left, records_received=two_days_left
    )
    CaseFactory(status="qa", reviewer=reviewer, application_received=one_day_late, records_received=one_day_late)
    late = CaseFactory(status="records_requested", records_requested=today - datetime.timedelta(days=20))
    CaseFactory(status="records_requested", records_requested=today, claims_administrator=late.claims_administrator)

    response = admin_client.get(reverse("operations:dashboard"))

    queue = {row[0]: row[1:] for row in response.context["sections"][0].rows}
    assert queue == {"Records requested": [2, 0, 0], "In review": [1, 0, 0], "In QA": [1, 0, 0]}
    risk = {row[0]: sum(row[1:]) for row in response.context["sections"][2].rows}
    assert (risk["Overdue"], risk["At risk"]) == (1, 1)
    records = response.context["sections"][3].rows
    assert records == [[late.claims_administrator.name, 1, 1, 2]]
    reviewers = response.context["sections"][6].rows
    assert reviewers == [[reviewer.get_full_name(), 2, 0, 0, None]]
    assert b'id="operations-charts" type="application/json"' in response.content


def test_a_roster_of_many_reviewers_shows_the_busiest_on_the_dashboard_and_every_one_in_the_csv(admin_client):
    from operations.views import PAGE_ROWS

    busiest = UserFactory(first_name="Busiest", last_name="Reviewer")
    CaseFactory.create_batch(3, status="in_review", reviewer=busiest)
    for _ in range(PAGE_ROWS + 2):
        CaseFactory(status="in_review", reviewer=UserFactory())

    response = admin_client.get(reverse("operations:dashboard"))
    section = next(section for section in response.context["sections"] if section.key == "reviewers")
    rows = list(
        csv.reader(io.StringIO(admin_client.get(reverse("operations:dashboard") + "?csv=reviewers").content.decode()))
    )

    assert len(section.rows) == PAGE_ROWS and section.rows[0][:2] == ["Busiest Reviewer", 3]
    assert f"The {PAGE_ROWS} of {PAGE_ROWS + 3} with most open cases" in section.note
    assert len(section.chart["labels"]) == 25
    assert len(rows) == 1 + PAGE_ROWS + 3  # the header and every reviewer


def test_each_dashboard_figure_downloads_as_csv_with_the_tables_rows(admin_client, reviewer):
    CaseFactory(status="in_review", reviewer=reviewer, due_date=timezone.localdate())
    response = admin_client.get(reverse("operations:dashboard") + "?csv=queue")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert rows == [
        ["State", "Standard (30 days)", "Formulary drug (5 working days)", "Expedited (3 days)"],
        ["In review", "1", "0", "0"],
    ]
    assert admin_client.get(reverse("operations:dashboard") + "?csv=nothing").status_code == 404


def test_outcomes_by_claims_administrator_over_a_period_carried_in_the_url(admin_client, reviewer):
    parties = make_cases(specs(), reviewer=reviewer)
    url = reverse("operations:outcomes") + "?start=2026-09-01&end=2026-12-31&dimension=claims_administrator"

    response = admin_client.get(url)

    (section,) = response.context["sections"]
    assert {row[0] for row in section.rows} <= {party.name for party in parties}
    assert sum(row[3] for row in section.rows) == sum(
        len(spec.items) for spec in specs() if spec.decided and spec.status != "closed"
    )
    assert response.context["form"]["dimension"].value() == "claims_administrator"


def test_outcomes_name_reviewers_only_to_those_allowed_to_see_names(admin_client, reviewer, settings):
    make_cases(specs(count=20), reviewer=reviewer)
    url = reverse("operations:outcomes") + "?start=2026-09-01&end=2026-12-31&dimension=reviewer"
    assert admin_client.get(url).context["sections"][0].rows[0][0] == reviewer.get_full_name()


def test_a_period_that_ends_before_it_starts_is_refused_with_a_message(admin_client):
    response = admin_client.get(reverse("operations:state_report") + "?start=2026-05-01&end=2026-04-01")
    assert response.status_code == 400
    assert "The period ends before it starts" in response.content.decode()


def test_the_state_report_page_csv_and_json_agree(admin_client, reviewer):
    make_cases(specs(), reviewer=reviewer)
    url = reverse("operations:state_report") + "?start=2026-09-01&end=2026-12-31"
    figures = admin_client.get(url + "&format=json").json()
    rows = dict(csv.reader(io.StringIO(admin_client.get(url + "&format=csv").content.decode())))
    page = admin_client.get(url).content.decode()

    assert rows["Determinations issued"] == str(figures["determinations"])
    assert rows["Items overturned"] == str(figures["items_overturned"])
    assert f"<td>{figures['applications_received']}</td>" in page


def test_without_the_right_to_see_names_a_reviewer_is_a_number(reviewer):
    make_cases(specs(count=20), reviewer=reviewer)
    tables = report.outcomes(
        datetime.date(2026, 9, 1), datetime.date(2026, 12, 31), dimensions=["reviewer"], historical=False, names=False
    )
    assert [row[0] for row in tables["reviewer"]] == [f"Reviewer #{reviewer.pk}"]
    assert reviewer.last_name not in repr(tables)


def test_outcomes_list_fifty_rows_a_breakdown_on_the_page_and_all_in_the_csv(admin_client, reviewer, qa_user):
    for number in range(55):
        determined_case(
            reviewer=reviewer,
            qa=qa_user,
            requesting_provider=PartyFactory(kind=Party.Kind.PHYSICIAN, name=f"Dr {number}"),
        )
    url = reverse("operations:outcomes") + "?start=2026-01-01&end=2026-12-31&dimension=physician"

    (section,) = admin_client.get(url).context["sections"]
    lines = admin_client.get(url + "&format=csv").content.decode().splitlines()

    assert len(section.rows) == 50
    assert section.note == "The 50 with most decisions of 55; all of them are in the CSV."
    assert len(lines) == 1 + 55
