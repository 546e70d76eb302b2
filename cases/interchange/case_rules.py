"""The rules of `imr-case/1` that its JSON Schema cannot state, checked on each case the schema found sound:
ICD-10-CM codes, a provider's organization without the provider, modified items, decided cases and their
determinations, texts a letter could not show as typed, and the case's dates (``cases.date_rules``, the same rules as
the intake form's; an import cannot confirm a case more than a year overdue: it is refused). Each error starts with
its JSON path.

Changes when the portal's rules for a case change (a new item field with a rule goes in ``_item_errors``).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError

from cases import date_rules
from cases.interchange.spec import DATE_FIELDS
from cases.lifecycle import DECIDED_STATES, Status
from cases.models import DisputedItem, validate_icd10
from core.text import refused_character


def case_errors(index: int, case: dict[str, Any]) -> list[str]:
    """The rules of imr-case/1 that the schema cannot state, for one schema-valid case."""
    at = f"cases[{index}]"
    status = case.get("status") or Status.RECEIVED
    errors = [*_party_errors(case, at), *_decided_errors(case, at, status), *_date_errors(case, at, status)]
    for number, item in enumerate(case["items"]):
        errors.extend(_item_errors(item, f"{at}.items[{number}]", status))
    errors.extend(_text_errors(case, at))
    return errors


def _party_errors(case: dict[str, Any], at: str) -> Iterator[str]:
    diagnosis = case["diagnosis"] or {}
    if diagnosis.get("icd10"):
        try:
            validate_icd10(diagnosis["icd10"])
        except ValidationError as error:
            yield f"{at}.diagnosis.icd10: {error.messages[0]}"
    provider = case["requesting_provider"] or {}
    if provider.get("organization") and not provider.get("name"):
        yield f"{at}.requesting_provider.name: is required when the provider's organization is given"


# Where each Case date field is in an imr-case/1 case.
_DATE_PATHS = {field: f"dates.{key}" for key, field in DATE_FIELDS.items()} | {
    "employee_date_of_birth": "employee.date_of_birth"
}


def _date_errors(case: dict[str, Any], at: str, status: str) -> Iterator[str]:
    written = {field: case["dates"].get(key) for key, field in DATE_FIELDS.items()}
    written["employee_date_of_birth"] = case["employee"]["date_of_birth"]
    dates = {}
    for field, value in written.items():
        try:
            dates[field] = date.fromisoformat(value) if value else None
        except ValueError:
            continue  # the schema's date check words it
    for problem in date_rules.problems(dates, status=status, priority=case["priority"], write=date.isoformat):
        yield f"{at}.{_DATE_PATHS[problem.field]}: {problem.message}"


def _decided_errors(case: dict[str, Any], at: str, status: str) -> Iterator[str]:
    decided = status in DECIDED_STATES
    if decided and not case["dates"]["decision"]:
        yield f'{at}.dates.decision: is required for a decided case (status "{status}")'
    if not decided and case["clinical_case_summary"] is not None:
        yield f'{at}.clinical_case_summary: must be null: only a decided case has one (status "{status}")'


def _item_errors(item: dict[str, Any], at: str, status: str) -> Iterator[str]:
    if item["ur_outcome"] == DisputedItem.UrOutcome.MODIFIED:
        if not item["original_request"]:
            yield f"{at}.original_request: is required for a modified item (what was asked)"
        if not item["authorized"]:
            yield f"{at}.authorized: is required for a modified item (what the claims administrator approved)"
    decided = status in DECIDED_STATES
    if decided and "determination" not in item:
        yield f'{at}.determination: is required for a decided case (status "{status}")'
    if not decided and "determination" in item:
        yield (f'{at}.determination: must be left out: only a decided case carries determinations (status "{status}")')


def _text_errors(value: Any, at: str) -> Iterator[str]:
    """Texts that a letter could not show as stored (control and bidi-override characters), with their paths."""
    if isinstance(value, str):
        found = refused_character(value)
        if found:
            yield f"{at}: character {found[0]} is {found[1]}, which a letter cannot show as typed"
    elif isinstance(value, dict):
        for key, inner in value.items():
            yield from _text_errors(inner, f"{at}.{key}")
    elif isinstance(value, list):
        for number, inner in enumerate(value):
            yield from _text_errors(inner, f"{at}[{number}]")
