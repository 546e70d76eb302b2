"""After the decision: an appeal against the served determination and its deadline (LC 4610.6(h), CCP 1013(a)), a
rescinded determination reopened for a different reviewer (LC 4610.6(i)), the authorization of overturned treatment
within 5 working days (8 CCR 9792.10.7)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.urls import reverse

from cases import hooks
from cases.models import Case
from cases.services import appeals, matching
from letters import services as letter_services
from tests.factories import determined_case, reviewer_profile
from tests.letters.helpers import signed_on_decision_day

pytestmark = pytest.mark.django_db
D = datetime.date


def _served(reviewer):
    # Decided Tue 11/10/2026, served by mail the same day.
    case = determined_case(reviewer=reviewer, application_received=D(2026, 10, 20), records_received=D(2026, 10, 20))
    Case.objects.filter(pk=case.pk).update(status="served")
    return Case.objects.get(pk=case.pk)


def test_an_appeal_is_held_to_30_days_plus_5_for_mail_in_california(reviewer, admin_user):
    case = _served(reviewer)
    appeal = appeals.record_appeal(
        case,
        filed_by="employee",
        filed_on=D(2026, 12, 4),
        ground="error_of_fact",
        served_on=D(2026, 11, 10),
        service_method="mail_california",
        by=admin_user,
    )
    assert case.transitions.last().note == (
        "Appeal to the WCAB filed 12/04/2026 by the injured worker (or attorney): (5) A plainly erroneous finding of "
        "fact of ordinary knowledge. Deadline 12/15/2026 (LC 4610.6(h)): in time."
    )
    assert appeal.original_reviewer == reviewer


def test_a_rescinded_determination_reopens_the_case_and_matching_excludes_its_reviewer(
    reviewer, other_reviewer, admin_user
):
    case = _served(reviewer)
    appeal = appeals.record_appeal(
        case,
        filed_by="claims_administrator",
        filed_on=D(2026, 11, 20),
        ground="conflict",
        served_on=D(2026, 11, 10),
        service_method="electronic",
        by=admin_user,
    )
    appeals.rescind_and_reopen(appeal, on=D(2026, 12, 1), by=admin_user)
    stored = Case.objects.get(pk=case.pk)
    assert (stored.status, stored.reopened_on, stored.reviewer, stored.decision_date, stored.due_date) == (
        "records_received",
        D(2026, 12, 1),
        None,
        None,
        D(2026, 12, 31),
    )
    first, second = reviewer_profile(reviewer), reviewer_profile(other_reviewer)
    snapshot = matching.RosterSnapshot.load([first, second])
    rule = "Reviewed the rescinded determination: a different reviewer must decide it (LC 4610.6(i))."
    assert rule in matching.blocking_reasons(stored, first, snapshot)
    assert rule not in matching.blocking_reasons(stored, second, snapshot)


def test_an_overturned_item_authorized_on_the_fifth_working_day_is_in_time_and_a_day_later_is_late(
    reviewer, admin_user
):
    # Decided Tue 11/10/2026; Veterans Day Wed 11/11 skipped: Thu 12, Fri 13, Mon 16, Tue 17, Wed 18 (day 5).
    case = _served(reviewer)
    upheld, overturned = case.items.order_by("position")
    with pytest.raises(ValidationError, match="Only an overturned item"):
        appeals.record_authorization(upheld, on=D(2026, 11, 12), by=admin_user)
    appeals.record_authorization(overturned, on=D(2026, 11, 18), by=admin_user)
    shown = appeals.after_decision(case)
    assert (shown["authorization_due"], shown["overturned"][0]["in_time"]) == (D(2026, 11, 18), True)
    appeals.record_authorization(overturned, on=D(2026, 11, 19), by=admin_user)
    assert appeals.after_decision(case)["overturned"][0]["in_time"] is False


def test_the_appeal_is_recorded_through_the_case_page(admin_client, reviewer):
    case = _served(reviewer)
    response = admin_client.post(
        reverse("cases:appeal", args=[case.case_number]),
        {
            "filed_by": "employee",
            "filed_on": "2026-11-20",
            "ground": "bias",
            "served_on": "2026-11-10",
            "service_method": "mail_california",
        },
    )
    assert response.status_code == 302
    page = admin_client.get(case.get_absolute_url())
    assert page.context["clock_panel"]["after_decision"]["appeals"][0]["deadline"] == D(2026, 12, 15)


def _served_by_letter(reviewer, staff_user, method: str, key: str = "employee"):
    # The parties' letter signed on the decision day (11/10/2026), served on 11/12/2026 on one addressee.
    case = _served(reviewer)
    case.employee_address = "12 Elm Street\nFresno, CA 93701"
    case.save(update_fields=["employee_address"])
    parties, _public = signed_on_decision_day(letter_services.generate_letters(case))
    letter_services.record_service(
        parties,
        by=staff_user,
        served_on=D(2026, 11, 12),
        deliveries=[
            letter_services.Delivery(
                key, "Injured worker", case.employee_name, "12 Elm Street\nFresno, CA 93701", method, "w@example.com"
            )
        ],
    )
    return case


def _appeal_without_service(client, case, filed_by="employee"):
    return client.post(
        reverse("cases:appeal", args=[case.case_number]),
        {"filed_by": filed_by, "filed_on": "2026-12-01", "ground": "bias", "served_on": "", "service_method": ""},
    )


def test_an_appeal_left_without_a_service_date_takes_the_mailing_from_the_service_record(
    admin_client, reviewer, staff_user
):
    case = _served_by_letter(reviewer, staff_user, "mail")
    assert _appeal_without_service(admin_client, case).status_code == 302
    appeal = case.appeals.get()
    assert (appeal.served_on, appeal.service_method, appeal.service_from_record) == (
        D(2026, 11, 12),
        "mail_california",
        True,
    )
    page = admin_client.get(case.get_absolute_url())
    assert page.context["clock_panel"]["after_decision"]["appeals"][0]["deadline"] == D(2026, 12, 17)
    assert (
        "Appeal deadline: 12/17/2026 (served 11/12/2026 by mail within california (+5 days), from the service record)"
        in " ".join(page.content.decode().split())
    )


def test_an_appeal_after_e_mailed_service_runs_30_days_without_extension(admin_client, reviewer, staff_user):
    case = _served_by_letter(reviewer, staff_user, "email")
    _appeal_without_service(admin_client, case)
    appeal = case.appeals.get()
    assert (appeal.service_method, appeals.after_decision(case)["appeals"][0]["deadline"]) == (
        "electronic",
        D(2026, 12, 12),
    )


def test_an_appeal_by_a_party_never_served_with_nothing_typed_is_refused_at_the_date_and_not_saved(
    admin_client, reviewer, staff_user
):
    case = _served_by_letter(reviewer, staff_user, "mail")
    response = _appeal_without_service(admin_client, case, filed_by="provider")
    page = admin_client.get(response.url)
    assert [str(message) for message in page.context["messages"]] == [
        "The appeal was not recorded. Determination served on: No service of the letter on the requesting provider "
        "is recorded: enter the date of service and how it was served."
    ]
    assert not case.appeals.exists()
    assert case.transitions.filter(note__startswith="Appeal").count() == 0


def test_a_portal_without_a_service_lookup_fails_its_system_checks(monkeypatch):
    monkeypatch.setattr(hooks, "_service_lookup", None)
    with pytest.raises(SystemCheckError, match=r"cases\.E002"):
        call_command("check")
