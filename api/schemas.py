"""What the API answers, as pydantic models: django-ninja writes the OpenAPI schema from them and checks every answer
against them. The application's body is the ``imr-case/1`` case schema itself (``application_schema``)."""

from __future__ import annotations

from datetime import date, datetime
from functools import cache
from typing import Any

from ninja import Schema

from cases.interchange import schema as interchange_schema
from cases.interchange.validation import inline_references


class ApplicationReceived(Schema):
    case_number: str
    status: str
    created: bool  # False when the same application was sent before with this Idempotency-Key


class CaseSummary(Schema):
    case_number: str
    status: str
    status_label: str
    priority: str
    track: str
    application_received: date | None
    due_date: date | None
    records_due_date: date | None
    updated_at: datetime


class CaseList(Schema):
    results: list[CaseSummary]
    next: str | None


class Clock(Schema):
    state: str
    label: str
    days_left: int | None
    starts_on: date | None
    due_on: date | None
    records_due_on: date | None


class ChecklistLine(Schema):
    kind: str
    label: str
    received_on: date | None


class DocumentReceipt(Schema):
    id: int
    case_number: str
    kind: str
    title: str
    original_name: str
    size: int
    page_count: int
    sha256: str
    received_at: datetime
    sent_by: str


class LetterInfo(Schema):
    id: int
    version: int
    signed_at: datetime | None
    current: bool
    sha256: str
    url: str


class CaseDetail(CaseSummary):
    clock: Clock
    records_checklist: list[ChecklistLine]
    records_outstanding: list[str]
    documents: list[DocumentReceipt]
    letters: list[LetterInfo]


@cache
def application_schema() -> dict[str, Any]:
    """One case of ``imr-case/1`` (its ``$defs.case``) with every reference written out in place, for the OpenAPI
    request body: an application is exactly that case."""
    definitions = interchange_schema()["$defs"]
    return inline_references(definitions["case"], definitions)
