"""Letters in the PHI access log: a download, a ZIP (one row per letter), a preview and the admin's letter page are
recorded; a letter of a case the user may not see is recorded as not found; service records are read-only in the
admin."""

import pytest
from django.urls import reverse

from audit.models import AccessEvent
from letters.models import Service
from tests import factories
from tests.letters.test_letters import case, letters, organization_certificate  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db


def rows(**filters):
    return list(
        AccessEvent.objects.filter(**filters)
        .order_by("pk")
        .values_list("username", "action", "object_type", "object_id", "case_number", "outcome")
    )


def test_a_download_is_recorded_and_another_reviewers_letter_is_not_found(letters, client, staff_user, other_reviewer):  # noqa: F811
    number = letters[0].case.case_number
    client.force_login(staff_user)
    assert client.get(reverse("letters:download", args=[letters[0].pk])).status_code == 200
    client.force_login(other_reviewer)
    assert client.get(reverse("letters:download", args=[letters[0].pk])).status_code == 404

    assert rows(action="letters:download") == [
        ("staff", "letters:download", "letter", str(letters[0].pk), number, "allowed"),
        ("reviewer2", "letters:download", "letter", str(letters[0].pk), "", "not_found"),
    ]


def test_a_zip_records_one_read_per_letter(letters, client, staff_user):  # noqa: F811
    client.force_login(staff_user)
    response = client.post(reverse("letters:zip"), {"letter": [letter.pk for letter in letters]})
    assert response.status_code == 200
    assert sorted(rows(action="letters:zip")) == sorted(
        ("staff", "letters:zip", "letter", str(letter.pk), letter.case.case_number, "allowed") for letter in letters
    )


def test_the_preview_and_the_register_are_recorded(letters, client, qa_user):  # noqa: F811
    number = letters[0].case.case_number
    client.force_login(qa_user)
    assert client.get(reverse("letters:preview", args=[number])).status_code == 200
    assert client.get(reverse("letters:case_register", args=[number])).status_code == 200
    assert [row[1] for row in rows(case_number=number)] == ["letters:preview", "letters:case_register"]


def test_the_admin_letter_page_is_recorded_and_service_cannot_be_rewritten_there(letters, client, staff_user):  # noqa: F811
    client.force_login(staff_user)
    letters[0].case.employee_email = "worker@example.org"  # e-mail service needs an address on file
    letters[0].case.save(update_fields=["employee_email"])
    client.post(
        reverse("letters:service", args=[letters[0].pk]),
        {"served_on": "2026-11-12", "recipients": "employee", "method_employee": "email", "note": ""},
    )
    service = Service.objects.get()
    client.force_login(factories.UserFactory(username="root", is_superuser=True, is_staff=True))

    assert client.get(reverse("admin:letters_letter_change", args=[letters[0].pk])).status_code == 200
    assert rows(action="admin:letters.letter") == [
        ("root", "admin:letters.letter", "letter", str(letters[0].pk), letters[0].case.case_number, "allowed")
    ]
    change = client.post(reverse("admin:letters_service_change", args=[service.pk]), {"served_on": "2020-01-01"})
    assert change.status_code == 403
    assert client.post(reverse("admin:letters_service_delete", args=[service.pk]), {"post": "yes"}).status_code == 403
    service.refresh_from_db()
    assert service.served_on.isoformat() == "2026-11-12"


def test_a_letter_whose_file_is_gone_from_storage_says_so_instead_of_failing(letters, client, staff_user):  # noqa: F811
    letters[0].file.storage.delete(letters[0].file.name)
    client.force_login(staff_user)

    response = client.get(reverse("letters:download", args=[letters[0].pk]), follow=True)

    assert response.status_code == 200
    assert "cannot be read from storage just now; nothing was downloaded" in response.content.decode()
    assert not letters[0].downloads.exists()
