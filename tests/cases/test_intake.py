import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.lifecycle import Status
from cases.models import Case, CaseDocument
from core.models import Party
from tests.factories import CaseFactory, DisputedItemFactory

pytestmark = pytest.mark.django_db


def make_pdf(pages: int = 2) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=612, height=792)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def intake_data(**overrides) -> dict:
    data = {
        "priority": "standard",
        "claim_number": "05A1234567",
        "date_of_injury": "1995-07-14",
        "ur_determination_date": "2014-06-16",
        "application_received": "2014-06-18",
        "assigned_date": "",
        "employee_name": "Jane Roe",
        "employee_date_of_birth": "",
        "employee_age": "57",
        "employee_sex": "female",
        "employee_address": "",
        "employer_name": "Acme Produce",
        "claims_administrator_name": "Golden State Claims",
        "adjuster_name": "Pat Doe",
        "attorney_name": "",
        "attorney_firm_name": "",
        "requesting_provider_name": "Sam Lee, MD",
        "provider_specialty": "Physical Medicine & Rehabilitation",
        "provider_group_name": "Valley Spine Group",
        "diagnosis": "Displacement of lumbar disc without myelopathy",
        "icd10_code": "M51.26",
        "items-TOTAL_FORMS": "1",
        "items-INITIAL_FORMS": "0",
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "1000",
        "items-0-description": "12 initial physical therapy for the right upper leg, 2 times a week for 6 weeks",
        "items-0-category": "Therapies",
        "items-0-ur_outcome": "denied",
        "items-0-original_request": "",
        "items-0-authorized": "",
    }
    data.update(overrides)
    return data


def test_administrator_creates_a_case_with_items_parties_and_a_first_transition(admin_client, admin_user):
    response = admin_client.post(reverse("cases:create"), intake_data())
    case = Case.objects.get()
    assert response.status_code == 302
    assert response["Location"] == case.get_absolute_url()
    assert case.case_number.startswith("CM") and case.status == Status.RECEIVED
    assert [item.description for item in case.items.all()] == [
        "12 initial physical therapy for the right upper leg, 2 times a week for 6 weeks"
    ]
    assert (case.employer.kind, case.employer.name) == (Party.Kind.EMPLOYER, "Acme Produce")
    assert case.requesting_provider.organization.name == "Valley Spine Group"
    assert list(case.transitions.values_list("to_status", "by")) == [(Status.RECEIVED, admin_user.pk)]


def test_parties_are_shared_records_not_repeated_per_case(admin_client):
    admin_client.post(reverse("cases:create"), intake_data())
    admin_client.post(reverse("cases:create"), intake_data(employer_name="ACME produce", save_anyway="1"))
    assert Case.objects.count() == 2
    assert Party.objects.filter(kind=Party.Kind.EMPLOYER).count() == 1


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("icd10_code", "XYZ.99", "XYZ.99 is not an ICD-10-CM code (e.g. M51.26 or S16.1XXA)."),
        ("date_of_injury", "07/44/1995", "07/44/1995 is not a date: July has 31 days."),
        ("ur_determination_date", "1990-01-01", "The UR determination cannot be before the date of injury."),
        ("items-0-ur_outcome", "modified", "Required when UR modified the request."),
        ("employee_age", "130", "An age above 120 is not plausible."),
    ],
)
def test_bad_intake_input_says_what_and_where_and_keeps_what_was_typed(admin_client, field, value, message):
    response = admin_client.post(reverse("cases:create"), intake_data(**{field: value}))
    body = response.content.decode()
    assert response.status_code == 200
    assert message in body
    assert Case.objects.count() == 0  # nothing half-saved
    assert 'value="Jane Roe"' in body  # what was typed is still there
    assert "12 initial physical therapy for the right upper leg" in body


def test_a_case_without_items_is_refused(admin_client):
    data = intake_data(**{"items-0-description": "", "items-0-category": ""})
    response = admin_client.post(reverse("cases:create"), data)
    assert response.status_code == 200
    assert "A case needs at least one disputed item." in response.content.decode()
    assert Case.objects.count() == 0


