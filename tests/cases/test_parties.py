"""The parties a letter is served on, taken at intake with their postal addresses, e-mail, fax and phone (a party
picked by name is the one record, searched as the name is typed), and carried by imr-case/1 as CASE-FORMAT.md
"Addresses" says."""

import copy
import json

import pytest
from django.urls import reverse

from cases.models import Case
from core.models import Party
from tests.cases.test_intake import intake_data
from tests.cases.test_interchange import EXAMPLE, upload, with_clock

pytestmark = pytest.mark.django_db

WITH_ADDRESSES = {
    "employee_address": "12 Elm Street\nApt 3",
    "employee_city": "Fresno",
    "employee_state": "ca",
    "employee_zip": "93701",
    "employee_email": "jane.roe@example.com",
    "provider_address_lines": "1420 Almond Grove Lane\nSuite 2",
    "provider_city": "Modesto",
    "provider_state": "CA",
    "provider_zip_code": "95351-1234",
    "provider_fax": "209-555-0142",
    "claims_administrator_address_lines": "PO Box 4000",
    "claims_administrator_city": "Sacramento",
    "claims_administrator_state": "CA",
    "claims_administrator_zip_code": "95812",
    "claims_administrator_email": "imr@claims.example",
    "adjuster_email": "pat.doe@claims.example",
    "adjuster_fax": "916-555-0100",
    "employer_address_lines": "100 Harbor Way",
    "employer_city": "Oakland",
    "employer_state": "CA",
    "employer_zip_code": "94607",
    "attorney_name": "Ann Counsel",
    "attorney_firm_name": "Counsel & Partners",
    "attorney_address_lines": "500 Capitol Mall",
    "attorney_city": "Sacramento",
    "attorney_state": "CA",
    "attorney_zip_code": "95814",
    "attorney_email": "ann@counsel.example",
}


def test_intake_saves_each_party_with_its_postal_address_email_and_fax(admin_client):
    response = admin_client.post(reverse("cases:create"), intake_data(**WITH_ADDRESSES))

    assert response.status_code == 302
    case = Case.objects.get()
    assert case.employee_postal_address == "12 Elm Street\nApt 3\nFresno, CA 93701"
    assert case.employee_email == "jane.roe@example.com"
    assert case.requesting_provider.postal_address == "1420 Almond Grove Lane\nSuite 2\nModesto, CA 95351-1234"
    assert case.requesting_provider.fax == "209-555-0142"
    assert case.claims_administrator.postal_address == "PO Box 4000\nSacramento, CA 95812"
    assert (case.adjuster_name, case.adjuster_email, case.adjuster_fax) == (
        "Pat Doe",
        "pat.doe@claims.example",
        "916-555-0100",
    )
    assert case.employer.postal_address == "100 Harbor Way\nOakland, CA 94607"
    assert (case.attorney_name, case.employee_attorney.name, case.employee_attorney.email) == (
        "Ann Counsel",
        "Counsel & Partners",
        "ann@counsel.example",
    )


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("provider_zip_code", "9535", '"9535" is not a ZIP code: five digits, or ZIP+4 as 95351-1234.'),
        ("provider_zip_code", "95351-12", '"95351-12" is not a ZIP code: five digits, or ZIP+4 as 95351-1234.'),
        ("employer_state", "XX", '"XX" is not a two-letter state code (for example CA).'),
        ("employee_state", "Calif", "Ensure this value has at most 2 characters (it has 5)."),
        ("employee_zip", "ABCDE", '"ABCDE" is not a ZIP code: five digits, or ZIP+4 as 95351-1234.'),
    ],
)
def test_a_bad_zip_or_state_is_refused_at_its_field_and_nothing_is_saved(admin_client, field, value, message):
    response = admin_client.post(reverse("cases:create"), intake_data(**{**WITH_ADDRESSES, field: value}))

    assert response.status_code == 200
    assert response.context["form"].errors == {field: [message]}
    assert Case.objects.count() == 0
    assert Party.objects.count() == 0


def test_an_address_begun_and_not_finished_names_each_missing_part(admin_client):
    data = intake_data(**{**WITH_ADDRESSES, "employer_city": "", "employer_zip_code": ""})

    response = admin_client.post(reverse("cases:create"), data)

    assert response.context["form"].errors == {
        "employer_city": ["The city of employer's postal address is missing."],
        "employer_zip_code": ["The ZIP code of employer's postal address is missing."],
    }
    assert Case.objects.count() == 0


