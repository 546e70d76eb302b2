"""Dates as people type them, through the intake form and the records moves on the case page (core.dates,
cases.date_rules): M/D/YY with its century rule, M/D/YYYY and ISO read alike; every cross-date rule said at its field,
nothing saved."""

import datetime
import html
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.lifecycle import Status
from cases.models import Case
from core.dates import HOW_TO_WRITE, parse_date
from tests.cases.test_intake import intake_data
from tests.factories import CaseFactory, DisputedItemFactory, UserFactory
from tests.security.test_admin_input import _errors_by_html_name, _FormReader

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def field_errors(response, field: str) -> list[str]:
    """The messages the page shows at one field (crispy's invalid-feedback of the input ``id_<field>``)."""
    found = re.findall(rf'<span id="error_\d+_id_{field}"><strong>(.*?)</strong></span>', response.content.decode())
    return [html.unescape(message) for message in found]


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("6/18/14", datetime.date(2014, 6, 18)),
        ("2014-06-18", datetime.date(2014, 6, 18)),
        ("6/18/2014", datetime.date(2014, 6, 18)),
        ("06/18/2014", datetime.date(2014, 6, 18)),
    ],
)
def test_the_application_date_is_stored_as_the_year_typed_however_it_is_written(admin_client, typed, stored):
    response = admin_client.post(
        reverse("cases:create"),
        intake_data(date_of_injury="7/14/95", ur_determination_date="6/16/14", application_received=typed),
    )
    case = Case.objects.get()
    assert response.status_code == 302
    assert (case.date_of_injury, case.ur_determination_date, case.application_received) == (
        datetime.date(1995, 7, 14),
        datetime.date(2014, 6, 16),
        stored,
    )


def test_the_form_shows_a_stored_date_with_four_digits_of_year(admin_client):
    case = CaseFactory(date_of_injury=datetime.date(1995, 7, 14))
    response = admin_client.get(reverse("cases:edit", args=[case.case_number]))
    assert 'name="date_of_injury" value="07/14/1995"' in response.content.decode()


@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [
        ("date_of_injury", "13/45/14", f"13/45/14 is not a date: there is no month 13. {HOW_TO_WRITE}"),
        ("date_of_injury", "1/1/1850", f"1/1/1850: the year 1850 is before 1900. {HOW_TO_WRITE}"),
        ("date_of_injury", "0095-07-14", f"0095-07-14: the year 0095 is before 1900. {HOW_TO_WRITE}"),
        ("ur_determination_date", "6/31/14", f"6/31/14 is not a date: June has 30 days. {HOW_TO_WRITE}"),
        ("application_received", "6/18/014", f"6/18/014: write the year with two or four digits. {HOW_TO_WRITE}"),
        ("employee_date_of_birth", "yesterday", f"yesterday is not a date. {HOW_TO_WRITE}"),
    ],
)
def test_a_date_that_cannot_be_read_is_refused_at_its_field_and_nothing_is_saved(admin_client, field, typed, message):
    response = admin_client.post(reverse("cases:create"), intake_data(**{field: typed}))
    assert response.status_code == 200
    assert field_errors(response, field) == [message]
    assert f'name="{field}" value="{typed}"' in response.content.decode()  # what was typed is kept
    assert Case.objects.count() == 0


TOMORROW = TODAY + datetime.timedelta(days=1)


@pytest.mark.parametrize(
    ("dates", "field", "message"),
    [
        (
            {"date_of_injury": "7/14/15", "ur_determination_date": "6/16/14"},
            "ur_determination_date",
            "The UR determination cannot be before the date of injury. The date of injury is 07/14/2015.",
        ),
        (
            {"ur_determination_date": "6/20/14", "application_received": "6/18/14"},
            "application_received",
            "The application cannot be received before the UR determination. The UR determination date is 06/20/2014.",
        ),
        (
            {"ur_determination_date": "", "date_of_injury": "7/14/15", "application_received": "6/18/14"},
            "application_received",
            "The application cannot be received before the date of injury. The date of injury is 07/14/2015.",
        ),
        (
            {"application_received": "6/18/14", "assigned_date": "6/1/14"},
            "assigned_date",
            "The case cannot be assigned before the application was received. "
            "The application received date is 06/18/2014.",
        ),
        (
            {"assigned_date": f"{TOMORROW:%m/%d/%Y}"},
            "assigned_date",
            f"{TOMORROW:%m/%d/%Y} is in the future: this date cannot be after today ({TODAY:%m/%d/%Y}).",
        ),
        (
            {"ur_decision_served_on": "6/1/14"},
            "ur_decision_served_on",
            "The UR decision cannot be served before it was made. The UR determination date is 06/16/2014.",
        ),
        (
            {"employee_date_of_birth": "1/2/96"},
            "date_of_injury",
            "The date of injury cannot be before the employee's date of birth. "
            "The employee's date of birth is 01/02/1996.",
        ),
    ],
)
def test_each_cross_date_rule_is_said_at_its_field_and_nothing_is_saved(admin_client, dates, field, message):
    response = admin_client.post(reverse("cases:create"), intake_data(**dates))
    assert response.status_code == 200
    assert field_errors(response, field) == [message]
    assert Case.objects.count() == 0


