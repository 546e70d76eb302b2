"""Import an `imr-case/1` document: check all of it, then save all of it in one transaction, or nothing.

Checks run in two rounds. The JSON Schema (schema.json) first, its errors reworded as
``cases[3].items[0].determination.decision: must be "upheld" or "overturned"``; then the rules a schema cannot
say (case numbers unique in the file and new to the portal, ICD-10-CM codes, modified items, decided cases), on
every case the schema found sound. Any error and nothing is saved.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.db.models import ProtectedError

from cases.lifecycle import DECIDED_STATES, Status
from cases.models import Case, Determination, DisputedItem, ItemDecision, validate_icd10
from cases.services import intake as services
from core import jsonsafe
from core.models import Party
from core.services import audit, get_or_create_party

FORMAT = "imr-case/1"
SCHEMA_PATH = Path(__file__).with_name("schema.json")

# imr-case/1 date keys and the Case fields that hold them.
DATE_FIELDS = {
    "injury": "date_of_injury",
    "ur_determination": "ur_determination_date",
    "application_received": "application_received",
    "assigned": "assigned_date",
    "records_received": "records_received",
    "decision": "decision_date",
}

_TYPE_WORDS = {
    "string": "a string",
    "integer": "a whole number",
    "number": "a number",
    "object": "an object",
    "array": "a list",
    "boolean": "true or false",
    "null": "null",
}
_PATTERN_WORDS = {
    "^CM[0-9]{2}-[0-9]{7}$": (
        "must be a case number: CM, two digits of the year, a dash and seven digits (CM16-0230548)"
    ),
    "^[0-9]{4}-[0-9]{2}-[0-9]{2}$": "must be a date written YYYY-MM-DD",
}


class InterchangeError(Exception):
    """A document refused: ``errors`` lists every problem, each starting with its JSON path."""

    def __init__(self, errors: list[str]):
        self.errors = list(errors)
        super().__init__("\n".join(self.errors))


# The name the rest of the portal uses for a refused import.
ImportError_ = InterchangeError


@dataclass
class ImportResult:
    created: list[Case] = field(default_factory=list)
    updated: list[Case] = field(default_factory=list)
    items: int = 0

    @property
    def cases(self) -> list[Case]:
        return [*self.created, *self.updated]

    def summary(self) -> str:
        return (
            f"{len(self.created)} case{'s' * (len(self.created) != 1)} created, "
            f"{len(self.updated)} replaced, {self.items} disputed item{'s' * (self.items != 1)}."
        )


@cache
def schema() -> dict[str, Any]:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def load_document(raw: bytes | str) -> dict[str, Any]:
    """Parse a JSON document, or refuse it saying where the JSON is broken."""
    try:
        return jsonsafe.loads(raw)
    except jsonsafe.JSONProblem as problem:
        raise InterchangeError([f"(document): {problem}"]) from None


# -- checking ------------------------------------------------------------------------------------------------


def json_path(parts) -> str:
    """``["cases", 3, "items", 0]`` → ``cases[3].items[0]``."""
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(document)"


def _quoted(values) -> str:
    words = ["null" if value is None else json.dumps(value) for value in values]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


def _schema_messages(error) -> list[tuple[list, str]]:
    """One jsonschema error as (path, wording) pairs."""
    path = list(error.absolute_path)
    kind, expected = error.validator, error.validator_value
    if kind == "required":
        missing = [key for key in expected if key not in error.instance]
        return [([*path, key], "is required") for key in missing]
    if kind == "additionalProperties":
        allowed = set(error.schema.get("properties", {}))
        extra = [key for key in error.instance if key not in allowed]
        return [([*path, key], "is not a field of imr-case/1") for key in extra]
    if kind == "type":
        types = [expected] if isinstance(expected, str) else list(expected)
        return [(path, "must be " + " or ".join(_TYPE_WORDS.get(name, name) for name in types))]
    if kind == "enum":
        return [(path, f"must be {_quoted(expected)}")]
    if kind == "const":
        return [(path, f"must be {_quoted([expected])}")]
    if kind == "format" and expected == "date":
        return [(path, f"must be a date written YYYY-MM-DD ({json.dumps(error.instance)} is not a date)")]
    if kind == "pattern":
        return [(path, _PATTERN_WORDS.get(expected, f"must match {expected}"))]
    if kind == "minLength":
        nullable = "null" in (error.schema.get("type") or [])
        return [(path, "must not be empty" + (" (write null for none)" if nullable else ""))]
    if kind == "maxLength":
        return [(path, f"must be at most {expected} characters long")]
    if kind == "minItems":
        return [(path, f"must list at least {expected} disputed item{'s' * (expected != 1)}")]
    if kind in {"minimum", "maximum"}:
        low, high = error.schema.get("minimum"), error.schema.get("maximum")
        return [(path, f"must be between {low} and {high}" if low is not None and high is not None else error.message)]
    return [(path, error.message)]


def _sort_key(path: list) -> tuple:
    return tuple((0, part, "") if isinstance(part, int) else (1, 0, str(part)) for part in path)


def schema_errors(data: Any) -> list[tuple[list, str]]:
    """The document's schema errors as (path, wording), in document order, one per path."""
    from jsonschema import Draft202012Validator

    validator = Draft202012Validator(schema(), format_checker=Draft202012Validator.FORMAT_CHECKER)
    found: dict[str, tuple[list, str]] = {}
    for error in validator.iter_errors(data):
        for path, message in _schema_messages(error):
            found.setdefault(json_path(path), (path, message))
    return sorted(found.values(), key=lambda pair: _sort_key(pair[0]))


