"""The edition in force in the reviewer's workspace (issue 21, finding 4): the library is asked for the editions in
force on the case's UR decision date, and a cited edition not in force then is a warning in the checklist that does
not stop the submission."""

import datetime
import json

import pytest
from django.urls import reverse

from cases.lifecycle import Status
from cases.models import Determination
from tests.factories import case_in_review

pytestmark = pytest.mark.django_db

NOT_NECESSARY = "No functional improvement is documented. The request is not medically necessary."
CPMTG_2016 = {"chapter": "Chronic Pain Medical Treatment 2016", "sections": ["Physical medicine treatment"]}
CPMTG_2009 = {"chapter": "Chronic Pain Medical Treatment 2009", "sections": ["Physical Medicine"]}
JUNE_2014 = {
    "date_of_injury": datetime.date(1995, 7, 14),
    "ur_determination_date": datetime.date(2014, 6, 18),
    "application_received": datetime.date(2014, 7, 1),
}


def _open(client, reviewer, **dates):
    case = case_in_review(reviewer, items=1, **dates)
    client.force_login(reviewer)
    response = client.get(reverse("cases:workspace", args=[case.case_number]))
    assert response.status_code == 200
    return case, response.content.decode()


def _post(case, determination, citation):
    (item,) = case.items.all()
    prefix = f"item-{item.pk}"
    return {
        "revision": str(determination.revision),
        "summary": "Summary",
        f"{prefix}-decision": "upheld",
        f"{prefix}-mtus": json.dumps([citation]),
        f"{prefix}-refs": "[]",
        f"{prefix}-non_mtus": "",
        f"{prefix}-rationale": NOT_NECESSARY,
    }


def test_the_workspace_asks_the_library_for_the_editions_in_force_on_the_ur_decision_date(client, reviewer):
    _, html = _open(client, reviewer, **JUNE_2014)

    assert 'data-search-url="/guidelines/search/?on=2014-06-18"' in html
    assert 'data-quantity-url="/guidelines/quantity-check/?on=2014-06-18"' in html


def test_without_a_ur_decision_date_the_application_date_is_used(client, reviewer):
    _, html = _open(client, reviewer, **{**JUNE_2014, "ur_determination_date": None})

    assert 'data-search-url="/guidelines/search/?on=2014-07-01"' in html


def test_citing_the_2016_edition_for_a_2014_decision_warns_but_still_submits(client, reviewer):
    case, _ = _open(client, reviewer, **JUNE_2014)
    draft = Determination.objects.get()
    (item,) = case.items.all()
    message = (
        "Item 1 (Physical therapy 2 visits): MTUS Chronic Pain Medical Treatment Guidelines (2016) was not in force on "
        "the UR decision date, 06/18/2014 (in force from 12/01/2016). Keep it only if you cite it on purpose."
    )
    line = (
        f'<li class="text-warning-emphasis checklist-warning" data-item-id="{item.pk}" '
        f'data-chapter="Chronic Pain Medical Treatment 2016"><a href="#div_id_item-{item.pk}-basis">{message}</a></li>'
    )

    autosaved = client.post(
        reverse("cases:autosave", args=[case.case_number]),
        data=json.dumps(
            {"revision": draft.revision, "decisions": {str(item.pk): {"basis": {"mtus": [CPMTG_2016], "non_mtus": []}}}}
        ),
        content_type="application/json",
    ).json()
    html = client.get(reverse("cases:workspace", args=[case.case_number])).content.decode()
    draft.refresh_from_db()
    submit_url = reverse("cases:submit_determination", args=[case.case_number])
    submitted = client.post(submit_url, _post(case, draft, CPMTG_2016))

    warnings = [problem for problem in autosaved["problems"] if problem["warning"]]
    assert [(problem["message"], problem["warning"], problem["chapter"]) for problem in warnings] == [
        (message, True, "Chronic Pain Medical Treatment 2016")
    ]
    assert line in html
    case.refresh_from_db()
    assert (submitted.status_code, case.status) == (302, Status.QA)


def test_citing_the_edition_in_force_then_gives_no_warning(client, reviewer):
    case, _ = _open(client, reviewer, **JUNE_2014)
    draft = Determination.objects.get()
    (item,) = case.items.all()

    autosaved = client.post(
        reverse("cases:autosave", args=[case.case_number]),
        data=json.dumps(
            {"revision": draft.revision, "decisions": {str(item.pk): {"basis": {"mtus": [CPMTG_2009], "non_mtus": []}}}}
        ),
        content_type="application/json",
    ).json()
    html = client.get(reverse("cases:workspace", args=[case.case_number])).content.decode()

    assert autosaved["status"] == "saved"
    assert [problem["message"] for problem in autosaved["problems"] if problem["warning"]] == []
    assert 'id="checklist"' in html
    assert "checklist-warning" not in html