def test_a_party_picked_by_name_is_the_one_record_and_keeps_its_address(admin_client):
    admin_client.post(reverse("cases:create"), intake_data(**WITH_ADDRESSES))
    typed_again = {key: value for key, value in WITH_ADDRESSES.items() if not key.startswith("employer_")}

    response = admin_client.post(
        reverse("cases:create"),
        intake_data(**typed_again, employer_name="acme produce", claim_number="05A7654321", save_anyway="1"),
    )

    assert response.status_code == 302
    assert Party.objects.filter(kind=Party.Kind.EMPLOYER).count() == 1
    second = Case.objects.get(claim_number="05A7654321")
    assert second.employer.postal_address == "100 Harbor Way\nOakland, CA 94607"


def test_the_party_search_offers_known_parties_of_the_kind_with_their_address(admin_client):
    admin_client.post(reverse("cases:create"), intake_data(**WITH_ADDRESSES))

    found = admin_client.get(reverse("cases:party_search"), {"kind": "physician", "q": "sam le"}).json()
    other_kind = admin_client.get(reverse("cases:party_search"), {"kind": "employer", "q": "sam"}).json()

    assert found["results"] == [
        {
            "name": "Sam Lee, MD",
            "address_lines": "1420 Almond Grove Lane\nSuite 2",
            "city": "Modesto",
            "state": "CA",
            "zip_code": "95351-1234",
            "email": "",
            "fax": "209-555-0142",
            "phone": "",
        }
    ]
    assert other_kind["results"] == []


def test_the_party_search_is_closed_to_those_who_cannot_do_intake(client, reviewer):
    client.force_login(reviewer)

    response = client.get(reverse("cases:party_search"), {"kind": "physician", "q": "sam"})

    assert response.status_code == 403


def test_the_intake_form_names_its_search_endpoint_and_loads_its_module_without_inline_script(admin_client):
    page = admin_client.get(reverse("cases:create")).content.decode()

    assert f'data-party-search-url="{reverse("cases:party_search")}"' in page
    assert 'data-party-search="physician" data-party-prefix="provider"' in page
    assert "js/party-search.js" in page
    assert "<script>" not in page


# -- imr-case/1 -------------------------------------------------------------------------------------------------


def with_addresses() -> dict:
    document = copy.deepcopy(EXAMPLE)
    case = document["cases"][0]
    case["employee"].update(
        address={"lines": ["12 Elm Street"], "city": "Fresno", "state": "CA", "zip": "93701"},
        email=None,
        fax=None,
        phone="559-555-0199",
    )
    case["claims_administrator"].update(
        address={"lines": ["PO Box 4000"], "city": "Sacramento", "state": "CA", "zip": "95812-4000"},
        email="imr@claims.example",
        fax="916-555-0100",
        phone=None,
    )
    case["requesting_provider"].update(
        address={"lines": ["1420 Almond Grove Lane", "Suite 2"], "city": "Modesto", "state": "CA", "zip": "95351"},
        email=None,
        fax="209-555-0142",
        phone=None,
    )
    return document


def test_addresses_import_and_export_unchanged_through_the_pages(admin_client):
    document = with_addresses()

    imported = admin_client.post(reverse("cases:import"), {"document": upload(document)})
    exported = json.loads(admin_client.get(reverse("cases:export")).content)

    assert "Imported: 1 case created" in imported.content.decode()
    case = Case.objects.get()
    assert case.requesting_provider.postal_address == "1420 Almond Grove Lane\nSuite 2\nModesto, CA 95351"
    assert case.employee_phone == "559-555-0199"
    assert exported["cases"][0]["employee"] == document["cases"][0]["employee"]
    assert exported == with_clock(document)


def test_a_bad_zip_or_state_in_a_file_is_refused_with_its_path(admin_client):
    document = with_addresses()
    document["cases"][0]["requesting_provider"]["address"]["zip"] = "9535"
    document["cases"][0]["employee"]["address"]["state"] = "Ca"

    response = admin_client.post(reverse("cases:import"), {"document": upload(document)})

    assert response.context["errors"] == [
        "cases[0].employee.address.state: must be a two-letter state code in capitals (CA)",
        "cases[0].requesting_provider.address.zip: must be a ZIP code: five digits, or ZIP+4 as 95351-1234",
    ]
    assert Case.objects.count() == 0
