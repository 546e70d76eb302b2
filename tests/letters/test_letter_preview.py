"""The reviewer's and QA's preview: the letter exactly as the parties will read it, from the current draft."""

import pytest
from django.urls import reverse

from cases.services import determinations
from letters.models import Letter
from tests.factories import case_in_review
from tests.pdftext import pdftotext

pytestmark = pytest.mark.django_db

BASIS = {
    "mtus": [{"chapter": "Chronic Pain Medical Treatment 2016", "sections": ["Physical Medicine"]}],
    "non_mtus": [],
}


@pytest.fixture
def drafted(reviewer):
    case = case_in_review(reviewer, items=1)
    (item,) = case.items.all()
    draft = determinations.start_or_get_draft(case, by=reviewer)
    determinations.save_draft(
        draft,
        by=reviewer,
        revision=0,
        summary="The injured worker is a 45 year old with low back pain.",
        decisions={
            item.pk: {
                "decision": "upheld",
                "basis": BASIS,
                "rationale": "No functional improvement is documented. The request is not medically necessary.",
            }
        },
    )
    return case


def test_the_reviewer_previews_the_draft_as_the_signed_letters_pdf_marked_as_a_preview(client, reviewer, drafted):
    # A name no letter text could contain by chance.
    reviewer.first_name, reviewer.last_name = "Ottoline", "Quarringtonshire"
    reviewer.save()
    client.force_login(reviewer)
    response = client.get(reverse("letters:preview", args=[drafted.case_number]))
    assert (response.status_code, response["Content-Type"]) == (200, "application/pdf")
    text = " ".join(pdftotext(response.content).split())
    assert text.count("PREVIEW v1 (Draft): NOT SIGNED") == 3  # on each of the 3 pages
    assert "HOW THE IMR FINAL DETERMINATION WAS MADE" in text
    assert "Physical therapy 2 visits: Upheld" in text
    assert (
        "MAXIMUS guideline: Decision based on MTUS Chronic Pain Medical Treatment 2016, Section(s): Physical Medicine."
    ) in text
    assert "The injured worker is a 45 year old with low back pain." in text
    assert "Quarringtonshire" not in text  # credentials only, never the reviewer's name
    assert Letter.objects.count() == 0  # a preview registers nothing


def test_the_public_copy_can_be_previewed_too(client, reviewer, drafted):
    client.force_login(reviewer)
    response = client.get(reverse("letters:preview", args=[drafted.case_number]), {"rendition": "public"})
    text = " ".join(pdftotext(response.content).split())
    assert "Case Number:" in text and drafted.employee_name not in text


def test_only_the_cases_reviewer_qa_and_administrators_preview(client, drafted, other_reviewer, staff_user, qa_user):
    url = reverse("letters:preview", args=[drafted.case_number])
    client.force_login(other_reviewer)
    assert client.get(url).status_code == 404
    client.force_login(qa_user)
    assert client.get(url).status_code == 200


def test_after_a_reassignment_the_new_reviewer_cannot_preview_the_previous_reviewers_draft(
    client, admin_user, reviewer, other_reviewer, qa_user
):
    from cases.services import assignment
    from tests.factories import reviewer_profile, specialty_fit, waiting_case

    specialty_fit()
    reviewer_profile(reviewer)
    reviewer_profile(other_reviewer)
    case = waiting_case()
    assignment.offer_case(case, reviewer, by=admin_user)
    assignment.accept_case(case, by=reviewer, attestation_text=assignment.attestation_text(case))
    first = determinations.start_or_get_draft(case, by=reviewer)
    determinations.save_draft(first, by=reviewer, revision=0, summary="Reviewer one's own reading of the file.")
    assignment.reassign_case(case, other_reviewer, by=admin_user, reason="Reviewer fell ill.")
    assignment.accept_case(case, by=other_reviewer, attestation_text=assignment.attestation_text(case))
    second = determinations.start_or_get_draft(case, by=other_reviewer)
    url = reverse("letters:preview", args=[case.case_number])

    client.force_login(other_reviewer)
    assert client.get(url, {"version": first.version}).status_code == 404
    own = client.get(url, {"version": second.version})
    assert own.status_code == 200
    assert "Reviewer one's own reading" not in " ".join(pdftotext(own.content).split())
    latest = client.get(url)
    assert "Reviewer one's own reading" not in " ".join(pdftotext(latest.content).split())
    client.force_login(qa_user)  # clinical QA reads every version, the superseded one included
    text = " ".join(pdftotext(client.get(url, {"version": first.version}).content).split())
    assert "Reviewer one's own reading of the file." in text
