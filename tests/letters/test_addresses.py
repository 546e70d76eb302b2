"""The parties' letter, the service form and the proof of service read the addresses taken at intake: each party's
postal address in the letter's address block; mail, e-mail and fax service only to an address or number on file;
the proof prints the address or number used. And the claims administrator's basis chosen at intake is printed on
the claims administrator's guideline line."""

from __future__ import annotations

import datetime
import subprocess

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import Case, Determination, ItemDecision
from letters import services
from letters.models import Service, ServiceRecipient
from tests import factories
from tests.cases.test_intake import intake_data
from tests.cases.test_parties import WITH_ADDRESSES
from tests.letters.helpers import signed_on_decision_day

pytestmark = pytest.mark.django_db


def determine(case: Case, *, reviewer, qa) -> Case:
    """An intake-made case carried to an approved determination (as ``factories.determined_case`` does)."""
    Case.objects.filter(pk=case.pk).update(
        status="determined",
        reviewer=reviewer,
        assigned_date=datetime.date(2026, 10, 21),
        decision_date=datetime.date(2026, 11, 10),
        reviewer_credentials={"licensure": ["California"], "certifications": ["Physical Medicine & Rehabilitation"]},
    )
    determination = Determination.objects.create(
        case=case,
        version=1,
        state="approved",
        clinical_case_summary="The injured worker is a 57 year old female injured while lifting boxes.",
        author=reviewer,
        qa_by=qa,
        qa_at=timezone.now(),
    )
    for item in case.items.all():
        ItemDecision.objects.create(
            determination=determination,
            item=item,
            decision="upheld",
            basis={"mtus": [{"chapter": "Low Back Complaints 2016", "sections": ["Massage"]}], "non_mtus": []},
            rationale="Therefore the request for physical therapy is not medically necessary.",
        )
    return Case.objects.get(pk=case.pk)


def pdf_text(letter) -> str:
    text = subprocess.run(["pdftotext", "-layout", letter.file.path, "-"], capture_output=True, text=True).stdout
    return " ".join(text.split())


@pytest.fixture
def intake_case(admin_client, reviewer, qa_user):
    """The case typed in at intake with every party's address, then determined, and its letters signed."""
    response = admin_client.post(reverse("cases:create"), intake_data(**WITH_ADDRESSES))
    assert response.status_code == 302
    return determine(Case.objects.get(), reviewer=reviewer, qa=qa_user)


@pytest.fixture
def letters(intake_case):
    return signed_on_decision_day(services.generate_letters(intake_case))


def test_the_parties_letter_prints_each_partys_address_typed_at_intake(intake_case, letters):
    text = pdf_text(letters[0])

    for line in (
        "12 Elm Street Apt 3 Fresno, CA 93701",
        "1420 Almond Grove Lane Suite 2 Modesto, CA 95351-1234",
        "Attn: Pat Doe PO Box 4000 Sacramento, CA 95812",
        "100 Harbor Way Oakland, CA 94607",
        "Counsel & Partners 500 Capitol Mall Sacramento, CA 95814",
    ):
        assert all(part in text for part in line.split(" ")), line
    for address in ("12 Elm Street", "Modesto, CA 95351-1234", "PO Box 4000", "Oakland, CA 94607", "500 Capitol Mall"):
        assert address in text


def serve(client, letter, **methods):
    data = {"served_on": "2026-11-12", "recipients": list(methods)}
    data.update({f"method_{key}": method for key, method in methods.items()})
    return client.post(reverse("letters:service", args=[letter.pk]), data)


@pytest.fixture
def bare_case(qa_user, reviewer):
    """A case whose employer has no address, e-mail or fax on file."""
    return factories.determined_case(qa=qa_user, reviewer=reviewer)


@pytest.mark.parametrize(
    ("method", "message"),
    [
        ("mail", "No postal address on file for {name}: add it to the case, or say how else."),
        ("email", "No e-mail address on file for {name}: add it to the case, or say how else."),
        ("fax", "No fax number on file for {name}: add it to the case, or say how else."),
    ],
)
def test_service_without_an_address_or_number_on_file_is_refused_at_its_method(
    bare_case, client, staff_user, method, message
):
    parties, _public = signed_on_decision_day(services.generate_letters(bare_case))
    client.force_login(staff_user)

    response = serve(client, parties, employer=method)

    assert response.status_code == 400
    expected = message.format(name=bare_case.employer)
    assert f'<div class="invalid-feedback" id="id_method_employer-error">{expected}</div>' in response.content.decode()
    assert Service.objects.count() == 0


