"""The late-records report at any volume: one month at a time (the month the records fell due), 50 cases a page in
the database's order, the month's totals counted by the database, a clear message for a month that is not one, and
the same number of queries however many cases are late."""

import datetime

import pytest
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit.models import AccessEvent
from cases.models import Case
from cases.services import records
from cases.views import clock as clock_views
from core.dates import Month
from core.models import Party
from tests.factories import CaseFactory, PartyFactory

pytestmark = pytest.mark.django_db
D = datetime.date
URL = reverse("cases:late_records")


def _case(requested, received=None, *, administrator=None, method="electronic", **fields):
    """A case whose records were asked for on ``requested`` (electronic: due 12 days later) and complete on
    ``received`` (None: awaited)."""
    if administrator is None:
        administrator, _ = Party.objects.get_or_create(kind=Party.Kind.CLAIMS_ADMINISTRATOR, name="Golden State Claims")
    return CaseFactory(
        status="records_requested",
        claims_administrator=administrator,
        records_requested=requested,
        records_request_method=method,
        records_received=received,
        **fields,
    )


def _numbers(response):
    return [row.case.case_number for row in response.context["rows"]]


def test_the_report_lists_the_late_cases_of_the_month_their_records_fell_due_in_by_due_date(admin_client):
    slow = PartyFactory(kind=Party.Kind.CLAIMS_ADMINISTRATOR, name="Slow Claims")
    late_second = _case(D(2025, 10, 5), D(2025, 10, 20), administrator=slow)  # due 10/17: 3 days late
    late_first = _case(D(2025, 9, 20), D(2025, 10, 12), administrator=slow)  # due 10/02: 10 days late
    awaited = _case(D(2025, 10, 10))  # due 10/22, never came
    _case(D(2025, 10, 5), D(2025, 10, 17))  # came on the due date: not late
    _case(D(2025, 10, 25), D(2025, 11, 30))  # due 11/06: November's
    _case(D(2025, 9, 1), D(2025, 9, 20))  # due 09/13: September's

    response = admin_client.get(URL, {"month": "2025-10"})

    assert response.status_code == 200
    assert _numbers(response) == [late_first.case_number, late_second.case_number, awaited.case_number]
    days_awaited = (timezone.localdate() - D(2025, 10, 22)).days
    assert [row.days_late for row in response.context["rows"]] == [10, 3, days_awaited]
    assert [row.due for row in response.context["rows"]] == [D(2025, 10, 2), D(2025, 10, 17), D(2025, 10, 22)]
    totals = response.context["totals"]
    assert (totals.cases, totals.days) == (3, 13 + days_awaited)
    assert response.context["per_administrator"] == [("Golden State Claims", 1, days_awaited), ("Slow Claims", 2, 13)]
    assert f"<strong>3</strong> late cases, <strong>{13 + days_awaited}</strong> days late in all" in response.text
    november = admin_client.get(URL, {"month": "2025-11"})
    assert [(row.due, row.days_late) for row in november.context["rows"]] == [(D(2025, 11, 6), 24)]


def test_the_due_date_and_days_late_counted_by_the_database_are_the_clock_s(admin_client):
    """Every way a due date is set (8 CCR 9792.10.5: by mail, electronic, expedited from the start or converted
    before or after the request), computed by the database for the report, equals ``cases.clock``'s."""
    requested = D(2025, 3, 3)
    cases = [
        _case(requested, method="mail"),
        _case(requested, method="electronic"),
        _case(requested, method="electronic", priority="expedited"),
        _case(requested, method="mail", priority="expedited", expedited_on=D(2025, 3, 10)),  # 3/11 before 3/18
        _case(requested, method="electronic", priority="expedited", expedited_on=D(2025, 3, 1)),  # before: 3/04
        _case(requested, D(2025, 3, 25), method="mail", priority="expedited", expedited_on=D(2025, 3, 17)),  # 3/18
    ]
    expected = sorted(
        ((case.records_due_date, records.days_late(case), case.case_number) for case in cases),
        key=lambda row: (row[0], row[2]),
    )
    assert [due for due, *_ in expected] == [
        D(2025, 3, 4),
        D(2025, 3, 4),
        D(2025, 3, 11),
        D(2025, 3, 15),
        D(2025, 3, 18),
        D(2025, 3, 18),
    ]

    response = admin_client.get(URL, {"month": "2025-03"})

    assert [(row.due, row.days_late, row.case.case_number) for row in response.context["rows"]] == expected