def test_a_two_digit_year_is_the_most_recent_past_year_that_fits():
    today = datetime.date(2026, 12, 7)
    read = [parse_date(typed, today=today) for typed in ("7/14/95", "6/18/14", "12/1/26", "12/31/26", "2/29/00")]
    assert read == [
        datetime.date(1995, 7, 14),
        datetime.date(2014, 6, 18),
        datetime.date(2026, 12, 1),
        datetime.date(1926, 12, 31),
        datetime.date(2000, 2, 29),
    ]


def _transition(admin_client, case: Case, **data):
    return admin_client.post(reverse("cases:transition", args=[case.case_number]), data, follow=True)


def test_records_received_before_they_were_requested_are_refused_with_the_date_field_named(admin_client):
    case = CaseFactory(
        status=Status.RECORDS_REQUESTED,
        application_received=datetime.date(2026, 11, 30),
        assigned_date=datetime.date(2026, 12, 1),
        records_requested=datetime.date(2026, 12, 2),
    )
    response = _transition(admin_client, case, action="receive_records", on="6/18/14")
    case.refresh_from_db()
    assert [str(message) for message in response.context["messages"]] == [
        "The case was not moved. Date: Records cannot be received before they were requested. "
        "The records requested date is 12/02/2026."
    ]
    assert (case.status, case.records_received) == (Status.RECORDS_REQUESTED, None)


def test_records_received_that_would_put_a_case_more_than_a_year_overdue_are_refused(admin_client):
    case = CaseFactory(status=Status.ELIGIBLE, application_received=datetime.date(2014, 6, 18))
    response = _transition(admin_client, case, action="receive_records", on="6/25/14")
    case.refresh_from_db()
    due = datetime.date(2014, 7, 25)
    assert [str(message) for message in response.context["messages"]] == [
        "The case was not moved. Date: With these dates the case was due on 07/25/2014 and would be "
        f"{(TODAY - due).days} days overdue: more than a year. Check the year."
    ]
    assert (case.status, case.records_received, case.due_date) == (Status.ELIGIBLE, None, None)


def test_records_received_on_a_date_typed_with_two_digits_start_the_clock_that_day(admin_client):
    case = CaseFactory(status=Status.ELIGIBLE, application_received=datetime.date(2026, 11, 30))
    on = TODAY - datetime.timedelta(days=2)
    _transition(admin_client, case, action="receive_records", on=f"{on.month}/{on.day}/{on:%y}")
    case.refresh_from_db()
    assert (case.status, case.records_received) == (Status.RECORDS_RECEIVED, on)


def _edit_data(admin_client, case: Case, **overrides) -> dict:
    form = admin_client.get(reverse("cases:edit", args=[case.case_number])).context["form"]
    return intake_data(
        loaded_version=form["loaded_version"].value(),
        **{"items-INITIAL_FORMS": "1", "items-0-id": str(case.items.get().pk), "items-0-case": str(case.pk)},
        **overrides,
    )


def test_an_edit_that_would_put_a_case_more_than_a_year_overdue_must_be_confirmed(admin_client):
    case = CaseFactory(
        status=Status.RECORDS_RECEIVED,
        date_of_injury=datetime.date(2013, 1, 2),
        ur_determination_date=datetime.date(2014, 6, 16),
        application_received=datetime.date(2014, 7, 1),
        records_received=datetime.date(2014, 7, 2),
    )
    DisputedItemFactory(case=case)
    url = reverse("cases:edit", args=[case.case_number])
    data = _edit_data(admin_client, case, date_of_injury="1/2/13", application_received="6/18/14")

    refused = admin_client.post(url, data)
    case.refresh_from_db()
    due = datetime.date(2014, 8, 1)
    assert field_errors(refused, "application_received") == [
        "With these dates the case was due on 08/01/2014 and would be "
        f'{(TODAY - due).days} days overdue: more than a year. Check the year. If it is right, tick "These dates '
        'are right: save the case although it is overdue" and save again.'
    ]
    assert 'type="checkbox" name="confirm_dates"' in refused.content.decode()
    assert case.application_received == datetime.date(2014, 7, 1)

    confirmed = admin_client.post(url, {**data, "confirm_dates": "on"})
    case.refresh_from_db()
    assert confirmed.status_code == 302
    assert case.application_received == datetime.date(2014, 6, 18)


def test_the_admin_reads_dates_as_the_portal_does_and_refuses_a_year_before_1900(client):
    client.force_login(UserFactory(username="root", is_superuser=True, is_staff=True))
    case = CaseFactory()
    url = reverse("admin:cases_case_change", args=[case.pk])
    reader = _FormReader("http://testserver" + url)
    reader.feed(client.get(url).content.decode())
    (form,) = [form for form in reader.forms if not form.action.endswith(reverse("admin:logout"))]
    data = {key: values if len(values) > 1 else values[0] for key, values in form.fields.items()}

    refused = client.post(url, {**data, "date_of_injury": "0014-06-18"})
    assert (
        _errors_by_html_name(refused)["date_of_injury"] == f"0014-06-18: the year 0014 is before 1900. {HOW_TO_WRITE}"
    )
    client.post(url, {**data, "date_of_injury": "6/18/14"})
    case.refresh_from_db()
    assert case.date_of_injury == datetime.date(2014, 6, 18)
