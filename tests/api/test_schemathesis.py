"""schemathesis against ``/api/v1/openapi.json``: every operation, with data the schema allows and data it refuses
(a bounded number of examples each), sent through the portal's WSGI application with a real key made for the run.
No answer may be a server error, and every answer must be one the schema documents: its status, content type,
headers and body."""

from __future__ import annotations

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api.models import Scope
from cases.services.intake import note_external_case_number
from tests.api.conftest import application
from tests.factories import determined_case, small_pdf

# Minutes of generated requests: run by `make test-slow` (and so in .ci/run).
pytestmark = [pytest.mark.django_db, pytest.mark.slow]

EXAMPLES = 20  # per operation and mode: bounded, so that CI stays quick
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


@pytest.fixture
def in_test_transaction():
    """Requests through the WSGI application stay in the test's transaction (as Django's test client does): the
    end of a request must not close the test's database connection."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_every_answer_of_the_api_matches_its_schema(world, make_key, in_test_transaction, mode, settings):
    settings.IMR_API_RATE_LIMIT = 100_000
    key = make_key(world.golden, list(Scope.values))
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 5
    headers = {"Authorization": f"Bearer {key}"}
    checked = []

    for operation in operations:

        @given(case=operation.as_strategy(generation_mode=mode))
        @hypothesis_settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        def run(case):
            answer = case.call_and_validate(headers=headers, checks=CHECKS)
            checked.append((case.operation.label, answer.status_code))

        run()

    print(sorted(set(checked)))
    assert {label for label, _ in checked} == {operation.label for operation in operations}
    # The key was accepted: the answers are the endpoints' own, not only refusals at the door.
    assert any(status == 200 for label, status in checked if label == "GET /api/v1/cases")


def test_the_endpoints_real_answers_match_the_schema(world, make_key, in_test_transaction, admin_user):
    """Generated data rarely names a real case: these requests do (a case, a document, a letter, an application),
    so that the schema is held to the endpoints' successful answers too."""
    from letters.services import generate_rendition

    decided = determined_case(claims_administrator=world.golden)
    note_external_case_number(decided.case_number)  # not handed to the application
    letter = generate_rendition(decided, rendition="parties", by=admin_user)
    key = make_key(world.golden, list(Scope.values))
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
    number = world.golden_case.case_number
    requests = {
        ("POST", "/api/v1/applications"): {"body": application(), "headers": {"Idempotency-Key": "schema-run"}},
        ("GET", "/api/v1/cases"): {"query": {"limit": 1}},
        ("GET", "/api/v1/cases/{case_number}"): {"path_parameters": {"case_number": decided.case_number}},
        ("POST", "/api/v1/cases/{case_number}/documents"): {
            "path_parameters": {"case_number": number},
            "body": {"file": small_pdf(marker="schema"), "kind": "medical_records"},
            "media_type": "multipart/form-data",
        },
        ("GET", "/api/v1/cases/{case_number}/letters/{letter_id}"): {
            "path_parameters": {"case_number": decided.case_number, "letter_id": str(letter.pk)},
        },
    }
    statuses = {}
    for (method, path), fields in requests.items():
        operation = schema[path][method]
        headers = {"Authorization": f"Bearer {key}", **fields.pop("headers", {})}
        case = operation.Case(**fields)
        statuses[(method, path)] = case.call_and_validate(headers=headers, checks=CHECKS).status_code

    assert list(statuses.values()) == [201, 200, 200, 201, 200]