def test_an_upload_that_is_not_a_pdf_is_refused_with_a_clear_message(admin_client):
    case = CaseFactory()
    fake = io.BytesIO(b"<html>not a pdf</html>")
    fake.name = "records.pdf"
    response = admin_client.post(
        reverse("cases:document_upload", args=[case.case_number]),
        {"kind": "medical_records", "file": fake},
        follow=True,
    )
    assert "Document not added: records.pdf is not a PDF file (its content is not PDF, whatever its name)." in (
        response.content.decode()
    )
    assert CaseDocument.objects.count() == 0


def test_a_damaged_pdf_is_refused(admin_client):
    case = CaseFactory()
    broken = io.BytesIO(b"%PDF-1.7\n garbage without objects")
    broken.name = "broken.pdf"
    response = admin_client.post(
        reverse("cases:document_upload", args=[case.case_number]),
        {"kind": "medical_records", "file": broken},
        follow=True,
    )
    assert "broken.pdf is damaged and cannot be read as a PDF" in response.content.decode()
    assert CaseDocument.objects.count() == 0


def test_an_oversized_upload_is_refused(admin_client, settings):
    settings.CASE_DOCUMENT_MAX_BYTES = 100
    case = CaseFactory()
    upload = io.BytesIO(make_pdf())
    upload.name = "big.pdf"
    response = admin_client.post(
        reverse("cases:document_upload", args=[case.case_number]),
        {"kind": "medical_records", "file": upload},
        follow=True,
    )
    assert "Document not added: big.pdf is" in response.content.decode()
    assert "the limit is 0 MB" in response.content.decode()
    assert CaseDocument.objects.count() == 0


def test_a_pdf_upload_keeps_its_hash_and_page_count_and_is_served_only_through_the_access_rule(
    admin_client, client, reviewer
):
    import hashlib

    case = CaseFactory()
    data = make_pdf(pages=3)
    upload = io.BytesIO(data)
    upload.name = "PR-2 report.pdf"
    admin_client.post(
        reverse("cases:document_upload", args=[case.case_number]),
        {"kind": "medical_records", "file": upload, "title": "PR-2 report", "author": "Dr. Lee"},
    )
    document = CaseDocument.objects.get()
    assert (document.page_count, document.sha256, document.size) == (3, hashlib.sha256(data).hexdigest(), len(data))
    url = reverse("cases:document", args=[case.case_number, document.pk])
    response = admin_client.get(url)
    assert (response.status_code, b"".join(response.streaming_content)) == (200, data)
    client.force_login(reviewer)
    assert client.get(url).status_code == 404


def test_the_same_file_twice_on_one_case_is_refused(admin_client):
    case = CaseFactory()
    data = make_pdf()
    for _ in range(2):
        upload = io.BytesIO(data)
        upload.name = "ur.pdf"
        response = admin_client.post(
            reverse("cases:document_upload", args=[case.case_number]),
            {"kind": "ur_decision", "file": upload},
            follow=True,
        )
    assert f"ur.pdf is already on case {case.case_number}." in response.content.decode()
    assert CaseDocument.objects.count() == 1


def test_the_case_list_issues_the_same_number_of_queries_for_1_and_for_50_cases(admin_client):
    def count_queries() -> int:
        with CaptureQueriesContext(connection) as context:
            response = admin_client.get(reverse("cases:list"))
        assert response.status_code == 200
        return len(context)

    DisputedItemFactory()
    one = count_queries()
    for _ in range(49):
        DisputedItemFactory()
    assert count_queries() == one


def test_the_case_list_filters_and_searches(admin_client):
    wanted = CaseFactory(employee_name="Maria Gonzales", claim_number="ZX-998877", priority="expedited")
    CaseFactory(employee_name="John Smith", claim_number="AB-111")
    for query in ("Gonzales", "ZX-9988", wanted.case_number):
        body = admin_client.get(reverse("cases:list"), {"q": query}).content.decode()
        assert wanted.case_number in body
        assert "John Smith" not in body
    body = admin_client.get(reverse("cases:list"), {"priority": "expedited"}).content.decode()
    assert "Maria Gonzales" in body and "John Smith" not in body


