"""The date rules at the import (each broken rule with its JSON path, nothing saved) and ``manage.py check_dates``
over rows an older version let through (written with ``update()``, past every form)."""

import copy
import datetime
import io
import json

import pytest
from django import forms
from django.core.management import CommandError, call_command
from django.utils import timezone

from cases.models import Case
from tests.cases.test_interchange import EXAMPLE
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def _import_errors(tmp_path, document: dict) -> list[str]:
    source = tmp_path / "cases.json"
    source.write_text(json.dumps(document), encoding="utf-8")
    errors = io.StringIO()
    with pytest.raises(CommandError, match="Nothing imported"):
        call_command("import_cases", str(source), stderr=errors)
    return errors.getvalue().splitlines()


def test_the_import_refuses_a_broken_cross_date_rule_with_its_json_path_and_saves_nothing(tmp_path):
    document = copy.deepcopy(EXAMPLE)
    dates = document["cases"][0]["dates"]
    dates["application_received"] = "2016-11-20"  # before the UR determination of 2016-12-01
    dates["assigned"] = "0014-06-18"  # a two-digit year stored as four digits
    document["cases"][0]["employee"]["date_of_birth"] = "2016-11-02"  # born after the injury

    assert _import_errors(tmp_path, document) == [
        "cases[0].dates.assigned: The date assigned 0014-06-18 is before 1900: a year typed with two digits was "
        "probably read as 0014.",
        "cases[0].dates.application_received: The application cannot be received before the UR determination. "
        "The UR determination date is 2016-12-01.",
        "cases[0].dates.injury: The date of injury cannot be before the employee's date of birth. "
        "The employee's date of birth is 2016-11-02.",
    ]
    assert Case.objects.count() == 0


def test_the_import_refuses_an_open_case_more_than_a_year_overdue(tmp_path):
    document = copy.deepcopy(EXAMPLE)
    case = document["cases"][0]
    del case["status"]
    case["clinical_case_summary"] = None
    for item in case["items"]:
        del item["determination"]
    case["dates"].update(records_received="2016-12-06", decision=None)
    due = datetime.date(2017, 1, 5)

    assert _import_errors(tmp_path, document) == [
        f"cases[0].dates.records_received: With these dates the case was due on 2017-01-05 and would be "
        f"{(TODAY - due).days} days overdue: more than a year. Check the year."
    ]
    assert Case.objects.count() == 0


def test_a_decided_historical_case_of_2016_imports(tmp_path):
    source = tmp_path / "cases.json"
    source.write_text(json.dumps(EXAMPLE), encoding="utf-8")
    call_command("import_cases", str(source), stdout=io.StringIO())
    assert Case.objects.get().assigned_date == datetime.date(2016, 12, 6)


def _check_dates(*arguments) -> tuple[int, list[str]]:
    out = io.StringIO()
    try:
        call_command("check_dates", *arguments, stdout=out)
    except SystemExit as exit:
        return exit.code, out.getvalue().splitlines()
    return 0, out.getvalue().splitlines()


def test_check_dates_lists_each_stored_case_that_breaks_a_rule_and_exits_non_zero():
    zero_year, late, reversed_, sound = (CaseFactory() for _ in range(4))
    Case.objects.filter(pk=zero_year.pk).update(date_of_injury=datetime.date(95, 7, 14))
    Case.objects.filter(pk=late.pk).update(
        status="records_received",
        date_of_injury=datetime.date(2013, 1, 2),
        ur_determination_date=datetime.date(2014, 6, 16),
        application_received=datetime.date(2014, 6, 18),
        records_requested=datetime.date(2014, 6, 20),
        records_received=datetime.date(2014, 6, 19),
    )
    Case.objects.filter(pk=reversed_.pk).update(
        assigned_date=datetime.date(2026, 10, 1), decision_date=TODAY + datetime.timedelta(days=3)
    )
    due = datetime.date(2014, 7, 19)

    status, lines = _check_dates()

    assert status == 1
    assert lines == [
        f"{zero_year.case_number}  date_of_injury  before_1900  The date of injury 07/14/0095 is before 1900: a year "
        "typed with two digits was probably read as 0095.",
        f"{late.case_number}  records_received  order  Records cannot be received before they were requested. "
        "The records requested date is 06/20/2014.",
        f"{late.case_number}  records_received  overdue  With these dates the case was due on {due:%m/%d/%Y} and "
        f"would be {(TODAY - due).days} days overdue: more than a year. Check the year.",
        f"{reversed_.case_number}  decision_date  future  The decision date "
        f"{TODAY + datetime.timedelta(days=3):%m/%d/%Y} is in the future (today is {TODAY:%m/%d/%Y}).",
        f"{reversed_.case_number}  assigned_date  order  The case cannot be assigned before the application was "
        "received. The application received date is 10/20/2026.",
        "3 cases of 4 break a date rule (5 problems).",
    ]
    assert sound.case_number not in "\n".join(lines)


def test_check_dates_with_exit_zero_lists_and_succeeds_and_says_when_all_is_well():
    CaseFactory()
    assert _check_dates("--exit-zero") == (0, ["No case of 1 breaks a date rule."])


def test_a_form_of_the_plain_django_date_field_reads_a_two_digit_year_as_a_year_not_00yy():
    # settings.DATE_INPUT_FORMATS (the admin's forms): Python's %Y takes exactly four digits, %y two.
    field = forms.DateField()
    assert [field.clean(typed) for typed in ("7/14/95", "6/18/14", "6/18/2014", "2014-06-18")] == [
        datetime.date(1995, 7, 14),
        datetime.date(2014, 6, 18),
        datetime.date(2014, 6, 18),
        datetime.date(2014, 6, 18),
    ]


def test_generated_cases_break_no_date_rule():
    call_command("generate_cases", "--count", "400", "--seed", "3", stdout=io.StringIO())
    status, lines = _check_dates()
    assert (status, lines) == (0, ["No case of 400 breaks a date rule."])
