"""Service of a letter on its own addressees (ticked boxes, a method each), the proof of service, a missing letter
asked for by staff, and the case page following its letter (the progress endpoint)."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.lifecycle import Status
from core.models import AuditEvent
from letters import services
from letters.models import Letter, Service, ServiceRecipient
from tests import factories
from tests.letters.helpers import signed_on_decision_day

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(qa_user, reviewer):
    case = factories.determined_case(qa=qa_user, reviewer=reviewer)
    case.employee_address = "12 Elm Street\nFresno, CA 93701"
    case.save(update_fields=["employee_address"])
    case.claims_administrator.address_lines = "PO Box 4000\nSacramento, CA 95812"
    case.claims_administrator.email = "imr@claims.example"
    case.claims_administrator.save(update_fields=["address_lines", "email"])
    return case


@pytest.fixture
def letters(case):
    parties, public = signed_on_decision_day(services.generate_letters(case))
    return parties, public


def register(client, case):
    return client.get(reverse("letters:case_register", args=[case.case_number]))


def test_the_register_offers_the_letters_addressees_ticked_with_their_addresses(case, letters, client, staff_user):
    client.force_login(staff_user)

    page = register(client, case).content.decode()

    boxes = re.findall(
        r'<input class="form-check-input" type="checkbox" name="recipients" value="(\w+)"[^>]*checked', page
    )
    assert boxes == ["employee", "claims_administrator"]  # the employer has no address: offered, not ticked
    assert 'value="employer" id="recipient-employer">' in page
    assert "12 Elm Street<br>Fresno, CA 93701" in page
    assert "PO Box 4000<br>Sacramento, CA 95812" in page
    assert page.count('name="method_employee"') == 1
    assert "E-mail: imr@claims.example" in page
    assert page.count("No postal address on file") == 1  # the employer
    assert '<textarea class="form-control" name="recipients"' not in page


def test_the_public_copy_has_no_service_form_and_cannot_be_served(case, letters, client, staff_user):
    parties, public = letters
    client.force_login(staff_user)

    page = register(client, case).content.decode()
    response = client.post(
        reverse("letters:service", args=[public.pk]),
        {"served_on": "2026-11-12", "recipients": "employee", "method_employee": "mail"},
    )

    assert page.count('action="' + reverse("letters:service", args=[parties.pk]) + '"') == 1
    assert page.count('action="' + reverse("letters:service", args=[public.pk]) + '"') == 0
    assert "The public redacted copy is published, not served on the parties." in page
    assert response.status_code == 404
    assert Service.objects.count() == 0


def test_service_with_nothing_ticked_says_so_at_the_field_and_saves_nothing(case, letters, client, staff_user):
    client.force_login(staff_user)

    response = client.post(
        reverse("letters:service", args=[letters[0].pk]), {"served_on": "2026-11-12", "method_employee": "mail"}
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert (
        '<div class="invalid-feedback d-block" id="recipients-error">Tick at least one addressee who was served.</div>'
        in page
    )
    assert 'aria-describedby="recipients-error"' in page
    assert "This field is required" not in page
    assert "recipients:" not in page
    assert Service.objects.count() == 0


def test_mail_to_an_addressee_without_an_address_is_refused_at_its_method(case, letters, client, staff_user):
    client.force_login(staff_user)

    response = client.post(
        reverse("letters:service", args=[letters[0].pk]),
        {"served_on": "2026-11-12", "recipients": ["employer"], "method_employer": "mail"},
    )

    assert response.status_code == 400
    assert (
        '<div class="invalid-feedback" id="id_method_employer-error">No postal address on file for '
        f"{case.employer}: add it to the case, or say how else.</div>" in response.content.decode()
    )
    assert Service.objects.count() == 0


def test_each_ticked_addressee_is_served_by_its_own_method_with_the_address_of_the_day(
    case, letters, client, staff_user
):
    client.force_login(staff_user)

    response = client.post(
        reverse("letters:service", args=[letters[0].pk]),
        {
            "served_on": "2026-11-12",
            "recipients": ["employee", "claims_administrator"],
            "method_employee": "mail",
            "method_claims_administrator": "email",
            "method_employer": "email",  # not ticked: not served
        },
    )

    assert response.status_code == 302
    served = [
        (row.service.method, row.key, row.name, row.address, row.email)
        for row in ServiceRecipient.objects.select_related("service").order_by("service__pk", "position")
    ]
    assert served == [
        ("mail", "employee", case.employee_name, "12 Elm Street\nFresno, CA 93701", ""),
        (
            "email",
            "claims_administrator",
            str(case.claims_administrator),
            "",  # served by e-mail: the proof prints the e-mail address used, not the postal address
            "imr@claims.example",
        ),
    ]
    events = AuditEvent.objects.filter(action="letter.served").order_by("pk")
    assert [(event.detail["method"], event.detail["recipients"]) for event in events] == [
        ("mail", ["employee"]),
        ("email", ["claims_administrator"]),
    ]
    case.refresh_from_db()
    assert case.status == Status.SERVED


def test_the_proof_of_service_lists_who_was_served_how_and_when_in_pacific_time(case, letters, client, staff_user):
    services.record_service(
        letters[0],
        by=staff_user,
        served_on=datetime.date(2026, 11, 12),
        deliveries=[
            services.Delivery(
                "employee", "Injured worker", case.employee_name, "12 Elm Street\nFresno, CA 93701", "mail"
            )
        ],
    )
    service = Service.objects.get()
    Service.objects.filter(pk=service.pk).update(at=datetime.datetime(2026, 11, 12, 18, 5, tzinfo=datetime.UTC))
    client.force_login(staff_user)

    response = client.get(reverse("letters:proof", args=[case.case_number, letters[0].pk]))

    page = response.content.decode()
    assert response.status_code == 200
    rows = re.findall(r"<tr>\s*(.*?)\s*</tr>", page.split("<tbody>")[1], re.S)
    cells = [re.sub(r"<[^>]+>", " ", cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", rows[0], re.S)]
    assert [" ".join(cell.split()) for cell in cells] == [
        "11/12/2026",
        f"Injured worker {case.employee_name}",
        "12 Elm Street Fresno, CA 93701",
        "Mail",
        "11/12/2026 10:05 AM PST by Sam Postlethwaite",
    ]
    assert 'src="/static/js/print-button.js"' in page


def test_the_proof_of_service_of_another_reviewers_case_is_not_found(case, letters, client, other_reviewer):
    client.force_login(other_reviewer)

    response = client.get(reverse("letters:proof", args=[case.case_number, letters[0].pk]))

    assert response.status_code == 404


def test_the_letter_center_says_no_sweep_runs_when_tasks_run_in_the_web_process(case, client, staff_user, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    client.force_login(staff_user)

    page = client.get(reverse("letters:center")).content.decode()

    assert "no\n  background sweep runs" in page
    assert "queued again within minutes" not in page
    assert 'action="' + reverse("letters:request", args=[case.case_number]) + '"' in page


def test_the_letter_center_names_the_sweeps_interval_when_a_beat_runs(case, client, staff_user, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BEAT_SCHEDULE = {
        "letters-sweep": {"task": "letters.tasks.generate_missing_letters", "schedule": 300}
    }
    client.force_login(staff_user)

    page = client.get(reverse("letters:center")).content.decode()

    assert "again every 5 minutes" in page


def test_staff_ask_for_a_missing_letter_and_get_it_once(case, client, staff_user, django_capture_on_commit_callbacks):
    client.force_login(staff_user)
    url = reverse("letters:request", args=[case.case_number])

    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(url)
    with django_capture_on_commit_callbacks(execute=True):
        second = client.post(url)

    assert (first.status_code, second.status_code) == (302, 302)
    assert sorted(Letter.objects.filter(case=case).values_list("rendition", "version", "state")) == [
        ("parties", 1, "signed"),
        ("public", 1, "signed"),
    ]
    case.refresh_from_db()
    assert case.status == Status.LETTER_SIGNED
    assert AuditEvent.objects.filter(action="letter.requested").count() == 1


def test_reviewers_and_qa_cannot_ask_for_a_letter(case, client, reviewer, qa_user):
    codes = []
    for user in (reviewer, qa_user):
        client.force_login(user)
        codes.append(client.post(reverse("letters:request", args=[case.case_number])).status_code)

    assert codes == [403, 403]
    assert Letter.objects.count() == 0


def test_the_progress_endpoint_reports_the_letters_until_they_are_signed(case, client, staff_user):
    client.force_login(staff_user)
    url = reverse("letters:progress", args=[case.case_number])

    before = client.get(url).json()
    services.generate_letters(case)
    after = client.get(url).json()

    assert before == {"status": "Determined", "letters": [], "done": False}
    assert [(row["rendition"], row["state"]) for row in after["letters"]] == [
        ("Parties' letter", "signed"),
        ("Public redacted copy", "signed"),
    ]
    assert after["letters"][0]["label"].startswith("signed ")
    assert after["done"] is True


def test_the_case_page_loads_the_progress_script_while_the_letter_is_awaited(case, client, admin_user):
    client.force_login(admin_user)

    page = client.get(case.get_absolute_url()).content.decode()

    assert f'data-progress-url="{reverse("letters:progress", args=[case.case_number])}"' in page
    assert 'src="/static/js/letter-progress.js"' in page


def test_a_service_date_before_the_letter_was_signed_is_refused_at_the_date(case, letters, client, staff_user):
    client.force_login(staff_user)

    response = client.post(
        reverse("letters:service", args=[letters[0].pk]),
        {"served_on": "2001-01-01", "recipients": ["employee"], "method_employee": "mail"},
    )

    signed = timezone.localdate(letters[0].signed_at)
    assert response.status_code == 400
    assert response.context["service_form"].errors == {
        "served_on": [
            f"01/01/2001 is before the letter was signed ({signed:%m/%d/%Y}): it cannot have been served then."
        ]
    }
    assert Service.objects.count() == 0


def test_the_same_addressee_served_by_the_same_method_on_the_same_day_is_refused_the_second_time(
    case, letters, client, staff_user
):
    client.force_login(staff_user)
    url = reverse("letters:service", args=[letters[0].pk])
    form = {"served_on": "2026-11-12", "recipients": ["employee"], "method_employee": "mail"}

    first = client.post(url, form)
    second = client.post(url, form)

    assert (first.status_code, second.status_code) == (302, 400)
    assert second.context["service_form"].errors == {
        "recipients": [f"{case.employee_name} was already recorded as served by mail on 11/12/2026."]
    }
    assert ServiceRecipient.objects.count() == 1