def _case_errors(index: int, case: dict[str, Any]) -> list[str]:
    """The rules of imr-case/1 that the schema cannot state, for one schema-valid case."""
    at = f"cases[{index}]"
    errors = []
    status = case.get("status") or Status.RECEIVED
    decided = status in DECIDED_STATES
    diagnosis = case["diagnosis"] or {}
    if diagnosis.get("icd10"):
        try:
            validate_icd10(diagnosis["icd10"])
        except ValidationError as error:
            errors.append(f"{at}.diagnosis.icd10: {error.messages[0]}")
    provider = case["requesting_provider"] or {}
    if provider.get("organization") and not provider.get("name"):
        errors.append(f"{at}.requesting_provider.name: is required when the provider's organization is given")
    if decided and not case["dates"]["decision"]:
        errors.append(f'{at}.dates.decision: is required for a decided case (status "{status}")')
    if not decided and case["clinical_case_summary"] is not None:
        errors.append(f'{at}.clinical_case_summary: must be null: only a decided case has one (status "{status}")')
    for number, item in enumerate(case["items"]):
        item_at = f"{at}.items[{number}]"
        if item["ur_outcome"] == DisputedItem.UrOutcome.MODIFIED:
            if not item["original_request"]:
                errors.append(f"{item_at}.original_request: is required for a modified item (what was asked)")
            if not item["authorized"]:
                errors.append(
                    f"{item_at}.authorized: is required for a modified item (what the claims administrator approved)"
                )
        if decided and "determination" not in item:
            errors.append(f'{item_at}.determination: is required for a decided case (status "{status}")')
        if not decided and "determination" in item:
            errors.append(
                f"{item_at}.determination: must be left out: only a decided case carries determinations "
                f'(status "{status}")'
            )
    return errors


def check_document(data: Any, *, update: bool = False) -> list[str]:
    """Every problem of the document, each with its JSON path; empty when it can be imported."""
    found = schema_errors(data)
    errors = [f"{json_path(path)}: {message}" for path, message in found]
    if not isinstance(data, dict) or not isinstance(data.get("cases"), list):
        return errors
    broken = {path[1] for path, _ in found if len(path) > 1 and path[0] == "cases" and isinstance(path[1], int)}
    cases = data["cases"]
    first_seen: dict[str, int] = {}
    for index, case in enumerate(cases):
        number = case.get("case_number") if isinstance(case, dict) else None
        if not isinstance(number, str):
            continue
        if number in first_seen:
            errors.append(
                f"cases[{index}].case_number: {number} appears twice in the file (also cases[{first_seen[number]}])"
            )
        else:
            first_seen[number] = index
    if not update and first_seen:
        existing = set(Case.objects.filter(case_number__in=list(first_seen)).values_list("case_number", flat=True))
        for number in sorted(existing, key=first_seen.get):
            errors.append(
                f"cases[{first_seen[number]}].case_number: case {number} already exists; "
                "import with update (replace existing cases) to replace it"
            )
    for index, case in enumerate(cases):
        if index not in broken:
            errors.extend(_case_errors(index, case))
    return sorted(errors, key=_error_order)


def _error_order(message: str) -> tuple:
    """Errors of one case together, cases in document order."""
    head = message.split(":", 1)[0]
    if head.startswith("cases["):
        return (1, int(head[6 : head.index("]")]))
    return (0, 0)