def test_the_report_is_paged_in_the_database_and_every_page_has_the_month_s_totals(admin_client, monkeypatch):
    monkeypatch.setattr(clock_views, "PAGE_SIZE", 2)
    cases = [_case(D(2025, 6, 1) + datetime.timedelta(days=n), D(2025, 7, 1)) for n in range(5)]  # due 6/13 to 6/17

    pages = [admin_client.get(URL, {"month": "2025-06", "page": number}) for number in (1, 2, 3)]

    assert [_numbers(page) for page in pages] == [
        [cases[0].case_number, cases[1].case_number],
        [cases[2].case_number, cases[3].case_number],
        [cases[4].case_number],
    ]
    days = [18, 17, 16, 15, 14]
    assert [row.days_late for page in pages for row in page.context["rows"]] == days
    for page in pages:
        assert (page.context["totals"].cases, page.context["totals"].days) == (5, sum(days))
        assert page.context["totals"].average == 16.0
    assert 'href="?month=2025-06&amp;page=2"' in pages[0].text


def test_the_current_month_is_the_default(admin_client):
    today = timezone.localdate()
    response = admin_client.get(URL)
    assert response.context["period"].key == f"{today:%Y-%m}"
    assert 'name="month" value="' + f"{today:%Y-%m}" + '"' in response.text


def test_the_months_before_and_after_are_linked_across_the_year(admin_client):
    page = admin_client.get(URL, {"month": "2025-12"}).text

    assert 'id="late-records-previous" href="?month=2025-11"' in page
    assert 'id="late-records-next" href="?month=2026-01"' in page


@pytest.mark.parametrize(
    "month",
    ["2025-13", "2025-00", "October", "2025-1", "2025-10-01", "1999-05", "9999-12", "2025-1x"],
)
def test_a_month_that_is_not_one_gets_a_message_not_an_error(admin_client, month):
    response = admin_client.get(URL, {"month": month})

    assert response.status_code == 400
    next_year = timezone.localdate().year + 1
    assert response.context["problem"] == (
        f"{month!r} is not a month of the report: write it as year-month, e.g. {timezone.localdate():%Y-%m}, "
        f"between 2013 and {next_year}."
    )
    assert 'id="late-records-problem"' in response.text


def test_a_signed_report_of_a_month_that_is_not_one_is_refused_with_a_message(admin_client):
    response = admin_client.get(reverse("letters:late_records_pdf"), {"month": "2025-13"}, follow=True)

    assert response.redirect_chain == [(URL, 302)]
    assert [str(message) for message in response.context["messages"]][0].startswith(
        "No report signed. '2025-13' is not a month of the report"
    )


def test_the_report_s_read_is_in_the_access_log_with_its_month(admin_client):
    _case(D(2025, 10, 5), D(2025, 10, 20))
    admin_client.get(URL, {"month": "2025-10"})
    event = AccessEvent.objects.filter(object_type="late_records_report").get()
    assert event.detail == {"month": "2025-10", "cases": 1}


def test_the_report_s_queries_do_not_grow_with_the_late_cases(admin_client):
    _case(D(2025, 10, 5), D(2025, 10, 20))
    admin_client.get(URL, {"month": "2025-10"})  # the session and the user's first reads
    with CaptureQueriesContext(connection) as one:
        admin_client.get(URL, {"month": "2025-10"})
    for n in range(60):
        administrator = PartyFactory(kind=Party.Kind.CLAIMS_ADMINISTRATOR) if n % 3 else None
        _case(D(2025, 10, 1) + datetime.timedelta(days=n % 19), D(2025, 11, 20), administrator=administrator)
    with CaptureQueriesContext(connection) as many:
        response = admin_client.get(URL, {"month": "2025-10"})
    assert (len(response.context["rows"]), response.context["totals"].cases) == (50, 61)
    assert len(many) == len(one)


def test_the_month_s_csv_lists_every_late_case_of_the_month(admin_client, monkeypatch):
    monkeypatch.setattr(clock_views, "CSV_CHUNK", 2)  # chunks of two: five cases in three
    cases = [_case(D(2025, 6, 1) + datetime.timedelta(days=n), D(2025, 7, 1)) for n in range(5)]
    _case(D(2025, 7, 1), D(2025, 7, 30))  # July's

    response = admin_client.get(URL, {"month": "2025-06", "format": "csv"})

    assert response["Content-Disposition"] == 'attachment; filename="late-records-2025-06.csv"'
    lines = response.content.decode().splitlines()
    assert [line.split(",")[0] for line in lines[1:]] == [case.case_number for case in cases]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the index is PostgreSQL's (migration 0017)")
def test_the_report_s_query_is_served_by_its_index():
    """PostgreSQL uses ``case_late_records`` (migration 0017) only for the very expression the report filters and
    orders on: a change to one without the other shows here."""
    late = records.late_records(Case.objects.all(), Month(D(2025, 10, 1)), today=D(2025, 12, 1))
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = late[:50].explain()
        totals = late.order_by().values("claims_administrator").annotate(n=Count("pk")).explain()
    assert "case_late_records" in plan
    assert "case_late_records" in totals
