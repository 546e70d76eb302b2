"""The API (``/api/v1/``): an organization's systems send applications and documents, read their cases and fetch
their letters. django-ninja builds the OpenAPI schema (``/api/v1/openapi.json``) from these signatures and the models
of ``api.schemas``, and checks every answer against them; errors are problem details (``api.problems``).

Which cases a key reaches is ``parties.visibility``, the one rule of the party pages too: a case of another
organization answers exactly as a missing one. Every read and change is in the access log, with the key.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from datetime import UTC, datetime
from typing import Annotated, Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.urls import reverse
from django.utils import timezone
from ninja import Field, File, Form, NinjaAPI, Path, Query, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.files import UploadedFile
from ninja.responses import Status as Reply

from accounts.security import client_ip
from api import applications
from api.auth import ApiKeyAuth, unauthenticated
from api.models import ApiKey, Scope
from api.problems import CONTENT_TYPE, TITLES, ApiProblem, Issue, Problem, not_found, response
from api.schemas import (
    ApplicationReceived,
    CaseDetail,
    CaseList,
    CaseSummary,
    ChecklistLine,
    Clock,
    DocumentReceipt,
    LetterInfo,
    application_schema,
)
from audit import log
from cases.lifecycle import Status
from cases.models import Case, CaseDocument
from cases.services.records import checklist
from letters.models import Letter, Rendition
from letters.services.delivery import record_download
from parties import uploads
from parties.uploads import UploadKind
from parties.visibility import get_organization_case_or_404, organization_cases, organization_documents


class ProblemAPI(NinjaAPI):
    """NinjaAPI whose schema also carries the problem details' model (named by the problem responses)."""

    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: dict | None = None) -> Any:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        problem = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components.update(problem.pop("$defs", {}))
        components["Problem"] = problem
        return schema


api = ProblemAPI(
    title="IMR Portal API",
    version="1",
    description=(
        "For claims administrators', law firms' and physicians' systems and the state's feed: send IMR applications "
        "(one case of imr-case/1) and documents, read your organization's cases, fetch signed letters. "
        "Authenticate with `Authorization: Bearer <key>` (a key made on your organization's page). "
        "Errors are RFC 9457 problem details."
    ),
    urls_namespace="api_v1",
    docs_url=None,  # the interactive docs are a staff page (api.views.docs)
    openapi_url="/openapi.json",
)


def problems(*statuses: int, ok: dict[str, Any] | None = None) -> dict[str, Any]:
    """The problem answers an endpoint may give, for the schema: ``application/problem+json``, ``Problem`` (and
    ``ok``, its 200 answer when no model describes it)."""
    schema = {"$ref": "#/components/schemas/Problem"}
    described = {
        status: {"description": TITLES[status], "content": {CONTENT_TYPE: {"schema": schema}}}
        for status in (*statuses, 400, 401, 403, 422, 429)
    }
    described[429]["headers"] = {"Retry-After": {"schema": {"type": "integer"}, "description": "seconds to wait"}}
    if ok is not None:
        described[200] = ok
    return {"responses": described}


# -- errors -----------------------------------------------------------------------------------------------------


@api.exception_handler(ApiProblem)
def _problem(request: HttpRequest, exc: ApiProblem) -> HttpResponse:
    return response(exc)