# -- saving --------------------------------------------------------------------------------------------------


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _case_fields(data: dict[str, Any]) -> dict[str, Any]:
    """The Case fields an imr-case/1 case sets (parties included), with "" where the document has null."""
    employee = data["employee"]
    claims_administrator = data["claims_administrator"] or {}
    attorney = data["employee_attorney"] or {}
    provider = data["requesting_provider"] or {}
    diagnosis = data["diagnosis"] or {}
    physician = get_or_create_party(Party.Kind.PHYSICIAN, provider.get("name"))
    group = get_or_create_party(Party.Kind.PROVIDER_GROUP, provider.get("organization"))
    if physician is not None and group is not None and physician.organization_id != group.pk:
        physician.organization = group
        physician.save(update_fields=["organization", "updated_at"])
    fields = {
        "priority": data["priority"],
        "status": data.get("status") or Status.RECEIVED,
        "claim_number": data["claim_number"] or "",
        **{name: _date(data["dates"][key]) for key, name in DATE_FIELDS.items()},
        "employee_name": employee["name"] or "",
        "employee_date_of_birth": _date(employee["date_of_birth"]),
        "employee_age": employee["age"],
        "employee_sex": employee["sex"] or "",
        "employer": get_or_create_party(Party.Kind.EMPLOYER, (data["employer"] or {}).get("name")),
        "claims_administrator": get_or_create_party(Party.Kind.CLAIMS_ADMINISTRATOR, claims_administrator.get("name")),
        "adjuster_name": claims_administrator.get("adjuster") or "",
        "employee_attorney": get_or_create_party(Party.Kind.LAW_FIRM, attorney.get("firm")),
        "attorney_name": attorney.get("name") or "",
        "requesting_provider": physician,
        "provider_specialty": provider.get("specialty") or "",
        "diagnosis": diagnosis.get("description") or "",
        "icd10_code": (diagnosis.get("icd10") or "").upper(),
        "reviewer_credentials": data["reviewer"] if data["reviewer"] is not None else {},
    }
    return fields


def _save_items(case: Case, data: dict[str, Any]) -> int:
    items = []
    for position, item in enumerate(data["items"]):
        items.append(
            DisputedItem.objects.create(
                case=case,
                position=position,
                description=item["description"],
                category=item["category"] or "",
                ur_outcome=item["ur_outcome"],
                original_request=item["original_request"] or "",
                authorized=item["authorized"] or "",
                claims_administrator_basis=(
                    item["claims_administrator_basis"] if item["claims_administrator_basis"] is not None else {}
                ),
            )
        )
    if case.status in DECIDED_STATES:
        determination = Determination.objects.create(
            case=case,
            version=1,
            state=Determination.State.APPROVED,
            clinical_case_summary=data["clinical_case_summary"] or "",
        )
        ItemDecision.objects.bulk_create(
            ItemDecision(
                determination=determination,
                item=saved,
                decision=item["determination"]["decision"],
                basis=item["determination"]["basis"],
                basis_none=not (item["determination"]["basis"]["mtus"] or item["determination"]["basis"]["non_mtus"]),
                rationale=item["determination"]["rationale"],
            )
            for saved, item in zip(items, data["items"], strict=True)
        )
    return len(items)


def _create_case(data: dict[str, Any], *, by) -> Case:
    number = data.get("case_number")
    if number:
        services.note_external_case_number(number)
    else:
        number = services.next_case_number()
    case = Case(case_number=number, created_by=by if by is not None and by.is_authenticated else None)
    for name, value in _case_fields(data).items():
        setattr(case, name, value)
    case.save()
    services.record_transition(case, case.status, by=by, note=f"Imported ({FORMAT}).", from_status="")
    return case


def _replace_case(case: Case, data: dict[str, Any], *, by, at: str) -> Case:
    """Replace an existing case's facts, items and determinations by the document's; its documents, assignments
    and timeline stay."""
    previous_status = case.status
    try:
        for determination in case.determinations.all():
            determination.delete()
        case.items.all().delete()
    except ProtectedError:
        raise InterchangeError(
            [f"{at}.case_number: case {case.case_number} has signed letters and cannot be replaced"]
        ) from None
    for name, value in _case_fields(data).items():
        setattr(case, name, value)
    case.save()
    if case.status != previous_status:
        services.record_transition(
            case, case.status, by=by, note=f"Replaced by import ({FORMAT}).", from_status=previous_status
        )
    audit(by, "case.replaced_by_import", case)
    return case


def import_document(data: Any, *, update: bool = False, by=None) -> ImportResult:
    """Import a parsed `imr-case/1` document, all or nothing.

    Raises InterchangeError listing every problem, each with its JSON path, and saves nothing then. A case whose
    number exists is refused unless ``update``, which replaces it. A case without a number gets the next one.
    """
    errors = check_document(data, update=update)
    if errors:
        raise InterchangeError(errors)
    result = ImportResult()
    try:
        with transaction.atomic():
            numbers = [case["case_number"] for case in data["cases"] if case.get("case_number")]
            existing = (
                {case.case_number: case for case in Case.objects.select_for_update().filter(case_number__in=numbers)}
                if update
                else {}
            )
            for index, case_data in enumerate(data["cases"]):
                case = existing.get(case_data.get("case_number"))
                if case is None:
                    case = _create_case(case_data, by=by)
                    result.created.append(case)
                else:
                    result.updated.append(_replace_case(case, case_data, by=by, at=f"cases[{index}]"))
                result.items += _save_items(case, case_data)
    except DatabaseError as error:
        raise InterchangeError([f"(document): could not be saved, nothing was imported ({error})"]) from None
    return result