def test_the_proof_of_service_prints_the_address_or_number_used_and_no_attn_or_specialty(
    intake_case, letters, client, staff_user
):
    client.force_login(staff_user)

    response = serve(
        client,
        letters[0],
        employee="mail",
        requesting_physician="fax",
        claims_administrator="email",
        employer="mail",
    )
    proof = client.get(reverse("letters:proof", args=[intake_case.case_number, letters[0].pk])).content.decode()

    assert response.status_code == 302
    served = {row.key: (row.address, row.email) for row in ServiceRecipient.objects.order_by("pk")}
    assert served == {
        "employee": ("12 Elm Street\nApt 3\nFresno, CA 93701", ""),
        "requesting_physician": ("Fax: 209-555-0142", ""),
        "claims_administrator": ("", "pat.doe@claims.example"),
        "employer": ("100 Harbor Way\nOakland, CA 94607", ""),
    }
    assert "12 Elm Street<br>Apt 3<br>Fresno, CA 93701" in proof
    assert "Fax: 209-555-0142" in proof
    assert "E-mail: pat.doe@claims.example" in proof
    assert "Attn:" not in proof
    assert "Physical Medicine &amp; Rehabilitation<br>" not in proof


def test_the_service_form_shows_the_fax_and_email_on_file(intake_case, letters, client, staff_user):
    client.force_login(staff_user)

    page = client.get(reverse("letters:case_register", args=[intake_case.case_number])).content.decode()

    assert "Fax: 209-555-0142" in page
    assert "E-mail: pat.doe@claims.example" in page
    assert "No postal address on file" not in page


# -- the claims administrator's basis ---------------------------------------------------------------------------


def test_the_basis_chosen_at_intake_is_printed_on_the_claims_administrators_guideline_line(
    admin_client, reviewer, qa_user
):
    section = factories.GuidelineSectionFactory(
        source=factories.GuidelineSourceFactory(key="cp-2009", chapter="Chronic Pain Medical Treatment", year=2009),
        name="Physical Medicine",
        pages="98-99",
    )
    form = admin_client.get(reverse("cases:create")).content.decode()
    assert "Chronic Pain Medical Treatment 2009 — Physical Medicine (p. 98-99)" in form

    response = admin_client.post(
        reverse("cases:create"),
        intake_data(**{"items-0-ca_sections": [str(section.pk)], "items-0-ca_non_mtus": "ODG, Low Back, Massage"}),
    )
    assert response.status_code == 302
    case = determine(Case.objects.get(), reviewer=reviewer, qa=qa_user)
    assert case.items.get().claims_administrator_basis == {
        "mtus": [
            {"chapter": "Chronic Pain Medical Treatment 2009", "sections": ["Physical Medicine"], "pages": "98-99"}
        ],
        "non_mtus": ["ODG, Low Back, Massage"],
    }

    text = pdf_text(signed_on_decision_day(services.generate_letters(case))[0])

    assert "Chronic Pain Medical Treatment 2009" in text
    # The pages the picker showed are printed, as on the reviewer's line.
    assert "Physical Medicine Page(s): 98-99" in " ".join(text.split())
    assert "ODG, Low Back, Massage" in text
    assert "cited no medical evidence" not in text.lower()


def test_no_medical_evidence_and_a_citation_together_are_refused_at_the_item(admin_client):
    section = factories.GuidelineSectionFactory(name="Physical Medicine")

    response = admin_client.post(
        reverse("cases:create"),
        intake_data(**{"items-0-ca_sections": [str(section.pk)], "items-0-ca_basis_none": "on"}),
    )

    assert response.status_code == 200
    assert response.context["formset"].forms[0].errors == {
        "ca_basis_none": [
            "Either the UR decision cites no medical evidence, or it cites these: untick one or remove the other."
        ]
    }
    assert Case.objects.count() == 0


def test_a_basis_section_whose_edition_was_not_in_force_on_the_ur_date_is_warned_of(admin_client):
    source = factories.GuidelineSourceFactory(
        key="cp-2016-late",
        chapter="Chronic Pain Medical Treatment",
        year=2016,
        effective_from=datetime.date(2016, 12, 1),
    )
    section = factories.GuidelineSectionFactory(source=source, name="Physical Medicine")

    response = admin_client.post(
        reverse("cases:create"), intake_data(**{"items-0-ca_sections": [str(section.pk)]}), follow=True
    )

    shown = [str(message) for message in response.context["messages"]]
    assert Case.objects.count() == 1
    assert any(
        message.startswith("Item 1: the claims administrator's ")
        and ", Physical Medicine, not in force on 06/16/2014 (in force " in message
        for message in shown
    ), shown
