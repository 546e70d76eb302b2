"""Both ages and the track on the case list and page; the list filters and sorts by track; at risk by the track."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from cases import selectors
from cases.models import Case
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db


def _case(number, *, received_days_ago, records_days_ago, **fields):
    today = timezone.localdate()
    return CaseFactory(
        case_number=number,
        status="records_received",
        application_received=today - datetime.timedelta(days=received_days_ago),
        records_received=today - datetime.timedelta(days=records_days_ago),
        **fields,
    )


def test_the_list_shows_both_ages_and_filters_and_sorts_by_track(admin_client):
    _case("CM26-0000001", received_days_ago=10, records_days_ago=4)
    _case("CM26-0000002", received_days_ago=2, records_days_ago=1, priority="expedited")
    formulary = _case("CM26-0000003", received_days_ago=3, records_days_ago=3, has_formulary_items=True)
    response = admin_client.get(reverse("cases:list"), {"sort": "track"})
    rows = [(case.case_number, case.track) for case in response.context["page"].object_list]
    assert rows == [("CM26-0000002", "expedited"), ("CM26-0000003", "formulary"), ("CM26-0000001", "standard")]
    first = response.context["page"].object_list[2]
    assert (first.age_since_application(), first.age_since_records()) == (10, 4)
    filtered = admin_client.get(reverse("cases:list"), {"track": "formulary"})
    assert [case.pk for case in filtered.context["page"].object_list] == [formulary.pk]


def test_a_formulary_case_is_at_risk_two_days_before_its_due_date_and_a_standard_case_five():
    today = timezone.localdate()
    standard = _case("CM26-0000005", received_days_ago=0, records_days_ago=0)
    formulary = _case("CM26-0000006", received_days_ago=0, records_days_ago=0, has_formulary_items=True)
    # Both due in 3 days: at risk on the standard track (5 days), on track on the formulary one (2 days).
    Case.objects.update(due_date=today + datetime.timedelta(days=3))
    at_risk = selectors.filter_cases(Case.objects.all(), {"due": "at_risk"}, today=today)
    on_track = selectors.filter_cases(Case.objects.all(), {"due": "on_track"}, today=today)
    assert (list(at_risk), list(on_track)) == ([standard], [formulary])
    assert Case.objects.get(pk=formulary.pk).clock.key == "on_track"


def test_the_case_page_states_the_track_its_rule_and_both_ages(admin_client):
    case = _case("CM26-0000004", received_days_ago=9, records_days_ago=2, has_formulary_items=True)
    content = admin_client.get(case.get_absolute_url()).content.decode()
    assert '<dd class="col-sm-7" id="age-application">9</dd>' in content
    assert '<dd class="col-sm-7" id="age-records">2</dd>' in content
    assert "Formulary drug dispute: due 5 working days" in content


def test_every_lists_clock_badge_is_titled_with_the_due_date_and_both_ages(admin_client):
    case = _case("CM26-0000007", received_days_ago=9, records_days_ago=2)
    content = admin_client.get(reverse("cases:list")).content.decode()
    title = f"Due {case.due_date:%m/%d/%Y}; 9 days since the application, 2 days since records complete"
    assert f'title="{title}"' in content