def test_the_case_list_filters_by_deadline(admin_client):
    import datetime

    from django.utils import timezone

    today = timezone.localdate()
    overdue = CaseFactory(
        status=Status.IN_REVIEW,
        application_received=today - datetime.timedelta(days=40),
        records_received=today - datetime.timedelta(days=35),
    )
    on_track = CaseFactory(status=Status.IN_REVIEW, application_received=today, records_received=today)
    body = admin_client.get(reverse("cases:list"), {"due": "overdue"}).content.decode()
    assert overdue.case_number in body and on_track.case_number not in body
    assert "Overdue by 5 days" in body
    body = admin_client.get(reverse("cases:list"), {"due": "on_track"}).content.decode()
    assert on_track.case_number in body and overdue.case_number not in body


def test_administrator_moves_a_case_through_intake_states_from_its_page(admin_client):
    case = CaseFactory(status=Status.RECEIVED)
    url = reverse("cases:transition", args=[case.case_number])
    admin_client.post(url, {"action": "eligible", "override": "Checked on the paper file."})
    admin_client.post(url, {"action": "request_records", "on": "2026-11-02", "method": "mail"})
    response = admin_client.post(url, {"action": "withdraw", "note": ""}, follow=True)
    assert "The case was not moved. Reason / note: Give the reason." in response.content.decode()
    case.refresh_from_db()
    assert case.status == Status.RECORDS_REQUESTED
    assert str(case.records_due_date) == "2026-11-17"


def test_a_refused_move_is_explained_not_a_500(admin_client):
    case = CaseFactory(status=Status.RECEIVED)
    response = admin_client.post(
        reverse("cases:transition", args=[case.case_number]), {"action": "receive_records"}, follow=True
    )
    assert response.status_code == 200
    assert f"Case {case.case_number} is received; it cannot move to records received." in response.content.decode()


def test_only_administrators_reach_intake_pages(client, reviewer, qa_user, staff_user):
    for user in (reviewer, qa_user, staff_user):
        client.force_login(user)
        assert client.get(reverse("cases:create")).status_code == 403
        assert client.post(reverse("cases:create"), intake_data()).status_code == 403
    assert Case.objects.count() == 0


def test_anonymous_users_are_sent_to_log_in(client):
    response = client.get(reverse("cases:list"))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_two_tabs_editing_one_case_get_a_clear_conflict_never_a_silent_overwrite(admin_client):
    admin_client.post(reverse("cases:create"), intake_data())
    case = Case.objects.get()
    url = reverse("cases:edit", args=[case.case_number])

    def opened_form() -> dict:
        form = admin_client.get(url).context["form"]
        return intake_data(
            loaded_version=form["loaded_version"].value(),
            **{
                "items-INITIAL_FORMS": "1",
                "items-0-id": str(case.items.get().pk),
                "items-0-case": str(case.pk),
            },
        )

    first_tab, second_tab = opened_form(), opened_form()
    assert admin_client.post(url, {**first_tab, "claim_number": "FIRST-TAB"}).status_code == 302
    response = admin_client.post(url, {**second_tab, "claim_number": "SECOND-TAB"})

    body = response.content.decode()
    assert response.status_code == 200
    assert "This case was changed by someone else (or in another tab)" in body
    assert 'value="SECOND-TAB"' in body  # what the second tab typed is kept
    case.refresh_from_db()
    assert case.claim_number == "FIRST-TAB"  # nothing was overwritten
    # Saving again after the warning is deliberate, and goes through.
    again = {
        **second_tab,
        "claim_number": "SECOND-TAB",
        "loaded_version": response.context["form"]["loaded_version"].value(),
    }
    assert admin_client.post(url, again).status_code == 302
    case.refresh_from_db()
    assert case.claim_number == "SECOND-TAB"