@api.exception_handler(NinjaValidationError)
def _invalid(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    issues = []
    for error in exc.errors:
        where, *inner = [str(part) for part in error.get("loc", ())] or ["request"]
        issues.append(Issue(path=".".join([where, *inner]) if inner else where, message=error.get("msg", "")))
    return response(ApiProblem(422, "invalid-request", "The request's parameters were refused.", issues))


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return response(unauthenticated("Send your organization's key as Authorization: Bearer <key>."))


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return response(ApiProblem(exc.status_code, "error", str(exc)))


@api.exception_handler(Http404)
def _missing(request: HttpRequest, exc: Http404) -> HttpResponse:
    return response(not_found())


@api.exception_handler(MultiPartParserError)
def _bad_multipart(request: HttpRequest, exc: MultiPartParserError) -> HttpResponse:
    return response(ApiProblem(400, "bad-multipart", f"The multipart body could not be read: {exc}"))


def unknown_url(request: HttpRequest) -> HttpResponse:
    """Any other URL under /api/v1/: the API's 404 (a problem), not the portal's page."""
    return response(ApiProblem(404, "no-such-endpoint", "No endpoint of the API has this URL."))


# -- helpers ----------------------------------------------------------------------------------------------------


def _key(request: HttpRequest) -> ApiKey:
    return request.auth  # type: ignore[attr-defined]


def _record(request: HttpRequest, **fields: Any) -> None:
    api_key = _key(request)
    log.record(request, api_key=api_key.prefix, organization=str(api_key.organization or "state feed"), **fields)


def _case(request: HttpRequest, case_number: str) -> Case:
    """The key's organization's case, or the 404 a missing case gets (recorded as not found)."""
    try:
        return get_organization_case_or_404(_key(request).organization, case_number)
    except Http404:
        _record(request, object_type="case", case_number=case_number[:64], outcome=log.Outcome.NOT_FOUND)
        raise


def _summary(case: Case) -> dict[str, Any]:
    return {
        "case_number": case.case_number,
        "status": case.status,
        "status_label": case.get_status_display(),
        "priority": case.priority,
        "track": case.track,
        "application_received": case.application_received,
        "due_date": case.due_date,
        "records_due_date": case.records_due_date,
        "updated_at": case.updated_at,
    }


def _receipt(document: CaseDocument, case: Case) -> DocumentReceipt:
    return DocumentReceipt(
        id=document.pk,
        case_number=case.case_number,
        kind=document.kind,
        title=document.title,
        original_name=document.original_name,
        size=document.size,
        page_count=document.page_count,
        sha256=document.sha256,
        received_at=document.uploaded_at,
        sent_by=str(document.sent_by or ""),
    )


def _letters(case: Case):
    return Letter.objects.filter(case=case, rendition=Rendition.PARTIES).signed().order_by("version", "pk")


# -- applications -----------------------------------------------------------------------------------------------


@api.post(
    "/applications",
    auth=ApiKeyAuth(Scope.APPLICATIONS_WRITE),
    response={201: ApplicationReceived, 200: ApplicationReceived},
    url_name="applications",
    summary="Send an IMR application",
    openapi_extra={
        "requestBody": {"required": True, "content": {"application/json": {"schema": application_schema()}}},
        "parameters": [
            {
                "name": "Idempotency-Key",
                "in": "header",
                "required": True,
                "schema": {"type": "string", "minLength": 1, "maxLength": 255},
                "description": "A value you choose for this application: sent again, it answers the same case.",
            }
        ],
        **problems(400, 422),
    },
)
def send_application(request: HttpRequest):
    """One case of ``imr-case/1`` (without a case number, the portal gives the next). 201 with the new case's number;
    200 with the same case when this Idempotency-Key came before with the same body."""
    try:
        data = json.loads(request.body)
    except (ValueError, UnicodeDecodeError) as error:
        raise ApiProblem(
            400, "not-json", "The body is not JSON.", [Issue(path="$", message=f"is not JSON ({error})")]
        ) from None
    received = applications.receive_application(
        _key(request), body=request.body, data=data, idempotency_key=request.headers.get("Idempotency-Key", "")
    )
    case = received.case
    _record(request, object_type="case", object_id=case.pk, case_number=case.case_number, created=received.created)
    answer = ApplicationReceived(case_number=case.case_number, status=case.status, created=received.created)
    return Reply(201 if received.created else 200, answer)


# -- cases ------------------------------------------------------------------------------------------------------


class CaseFilters(Schema):
    status: Status | None = None
    updated_since: datetime | None = None
    cursor: str | None = None
    limit: int = Field(50, ge=1, le=100)


def _decode_cursor(cursor: str) -> tuple[datetime, int]:
    try:
        at, pk = json.loads(base64.urlsafe_b64decode(cursor.encode() + b"=" * (-len(cursor) % 4)))
        return datetime.fromisoformat(at), int(pk)
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
        raise ApiProblem(
            400,
            "bad-cursor",
            "The cursor is not one this API gave.",
            [Issue(path="query.cursor", message="is not a cursor of this list")],
        ) from None


def _utc(moment: datetime, path: str) -> datetime:
    """In UTC (a time without an offset is the portal's time zone); PostgreSQL takes no offset beyond 15:59."""
    try:
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment, timezone.get_current_timezone())
        return moment.astimezone(UTC)
    except (OverflowError, ValueError):
        raise ApiProblem(
            422,
            "invalid-request",
            "The request's parameters were refused.",
            [Issue(path=path, message="is out of range")],
        ) from None


def _encode_cursor(case: Case) -> str:
    text = json.dumps([case.updated_at.isoformat(), case.pk])
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


@api.get(
    "/cases",
    auth=ApiKeyAuth(Scope.CASES_READ),
    response=CaseList,
    url_name="cases",
    summary="List your organization's cases",
    openapi_extra=problems(400, 422),
)
def list_cases(request: HttpRequest, filters: Query[CaseFilters]):
    """The cases that name your organization, oldest change first (``updated_at``, then an id): follow ``next`` until
    it is null; keep the last ``updated_at`` to ask only for what changed since (``updated_since``)."""
    cases = organization_cases(_key(request).organization).order_by("updated_at", "pk")
    if filters.status:
        cases = cases.filter(status=filters.status)
    if filters.updated_since:
        cases = cases.filter(updated_at__gte=_utc(filters.updated_since, "query.updated_since"))
    if filters.cursor:
        at, pk = _decode_cursor(filters.cursor)
        at = _utc(at, "query.cursor")
        cases = cases.filter(Q(updated_at__gt=at) | Q(updated_at=at, pk__gt=pk))
    page = list(cases.prefetch_related("records_checklist")[: filters.limit + 1])
    more = len(page) > filters.limit
    page = page[: filters.limit]
    log.record_list(
        request,
        "case",
        ((case.pk, case.case_number) for case in page),
        api_key=_key(request).prefix,
        organization=str(_key(request).organization or "state feed"),
    )
    return CaseList(
        results=[CaseSummary(**_summary(case)) for case in page],
        next=_encode_cursor(page[-1]) if more else None,
    )


