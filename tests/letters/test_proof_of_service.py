"""The proof of service prints each note once and, in its Address column, the address used: the postal address for
mail (never the physician's specialty or an "Attn:" line), the e-mail address for e-mail (issue 21, finding 7)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from core.models import Party
from letters import rendering, services
from tests import factories
from tests.letters.helpers import signed_on_decision_day

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(qa_user, reviewer):
    case = factories.determined_case(qa=qa_user, reviewer=reviewer, adjuster_name="Dana Whitlock")
    case.employee_address = "12 Elm Street\nFresno, CA 93701"
    case.provider_specialty = "Orthopedic Surgery"
    case.requesting_provider = factories.PartyFactory(
        kind=Party.Kind.PHYSICIAN, name="Hector Lin, M.D.", address_lines="500 Oak Avenue\nVisalia, CA 93291"
    )
    case.save(update_fields=["employee_address", "provider_specialty", "requesting_provider"])
    case.claims_administrator.address_lines = "PO Box 4000\nSacramento, CA 95812"
    case.claims_administrator.email = "imr@claims.example"
    case.claims_administrator.save(update_fields=["address_lines", "email"])
    return case


@pytest.fixture
def parties_letter(case):
    parties, _public = signed_on_decision_day(services.generate_letters(case))
    return parties


def serve(client, letter, **methods):
    return client.post(
        reverse("letters:service", args=[letter.pk]),
        {
            "served_on": "2026-11-12",
            "recipients": list(methods),
            **{f"method_{key}": method for key, method in methods.items()},
            "note": "Sent with the cover sheet of 11/12.",
        },
    )


def proof_rows(client, case, letter) -> list[list[str]]:
    page = client.get(reverse("letters:proof", args=[case.case_number, letter.pk])).content.decode()
    rows = re.findall(r"<tr>\s*(.*?)\s*</tr>", page.split("<tbody>")[1], re.S)
    return [
        [" ".join(re.sub(r"<[^>]+>", " ", cell).split()) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        for row in rows
    ]


def test_the_note_of_a_service_by_two_methods_is_printed_once(case, parties_letter, client, staff_user):
    client.force_login(staff_user)

    serve(client, parties_letter, employee="mail", claims_administrator="email")
    page = client.get(reverse("letters:proof", args=[case.case_number, parties_letter.pk])).content.decode()

    assert page.count("Sent with the cover sheet of 11/12.") == 1
    assert "Note (11/12/2026, mail and e-mail):</strong> Sent with the cover sheet of 11/12." in page


def test_the_address_column_prints_the_address_used_never_a_specialty_or_an_attention_line(
    case, parties_letter, client, staff_user
):
    client.force_login(staff_user)

    serve(client, parties_letter, requesting_physician="mail", claims_administrator="email")
    rows = proof_rows(client, case, parties_letter)

    assert [(row[1], row[2], row[3]) for row in rows] == [
        ("Requesting physician Hector Lin, M.D.", "500 Oak Avenue Visalia, CA 93291", "Mail"),
        (f"Claims administrator {case.claims_administrator}", "E-mail: imr@claims.example", "E-mail"),
    ]


def test_the_parties_letter_still_addresses_the_adjuster_and_names_the_physicians_specialty(case):
    determination = rendering.approved_determination(case)

    page = rendering.render_letter_html(case, determination, rendition="parties")
    blocks = [" ".join(re.sub(r"<[^>]+>", " ", cell).split()) for cell in re.findall(r"<td>(.*?)</td>", page, re.S)]

    assert (
        "Claims administrator "
        + str(case.claims_administrator)
        + " Attn: Dana Whitlock PO Box 4000 Sacramento, CA 95812"
        in blocks
    )
    assert "Requesting physician Hector Lin, M.D. Orthopedic Surgery 500 Oak Avenue Visalia, CA 93291" in blocks
