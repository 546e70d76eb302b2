"""The API's permission sweep: every endpoint that names a case, with a key of each organization, asked for every
other organization's cases (and their letters) answers exactly what a case that does not exist answers: the same
status, the same body, the same content type. And each organization reaches its own."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from api.models import Scope
from audit.models import AccessEvent
from cases.models import CaseDocument
from letters.models import LetterDownload
from tests.api.conftest import bearer
from tests.factories import determined_case, small_pdf

pytestmark = pytest.mark.django_db

MISSING = "CM99-9999999"


def _ask(client, endpoint: str, key: str, number: str, letter_id: int):
    if endpoint == "case":
        return client.get(f"/api/v1/cases/{number}", **bearer(key))
    if endpoint == "letter":
        return client.get(f"/api/v1/cases/{number}/letters/{letter_id}", **bearer(key))
    upload = SimpleUploadedFile("sweep.pdf", small_pdf(marker=f"sweep-{number}-{key[-6:]}"), "application/pdf")
    return client.post(f"/api/v1/cases/{number}/documents", {"file": upload, "kind": "medical_records"}, **bearer(key))


def _answer(response) -> tuple:
    return response.status_code, response["Content-Type"], response.content


def test_every_case_endpoint_answers_another_organizations_case_as_a_missing_one(client, world, make_key, admin_user):
    from letters.services import generate_rendition

    organizations = {"golden": world.golden, "pacific": world.pacific, "firm": world.firm}
    own = {"golden": world.golden_case, "pacific": world.pacific_case, "firm": world.firm_case}
    letters = {}
    for name, organization in organizations.items():
        field = "employee_attorney" if name == "firm" else "claims_administrator"
        decided = determined_case(**{field: organization})
        letters[name] = (decided, generate_rendition(decided, rendition="parties", by=admin_user))
    read_scopes = [Scope.CASES_READ, Scope.DOCUMENTS_WRITE, Scope.LETTERS_READ]
    keys = {name: make_key(organization, read_scopes) for name, organization in organizations.items()}
    documents_before = CaseDocument.objects.count()
    problems = []
    compared = 0

    for name, key in keys.items():
        for other in organizations:
            if other == name:
                continue
            for number in (own[other].case_number, letters[other][0].case_number):
                for endpoint in ("case", "documents", "letter"):
                    missing = _answer(_ask(client, endpoint, key, MISSING, letters[other][1].pk))
                    theirs = _answer(_ask(client, endpoint, key, number, letters[other][1].pk))
                    compared += 1
                    if theirs != missing or missing[0] != 404:
                        problems.append(f"{name} {endpoint} {number}: {theirs[:2]} but a missing case {missing[:2]}")
            # Their letter asked through our own case: the same 404.
            ours = own[name].case_number
            theirs = _answer(_ask(client, "letter", key, ours, letters[other][1].pk))
            missing = _answer(_ask(client, "letter", key, ours, 999_999_999))
            compared += 1
            if theirs != missing or missing[0] != 404:
                problems.append(f"{name} letter of {other} via {ours}: {theirs[:2]} but missing {missing[:2]}")
        # The list never shows another organization's case.
        listed = {case["case_number"] for case in client.get("/api/v1/cases", **bearer(key)).json()["results"]}
        assert listed == {own[name].case_number, letters[name][0].case_number}, name

    assert problems == []
    assert compared == 3 * 2 * (2 * 3 + 1)
    assert CaseDocument.objects.count() == documents_before  # nothing was filed on another's case
    assert not LetterDownload.objects.exists()
    assert AccessEvent.objects.filter(outcome=AccessEvent.Outcome.NOT_FOUND, action="api_v1:case").exists()

    # Each organization reaches its own case, its documents endpoint and its letter.
    for name, key in keys.items():
        decided, letter = letters[name]
        assert _ask(client, "case", key, decided.case_number, letter.pk).status_code == 200
        assert _ask(client, "letter", key, decided.case_number, letter.pk).status_code == 200
        assert _ask(client, "documents", key, own[name].case_number, 0).status_code == 201


def test_the_states_feed_key_reaches_no_case(client, world, make_key):
    key = make_key(None, [Scope.APPLICATIONS_WRITE])

    answers = {
        endpoint: _ask(client, endpoint, key, world.golden_case.case_number, 1).status_code
        for endpoint in ("case", "documents", "letter")
    }

    assert answers == {"case": 403, "documents": 403, "letter": 403}
