"""The API through its real HTTP entry point (Django's test client, every middleware): applications once per
Idempotency-Key, keys (hashed, scoped, expiring, revocable), problem details with JSON paths, document receipts,
letter downloads as deliveries, the rate limit."""

from __future__ import annotations

import hashlib
import io
import json
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from api.keys import digest
from api.models import ApiKey, IdempotentApplication
from audit.models import AccessEvent
from cases.models import Case, CaseDocument
from letters.models import LetterDownload
from tests.api.conftest import application, bearer
from tests.factories import small_pdf

pytestmark = pytest.mark.django_db

APPLICATIONS = "/api/v1/applications"


def send(client, key: str, body, idempotency_key: str = "app-1"):
    return client.post(
        APPLICATIONS,
        data=json.dumps(body),
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY=idempotency_key,
        **bearer(key),
    )


def test_an_application_sent_twice_with_one_idempotency_key_makes_one_case(client, world, make_key):
    key = make_key(world.golden, ["applications:write", "cases:read"])
    before = Case.objects.count()

    first = send(client, key, application())
    second = send(client, key, application())

    assert (first.status_code, second.status_code) == (201, 200), first.content
    assert first.json()["case_number"] == second.json()["case_number"]
    assert (first.json()["created"], second.json()["created"]) == (True, False)
    assert Case.objects.count() == before + 1
    case = Case.objects.get(case_number=first.json()["case_number"])
    assert case.claims_administrator == world.golden
    # The organization reads the case it sent.
    assert client.get(f"/api/v1/cases/{case.case_number}", **bearer(key)).status_code == 200


def test_the_same_idempotency_key_with_another_body_is_refused_and_saves_nothing(client, world, make_key):
    key = make_key(world.golden, ["applications:write"])
    send(client, key, application())
    count = Case.objects.count()

    again = send(client, key, application(claim_number="OTHER-1"))

    assert again.status_code == 422
    assert again["Content-Type"] == "application/problem+json"
    assert again.json()["problems"] == [
        {"path": "header Idempotency-Key", "message": "was used before with another body"}
    ]
    assert Case.objects.count() == count


def test_two_keys_of_one_organization_share_its_idempotency_keys_another_organization_does_not(client, world, make_key):
    first_key, second_key = (
        make_key(world.golden, ["applications:write"]),
        make_key(world.golden, ["applications:write"]),
    )
    state_key = make_key(None, ["applications:write"])

    one = send(client, first_key, application())
    two = send(client, second_key, application())
    state = send(client, state_key, application())

    assert one.json()["case_number"] == two.json()["case_number"]
    assert state.status_code == 201 and state.json()["case_number"] != one.json()["case_number"]


def test_the_states_feed_sends_for_the_claims_administrator_it_names_and_reads_nothing(client, world, make_key):
    key = make_key(None, ["applications:write"])

    sent = send(client, key, application(claims_administrator={"name": "Pacific Claims Services", "adjuster": None}))

    case = Case.objects.get(case_number=sent.json()["case_number"])
    assert case.claims_administrator == world.pacific
    assert client.get("/api/v1/cases", **bearer(key)).status_code == 403  # no cases:read on a feed key


def test_a_claims_administrator_cannot_send_another_ones_application_and_fills_in_itself(client, world, make_key):
    key = make_key(world.golden, ["applications:write"])

    other = send(
        client, key, application(claims_administrator={"name": "Pacific Claims Services", "adjuster": None}), "a"
    )
    none = send(client, key, application(claims_administrator=None), "b")

    assert other.status_code == 422
    assert other.json()["problems"][0]["path"] == "$.claims_administrator.name"
    assert Case.objects.get(case_number=none.json()["case_number"]).claims_administrator == world.golden


def test_a_bad_application_answers_problem_details_with_the_json_paths_of_imr_case_1(client, world, make_key):
    key = make_key(world.golden, ["applications:write"])
    body = application(priority="urgent")
    body["items"][0]["ur_outcome"] = "approved"
    body["dates"]["injury"] = "2026-02-30"
    count = Case.objects.count()

    answer = send(client, key, body)

    assert answer.status_code == 422
    assert answer["Content-Type"] == "application/problem+json"
    problem = answer.json()
    assert {key: problem[key] for key in ("type", "title", "status")} == {
        "type": "https://imr-portal.example/problems/invalid-application",
        "title": "Unprocessable content",
        "status": 422,
    }
    assert problem["problems"] == [
        {"path": "$.dates.injury", "message": 'must be a date written YYYY-MM-DD ("2026-02-30" is not a date)'},
        {"path": "$.items[0].ur_outcome", "message": 'must be "denied" or "modified"'},
        {"path": "$.priority", "message": 'must be "standard" or "expedited"'},
    ]
    assert Case.objects.count() == count


def test_an_application_that_is_not_json_or_lacks_an_idempotency_key_is_a_problem(client, world, make_key):
    key = make_key(world.golden, ["applications:write"])

    not_json = client.post(
        APPLICATIONS, data="{", content_type="application/json", HTTP_IDEMPOTENCY_KEY="x", **bearer(key)
    )
    no_key = client.post(APPLICATIONS, data=json.dumps(application()), content_type="application/json", **bearer(key))

    assert (not_json.status_code, no_key.status_code) == (400, 400)
    assert not_json.json()["problems"][0]["path"] == "$"
    assert no_key.json()["problems"][0]["path"] == "header Idempotency-Key"