@api.get(
    "/cases/{case_number}",
    auth=ApiKeyAuth(Scope.CASES_READ),
    response=CaseDetail,
    url_name="case",
    summary="One case: status, clock, records checklist, your documents, its letters",
    openapi_extra=problems(404),
)
def case_detail(request: HttpRequest, case_number: str):
    case = _case(request, case_number)
    organization = _key(request).organization
    assert organization is not None  # a case was found through it
    state = case.clock
    lines = checklist(case)
    detail = CaseDetail(
        **_summary(case),
        clock=Clock(
            state=state.key,
            label=state.label,
            days_left=state.days_left,
            starts_on=case.clock_starts_on,
            due_on=case.due_date,
            records_due_on=case.records_due_date,
        ),
        records_checklist=[
            ChecklistLine(kind=line.kind, label=line.get_kind_display(), received_on=line.received_on) for line in lines
        ],
        records_outstanding=[line.kind for line in lines if line.received_on is None],
        documents=[_receipt(document, case) for document in organization_documents(organization, case)],
        letters=[
            LetterInfo(
                id=letter.pk,
                version=letter.version,
                signed_at=letter.signed_at,
                current=letter.is_current,
                sha256=letter.sha256,
                url=reverse("api_v1:case_letter", args=[case.case_number, letter.pk]),
            )
            for letter in _letters(case)
        ],
    )
    _record(request, object_type="case", object_id=case.pk, case_number=case.case_number)
    return detail


# A letter's id in its URL: digits, matched by the URL as any text so that a wrong one is a problem, not a page.
LetterId = Annotated[str, Field(pattern=r"^[0-9]{1,18}$", description="The letter's id (digits)")]


# -- documents and letters --------------------------------------------------------------------------------------


@api.post(
    "/cases/{case_number}/documents",
    auth=ApiKeyAuth(Scope.DOCUMENTS_WRITE),
    response={201: DocumentReceipt},
    url_name="case_documents",
    summary="Send a document (a PDF) to a case",
    openapi_extra=problems(400, 404, 409, 422),
)
def send_document(request: HttpRequest, case_number: str, file: File[UploadedFile], kind: Form[UploadKind]):
    """The PDF is checked as the portal checks every upload (by content: a PDF, readable, not encrypted, within the
    size and page limits), and filed as the party portal files it (``parties.uploads``: one way to send a document;
    a line of the records checklist sent by the case's claims administrator is ticked as received); the answer is its
    receipt, with the SHA-256 of the bytes received."""
    case = _case(request, case_number)
    organization = _key(request).organization
    assert organization is not None  # the state's feed holds applications:write alone, so never reaches here
    name = (file.name or "document.pdf")[:255]
    data = file.read()
    try:
        if CaseDocument.objects.filter(case=case, sha256=hashlib.sha256(data).hexdigest()).exists():
            raise DjangoValidationError(f"{name} is already on case {case.case_number}.", code="duplicate")
        (document,) = uploads.send_documents(case, organization, [uploads.Upload(name, data, kind)], by=None)
    except DjangoValidationError as error:
        status = 409 if getattr(error, "code", None) == "duplicate" else 422
        raise ApiProblem(
            status,
            "document-refused",
            "The document was not added.",
            [Issue(path="file", message=message) for message in error.messages],
        ) from None
    _record(
        request, object_type="document", object_id=document.pk, case_number=case.case_number, sha256=document.sha256
    )
    return Reply(201, _receipt(document, case))


@api.get(
    "/cases/{case_number}/letters/{letter_id}",
    auth=ApiKeyAuth(Scope.LETTERS_READ),
    url_name="case_letter",
    summary="A signed letter (PDF)",
    openapi_extra=problems(
        404,
        503,
        ok={
            "description": "The signed PDF",
            "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
        },
    ),
)
def case_letter(request: HttpRequest, case_number: str, letter_id: Path[LetterId]):
    """The signed parties' letter; each download is recorded as a delivery (``letters.services.delivery``)."""
    case = _case(request, case_number)
    letter = _letters(case).filter(pk=int(letter_id)).first()
    if letter is None:
        _record(
            request,
            object_type="letter",
            object_id=letter_id,
            case_number=case.case_number,
            outcome=log.Outcome.NOT_FOUND,
        )
        raise not_found()
    try:
        handle = letter.file.open("rb")
    except OSError:
        raise ApiProblem(
            503, "letter-unavailable", "The letter's file cannot be read just now; try again later."
        ) from None
    _record(request, object_type="letter", object_id=letter.pk, case_number=case.case_number)
    record_download(letter, by=None, ip=client_ip(request))
    answer = FileResponse(handle, as_attachment=True, filename=letter.download_name, content_type="application/pdf")
    answer["Cache-Control"] = "private, no-store"
    return answer