def test_a_key_is_stored_hashed_and_expired_or_revoked_keys_answer_401(client, world, make_key):
    key = make_key(world.golden, ["cases:read"])
    stored = ApiKey.objects.get()
    assert key not in json.dumps(list(ApiKey.objects.values()), default=str)
    assert stored.key_hash == digest(key)
    assert client.get("/api/v1/cases", **bearer(key)).status_code == 200
    stored.refresh_from_db()
    assert stored.last_used_at is not None

    ApiKey.objects.filter(pk=stored.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    expired = client.get("/api/v1/cases", **bearer(key))
    ApiKey.objects.filter(pk=stored.pk).update(expires_at=None, revoked_at=timezone.now())
    revoked = client.get("/api/v1/cases", **bearer(key))
    unknown = client.get("/api/v1/cases", **bearer(key[:-2] + "xx"))
    missing = client.get("/api/v1/cases")

    assert [r.status_code for r in (expired, revoked, unknown, missing)] == [401, 401, 401, 401]
    assert expired.json()["detail"].startswith("This key is expired")
    assert revoked.json()["detail"].startswith("This key is revoked")
    assert missing["WWW-Authenticate"].startswith("Bearer")
    assert missing["Content-Type"] == "application/problem+json"


@pytest.mark.parametrize(
    ("method", "path", "scope"),
    [
        ("get", "/api/v1/cases", "cases:read"),
        ("get", "/api/v1/cases/{number}", "cases:read"),
        ("post", "/api/v1/cases/{number}/documents", "documents:write"),
        ("get", "/api/v1/cases/{number}/letters/1", "letters:read"),
        ("post", "/api/v1/applications", "applications:write"),
    ],
)
def test_a_key_without_the_endpoints_scope_answers_403(client, world, make_key, method, path, scope):
    others = [s for s in ("cases:read", "documents:write", "letters:read") if s != scope]
    key = make_key(world.golden, others)

    answer = getattr(client, method)(path.format(number=world.golden_case.case_number), **bearer(key))

    assert answer.status_code == 403
    assert answer.json()["detail"] == f"This key does not hold the scope {scope}."


def test_cases_lists_only_the_organizations_cases_filtered_and_paged_by_cursor(client, world, make_key):
    from tests.factories import CaseFactory

    more = [CaseFactory(claims_administrator=world.golden) for _ in range(4)]
    Case.objects.filter(pk=more[0].pk).update(status="eligible")
    key = make_key(world.golden, ["cases:read"])

    seen, url, pages = [], "/api/v1/cases?limit=2", 0
    while url:
        page = client.get(url, **bearer(key)).json()
        seen += [case["case_number"] for case in page["results"]]
        url = f"/api/v1/cases?limit=2&cursor={page['next']}" if page["next"] else None
        pages += 1
    eligible = client.get("/api/v1/cases?status=eligible", **bearer(key)).json()
    future = client.get("/api/v1/cases?updated_since=2999-01-01T00:00:00Z", **bearer(key)).json()
    bad_cursor = client.get("/api/v1/cases?cursor=nonsense", **bearer(key))

    assert sorted(seen) == sorted([world.golden_case.case_number, *(case.case_number for case in more)])
    assert pages == 3
    assert [case["case_number"] for case in eligible["results"]] == [more[0].case_number]
    assert future == {"results": [], "next": None}
    assert bad_cursor.status_code == 400 and bad_cursor.json()["problems"][0]["path"] == "query.cursor"
    # Each listed case's read is in the access log, with the key.
    rows = AccessEvent.objects.filter(action="api_v1:cases", case_number=world.golden_case.case_number)
    assert rows.exists() and rows.first().detail["organization"] == "Golden State Claims"


def test_a_document_upload_answers_its_receipt_whose_sha256_is_the_files(client, world, make_key):
    key = make_key(world.golden, ["documents:write", "cases:read"])
    pdf = small_pdf(pages=2, marker="api-upload")
    number = world.golden_case.case_number

    answer = client.post(
        f"/api/v1/cases/{number}/documents",
        {"file": SimpleUploadedFile("records.pdf", pdf, "application/pdf"), "kind": "medical_records"},
        **bearer(key),
    )

    assert answer.status_code == 201
    receipt = answer.json()
    assert receipt["sha256"] == hashlib.sha256(pdf).hexdigest()
    assert (receipt["kind"], receipt["page_count"], receipt["sent_by"]) == ("medical_records", 2, "Golden State Claims")
    document = CaseDocument.objects.get(pk=receipt["id"])
    assert document.sent_by == world.golden
    detail = client.get(f"/api/v1/cases/{number}", **bearer(key)).json()
    assert [d["sha256"] for d in detail["documents"]] == [receipt["sha256"]]
    assert AccessEvent.objects.filter(action="api_v1:case_documents", object_id=str(document.pk)).exists()


def test_a_document_is_checked_as_the_portal_checks_uploads(client, world, make_key):
    key = make_key(world.golden, ["documents:write"])
    url = f"/api/v1/cases/{world.golden_case.case_number}/documents"
    pdf = small_pdf(marker="twice")

    not_pdf = client.post(
        url, {"file": SimpleUploadedFile("a.pdf", b"hello"), "kind": "medical_records"}, **bearer(key)
    )
    bad_kind = client.post(url, {"file": SimpleUploadedFile("b.pdf", pdf), "kind": "poems"}, **bearer(key))
    client.post(url, {"file": SimpleUploadedFile("c.pdf", pdf), "kind": "medical_records"}, **bearer(key))
    twice = client.post(url, {"file": SimpleUploadedFile("c.pdf", pdf), "kind": "medical_records"}, **bearer(key))

    assert not_pdf.status_code == 422
    assert not_pdf.json()["problems"] == [
        {"path": "file", "message": "a.pdf is not a PDF file (its content is not PDF, whatever its name)."}
    ]
    assert bad_kind.status_code == 422 and bad_kind.json()["problems"][0]["path"] == "form.kind"
    assert twice.status_code == 409
    assert CaseDocument.objects.filter(case=world.golden_case).count() == 1


def test_a_letter_download_is_recorded_as_a_delivery(client, world, make_key, admin_user):
    from letters.services import generate_rendition
    from tests.factories import determined_case

    case = determined_case(claims_administrator=world.golden)
    letter = generate_rendition(case, rendition="parties", by=admin_user)
    key = make_key(world.golden, ["letters:read", "cases:read"])

    listed = client.get(f"/api/v1/cases/{case.case_number}", **bearer(key)).json()["letters"]
    answer = client.get(listed[0]["url"], **bearer(key))

    assert answer.status_code == 200
    assert answer["Content-Type"] == "application/pdf"
    body = b"".join(answer.streaming_content)
    assert hashlib.sha256(body).hexdigest() == letter.sha256 == listed[0]["sha256"]
    assert LetterDownload.objects.filter(letter=letter).count() == 1
    assert AccessEvent.objects.filter(action="api_v1:case_letter", object_id=str(letter.pk)).exists()


def test_past_the_rate_limit_a_key_gets_429_with_retry_after(client, world, make_key, settings):
    settings.IMR_API_RATE_LIMIT = 3
    key, other = make_key(world.golden, ["cases:read"]), make_key(world.pacific, ["cases:read"])

    statuses = [client.get("/api/v1/cases", **bearer(key)).status_code for _ in range(4)]
    limited = client.get("/api/v1/cases", **bearer(key))

    assert statuses == [200, 200, 200, 429]
    assert limited["Content-Type"] == "application/problem+json"
    assert 1 <= int(limited["Retry-After"]) <= 60
    assert client.get("/api/v1/cases", **bearer(other)).status_code == 200  # per key


def test_create_api_key_prints_a_key_that_works_and_is_stored_hashed(client, world):
    out, err = io.StringIO(), io.StringIO()

    call_command(
        "create_api_key",
        "--organization",
        "golden state claims",
        "--scopes",
        "cases:read,letters:read",
        stdout=out,
        stderr=err,
    )

    key = out.getvalue().strip()
    stored = ApiKey.objects.get()
    assert (stored.organization, stored.scopes) == (world.golden, ["cases:read", "letters:read"])
    assert stored.key_hash == digest(key) and key not in json.dumps(list(ApiKey.objects.values()), default=str)
    assert "shown this once" in err.getvalue()
    answer = client.get("/api/v1/cases", **bearer(key))
    assert answer.status_code == 200
    assert [case["case_number"] for case in answer.json()["results"]] == [world.golden_case.case_number]


def test_create_api_key_refuses_what_cannot_be(world):
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="No organization named 'Nobody'"):
        call_command("create_api_key", "--organization", "Nobody", "--scopes", "cases:read")
    with pytest.raises(CommandError, match="applications:write is for claims administrators"):
        call_command("create_api_key", "--organization", "Roe & Partners", "--scopes", "applications:write")
    with pytest.raises(CommandError, match="'cases:write' is not a scope"):
        call_command("create_api_key", "--organization", "Golden State Claims", "--scopes", "cases:write")
    assert not ApiKey.objects.exists() and not IdempotentApplication.objects.exists()


def test_refusals_before_the_api_runs_are_problems_too(client, world, make_key):
    key = make_key(world.golden, ["documents:write"])

    nul = client.post(f"/api/v1/cases/{world.golden_case.case_number}/documents", {"ki\x00nd": "x"}, **bearer(key))
    method = client.get(APPLICATIONS, **bearer(key))
    unknown = client.get("/api/v1/no/such/thing", **bearer(key))

    assert [(r.status_code, r["Content-Type"]) for r in (nul, method, unknown)] == [
        (400, "application/problem+json"),
        (405, "application/problem+json"),
        (404, "application/problem+json"),
    ]
    assert "NUL character" in nul.json()["detail"]
    assert method["Allow"] == "POST"
