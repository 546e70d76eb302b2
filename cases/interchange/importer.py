"""Import an `imr-case/1` document: check all of it, then save all of it in one transaction, or nothing.

The document is read as a stream (ijson): one case at a time is parsed, checked and, while no error has been found,
queued; every ``BATCH`` cases the queue is saved with bulk inserts (parties looked up once per import, case numbers
taken in one go). Memory stays flat whatever the size of the file: neither the document nor the saved model instances
are kept (the result keeps primary keys). The first error stops the saving, not the checking, so every error of the
file is still reported; the transaction is then rolled back and nothing is saved.

Checks run in two rounds per case. The JSON Schema (schema.json) first, its errors reworded as
``cases[3].items[0].determination.decision: must be "upheld" or "overturned"``; then the rules a schema cannot
say (case numbers unique in the file and new to the portal, ICD-10-CM codes, modified items, decided cases), on
every case the schema found sound. Any error and nothing is saved.
"""

from __future__ import annotations

import codecs
import io
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.db.models import ProtectedError
from django.db.models.functions import Lower
from django.utils import timezone

from cases import clock
from cases.lifecycle import DECIDED_STATES, Status
from cases.models import (
    Case,
    CaseNumberSequence,
    CaseTransition,
    Determination,
    DisputedItem,
    ItemDecision,
    validate_icd10,
)
from cases.services import intake as services
from core import jsonsafe
from core.bulk import bulk_insert
from core.models import Party
from core.services import record_event
from core.text import refused_character

FORMAT = "imr-case/1"
SCHEMA_PATH = Path(__file__).with_name("schema.json")
BATCH = 500  # cases saved at a time
ERROR_LIMIT = 500

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


class ImportedCases(Sequence):
    """The cases an import saved, in document order, kept as primary keys: read from the database when used."""

    def __init__(self) -> None:
        self.pks: list[int] = []

    def append(self, case: Case) -> None:
        self.pks.append(case.pk)

    def __len__(self) -> int:
        return len(self.pks)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return self._load(self.pks[index])
        return Case.objects.get(pk=self.pks[index])

    def __iter__(self) -> Iterator[Case]:
        for start in range(0, len(self.pks), 1000):
            yield from self._load(self.pks[start : start + 1000])

    @staticmethod
    def _load(pks: list[int]) -> list[Case]:
        found = Case.objects.in_bulk(pks)
        return [found[pk] for pk in pks if pk in found]


@dataclass
class ImportResult:
    created: ImportedCases = field(default_factory=ImportedCases)
    updated: ImportedCases = field(default_factory=ImportedCases)
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


class _Utf8Stream:
    """A binary stream checked as UTF-8 while it is read (the parser would let broken bytes through), its byte
    order mark dropped."""

    def __init__(self, stream: IO[bytes]):
        self.stream = stream
        self.decoder = codecs.getincrementaldecoder("utf-8")()
        self.started = False

    def read(self, size: int = -1) -> bytes:
        data = self.stream.read(size)
        if not self.started and data:
            self.started = True
            if data.startswith(codecs.BOM_UTF8):
                data = data[len(codecs.BOM_UTF8) :]
        self.decoder.decode(data, final=not data)  # raises UnicodeDecodeError
        return data


def _binary(source: IO | bytes | str) -> IO[bytes]:
    if isinstance(source, str):
        source = source.encode("utf-8")
    if isinstance(source, bytes):
        return io.BytesIO(source)
    if isinstance(source, io.TextIOBase):
        buffer = getattr(source, "buffer", None)
        return buffer if buffer is not None else io.BytesIO(source.read().encode("utf-8"))
    return source


def _syntax_error(stream: IO[bytes], error: Exception) -> InterchangeError:
    """The JSON error in words: from the json module where the stream can be read again (its line and column),
    from the streaming parser otherwise."""
    if isinstance(error, UnicodeDecodeError) or "utf-8" in str(error).lower() or "utf8" in str(error).lower():
        return InterchangeError(["(document): is not UTF-8 text"])
    try:
        stream.seek(0)
        load_document(stream.read())
    except InterchangeError as precise:
        return precise
    except (OSError, ValueError):
        pass
    return InterchangeError([f"(document): is not JSON: {error}"])


def read_document(source: IO | bytes | str) -> Iterator[tuple[str, Any, Any]]:
    """The document as a stream of its parts, without holding it whole: ``("key", name, value)`` for each top-level
    key but ``cases``; ``("cases_list", None, None)`` then ``("case", index, case)`` for each case, or
    ``("cases", None, value)`` when ``cases`` is not a list; ``("document", None, value)`` when the document is not
    an object. Broken JSON raises InterchangeError."""
    import ijson

    stream = _binary(source)
    events = ijson.basic_parse(_Utf8Stream(stream), use_float=True)
    try:
        yield from _parts(events)
    except ijson.JSONError as error:
        raise _syntax_error(stream, error) from None
    except UnicodeDecodeError:
        raise InterchangeError(["(document): is not UTF-8 text"]) from None


def _value(first: tuple[str, Any], events: Iterator[tuple[str, Any]]) -> Any:
    """The whole value that starts with the event ``first``."""
    import ijson

    event, value = first
    if event not in ("start_map", "start_array"):
        return value
    builder = ijson.ObjectBuilder()
    builder.event(event, value)
    depth = 1
    for event, value in events:
        builder.event(event, value)
        if event in ("start_map", "start_array"):
            depth += 1
            if depth > jsonsafe.MAX_DEPTH:  # the checks that follow recurse; no real case nests this deep
                raise InterchangeError([f"(document): nests deeper than {jsonsafe.MAX_DEPTH} levels"])
        elif event in ("end_map", "end_array"):
            depth -= 1
            if depth == 0:
                break
    return builder.value


def _parts(events: Iterator[tuple[str, Any]]) -> Iterator[tuple[str, Any, Any]]:
    first = next(events, None)
    if first is None:
        raise _EmptyDocument
    if first[0] != "start_map":
        document = _value(first, events)
        _end(events)
        yield "document", None, document
        return
    for event, key in events:
        if event == "end_map":
            break
        start = next(events)
        if key != "cases" or start[0] != "start_array":
            value = _value(start, events)
            yield ("cases", None, value) if key == "cases" else ("key", key, value)
            continue
        yield "cases_list", None, None
        limit = settings.IMR_IMPORT_MAX_CASES
        for index, case_start in enumerate(events):
            if case_start[0] == "end_array":
                break
            if index >= limit:
                raise InterchangeError([f"cases: more than {limit} cases in one file; split it (IMR_IMPORT_MAX_CASES)"])
            yield "case", index, _value(case_start, events)
    _end(events)


def _end(events: Iterator) -> None:
    """Read to the end, so that trailing garbage is refused as the json module refuses it."""
    for _ in events:
        pass


class _EmptyDocument(Exception):
    pass


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


@cache
def _validators():
    """The document's validator (its top level) and one for a single case (``$defs.case``)."""
    from jsonschema import Draft202012Validator

    full = schema()
    # The case's schema with every reference written out in place: a third of the time of checking went into
    # resolving them again for every value.
    case_schema = {"$schema": full["$schema"], **_inline(full["$defs"]["case"], full["$defs"])}
    checker = Draft202012Validator.FORMAT_CHECKER
    return Draft202012Validator(full, format_checker=checker), Draft202012Validator(case_schema, format_checker=checker)


def _inline(node: Any, definitions: dict[str, Any]) -> Any:
    """A schema with ``{"$ref": "#/$defs/name"}`` replaced by the definition (kept beside sibling keys in an
    ``allOf``, as JSON Schema 2020-12 applies both)."""
    if isinstance(node, list):
        return [_inline(value, definitions) for value in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        target = _inline(definitions[node["$ref"].removeprefix("#/$defs/")], definitions)
        siblings = {key: _inline(value, definitions) for key, value in node.items() if key != "$ref"}
        return {**siblings, "allOf": [target]} if siblings else target
    return {key: _inline(value, definitions) for key, value in node.items()}


@cache
def _fast_validators():
    """The same two schemas compiled to Python by fastjsonschema, with jsonschema's own date check: about 15 times
    faster, but they stop at the first error and word it their own way. ``schema_errors`` asks them first and
    jsonschema only when they refuse (tests/cases/test_interchange_fast_schema.py checks they refuse whatever
    jsonschema refuses)."""
    import fastjsonschema

    document, case = _validators()
    checker = document.format_checker
    formats = {"date": lambda value: checker.conforms(value, "date")}
    return tuple(
        fastjsonschema.compile(validator.schema, formats=formats, use_default=False) for validator in (document, case)
    )


def schema_errors(data: Any, *, prefix: Sequence = (), part: str = "document") -> list[tuple[list, str]]:
    """Schema errors as (path, wording), in document order, one per path: of a whole document, or (``part="case"``)
    of one case at ``prefix``."""
    from fastjsonschema import JsonSchemaValueException

    fast_document, fast_case = _fast_validators()
    try:
        (fast_case if part == "case" else fast_document)(data)
        return []
    except JsonSchemaValueException:
        pass  # jsonschema below finds every error of it, with its path and our wording
    document, case = _validators()
    validator = case if part == "case" else document
    found: dict[str, tuple[list, str]] = {}
    for error in validator.iter_errors(data):
        for path, message in _schema_messages(error):
            path = [*prefix, *path]
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
    errors.extend(_text_errors(case, at))
    return errors


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


def _parts_of(data: Any) -> Iterator[tuple[str, Any, Any]]:
    """A parsed document as the parts ``read_document`` yields."""
    if not isinstance(data, dict):
        yield "document", None, data
        return
    for key, value in data.items():
        if key != "cases":
            yield "key", key, value
        elif isinstance(value, list):
            yield "cases_list", None, None
            for index, case in enumerate(value):
                yield "case", index, case
        else:
            yield "cases", None, value


# -- saving --------------------------------------------------------------------------------------------------


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


class _Parties:
    """Parties named by the document, looked up once per import (by kind and name, case-insensitive, as
    ``core.services.get_or_create_party``), made in bulk when new."""

    def __init__(self) -> None:
        self.known: dict[tuple[str, str], Party] = {}
        self.moved: dict[int, Party] = {}

    def load(self, wanted: Iterable[tuple[str, str]]) -> None:
        missing: dict[tuple[str, str], str] = {}
        for kind, name in wanted:
            key = (kind, name.lower())
            if key not in self.known:
                missing.setdefault(key, name)
        if not missing:
            return
        by_kind: dict[str, list[str]] = {}
        for kind, lowered in missing:
            by_kind.setdefault(kind, []).append(lowered)
        for kind, names in by_kind.items():
            for party in Party.objects.annotate(lowered=Lower("name")).filter(kind=kind, lowered__in=names):
                self.known[(kind, party.lowered)] = party
        new = [
            Party(kind=kind, name=name) for key, name in missing.items() if key not in self.known for kind in [key[0]]
        ]
        for party in Party.objects.bulk_create(new):
            self.known[(party.kind, party.name.lower())] = party
        if new and new[0].pk is None:  # a database that does not return keys from bulk inserts
            self.known.update(
                ((party.kind, party.name.lower()), party)
                for party in Party.objects.filter(kind__in=by_kind).annotate(lowered=Lower("name"))
            )

    def get(self, kind: str, name: str | None) -> Party | None:
        name = (name or "").strip()
        return self.known[(kind, name.lower())] if name else None

    def place(self, physician: Party | None, group: Party | None) -> None:
        """The physician works in that provider group (the last case of the file naming both wins)."""
        if physician is not None and group is not None and physician.organization_id != group.pk:
            physician.organization = group
            self.moved[physician.pk] = physician

    def save_moves(self) -> None:
        if self.moved:
            now = timezone.now()
            for party in self.moved.values():
                party.updated_at = now
            Party.objects.bulk_update(list(self.moved.values()), ["organization", "updated_at"])
            self.moved = {}


_PARTY_KEYS = (
    (Party.Kind.EMPLOYER, "employer", "name"),
    (Party.Kind.CLAIMS_ADMINISTRATOR, "claims_administrator", "name"),
    (Party.Kind.LAW_FIRM, "employee_attorney", "firm"),
    (Party.Kind.PHYSICIAN, "requesting_provider", "name"),
    (Party.Kind.PROVIDER_GROUP, "requesting_provider", "organization"),
)


def _named_parties(data: dict[str, Any]) -> Iterator[tuple[str, str]]:
    for kind, key, name_key in _PARTY_KEYS:
        name = ((data[key] or {}).get(name_key) or "").strip()
        if name:
            yield kind, name


def _case_fields(data: dict[str, Any], parties: _Parties) -> dict[str, Any]:
    """The Case fields an imr-case/1 case sets (parties included), with "" where the document has null."""
    employee = data["employee"]
    claims_administrator = data["claims_administrator"] or {}
    attorney = data["employee_attorney"] or {}
    provider = data["requesting_provider"] or {}
    diagnosis = data["diagnosis"] or {}
    physician = parties.get(Party.Kind.PHYSICIAN, provider.get("name"))
    parties.place(physician, parties.get(Party.Kind.PROVIDER_GROUP, provider.get("organization")))
    fields = {
        "priority": data["priority"],
        "status": data.get("status") or Status.RECEIVED,
        "claim_number": data["claim_number"] or "",
        **{name: _date(data["dates"][key]) for key, name in DATE_FIELDS.items()},
        "employee_name": employee["name"] or "",
        "employee_date_of_birth": _date(employee["date_of_birth"]),
        "employee_age": employee["age"],
        "employee_sex": employee["sex"] or "",
        "employer": parties.get(Party.Kind.EMPLOYER, (data["employer"] or {}).get("name")),
        "claims_administrator": parties.get(Party.Kind.CLAIMS_ADMINISTRATOR, claims_administrator.get("name")),
        "adjuster_name": claims_administrator.get("adjuster") or "",
        "employee_attorney": parties.get(Party.Kind.LAW_FIRM, attorney.get("firm")),
        "attorney_name": attorney.get("name") or "",
        "requesting_provider": physician,
        "provider_specialty": provider.get("specialty") or "",
        "diagnosis": diagnosis.get("description") or "",
        "icd10_code": (diagnosis.get("icd10") or "").upper(),
        "reviewer_credentials": data["reviewer"] if data["reviewer"] is not None else {},
    }
    return fields


def _items(case: Case, data: dict[str, Any]) -> list[DisputedItem]:
    return [
        DisputedItem(
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
        for position, item in enumerate(data["items"])
    ]


def _decisions(determination: Determination, items: list[DisputedItem], data: dict[str, Any]) -> list[ItemDecision]:
    return [
        ItemDecision(
            determination=determination,
            item=saved,
            decision=item["determination"]["decision"],
            basis=item["determination"]["basis"],
            basis_none=not (item["determination"]["basis"]["mtus"] or item["determination"]["basis"]["non_mtus"]),
            rationale=item["determination"]["rationale"],
        )
        for saved, item in zip(items, data["items"], strict=True)
    ]


def _save_items(cases: list[tuple[Case, dict[str, Any]]]) -> int:
    """The items, determinations and decisions of saved cases, in three bulk inserts."""
    items = {case.pk: _items(case, data) for case, data in cases}
    bulk_insert([item for rows in items.values() for item in rows])
    decided = [(case, data) for case, data in cases if case.status in DECIDED_STATES]
    determinations = bulk_insert(
        Determination(
            case=case,
            version=1,
            state=Determination.State.APPROVED,
            clinical_case_summary=data["clinical_case_summary"] or "",
        )
        for case, data in decided
    )
    bulk_insert(
        [
            decision
            for determination, (case, data) in zip(determinations, decided, strict=True)
            for decision in _decisions(determination, items[case.pk], data)
        ]
    )
    return sum(len(rows) for rows in items.values())


class _Numbers:
    """Case numbers for cases that bring none, and the sequence moved past the numbers cases bring: the sequence
    rows are locked until the import's transaction ends, as ``cases.services.intake.next_case_number`` does."""

    def __init__(self) -> None:
        self.last: dict[int, int] = {}

    def _year(self, year: int) -> int:
        if year not in self.last:
            CaseNumberSequence.objects.get_or_create(year=year)
            self.last[year] = CaseNumberSequence.objects.select_for_update().get(year=year).last_value
        return self.last[year]

    def take(self, number: str | None) -> str:
        if number:
            year, value = int(number[2:4]), int(number[5:])
            self.last[year] = max(self._year(year), value)
            return number
        year = timezone.localdate().year % 100
        self.last[year] = self._year(year) + 1
        return f"CM{year:02d}-{self.last[year]:07d}"

    def save(self) -> None:
        for year, value in self.last.items():
            services.note_external_case_number(f"CM{year:02d}-{value:07d}")


def _replace_case(case: Case, data: dict[str, Any], parties: _Parties, *, by, at: str) -> Case:
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
    for name, value in _case_fields(data, parties).items():
        setattr(case, name, value)
    case.save()
    if case.status != previous_status:
        services.record_transition(
            case, case.status, by=by, note=f"Replaced by import ({FORMAT}).", from_status=previous_status
        )
    record_event(by, "case.replaced_by_import", case)
    return case


class _Importer:
    """Checks each case as it comes and, while the document has no error, saves the cases a batch at a time."""

    def __init__(self, *, update: bool, by):
        self.update, self.by, self.saving = update, by, True
        self.user = by if by is not None and by.is_authenticated else None
        # (case index, round, order, message): -1 for the document itself; rounds in the order they are reported.
        self.errors: list[tuple[int, int, int, str]] = []
        self.first_seen: dict[str, int] = {}
        self.unchecked: list[tuple[int, str]] = []  # case numbers not looked up in the portal yet
        self.batch: list[tuple[int, dict[str, Any]]] = []
        self.shell: dict[str, Any] = {}
        self.result = ImportResult()
        self.parties = _Parties()
        self.numbers = _Numbers()

    def error(self, index: int, round_: int, message: str) -> None:
        self.errors.append((index, round_, len(self.errors), message))
        self.saving = False
        self.batch = []
        if len(self.errors) >= ERROR_LIMIT:  # a file this broken is not read to its end
            raise InterchangeError([*self.messages(), f"(document): stopped after {ERROR_LIMIT} errors"])

    def messages(self) -> list[str]:
        return [message for *_, message in sorted(self.errors)]

    def run(self, parts: Iterable[tuple[str, Any, Any]]) -> None:
        document_seen = False
        for kind, key, value in parts:
            if kind == "document":
                document_seen = True
                for path, message in schema_errors(value):
                    self.error(-1, 0, f"{json_path(path)}: {message}")
            elif kind == "key":
                self.shell[key] = value
            elif kind == "cases":
                self.shell["cases"] = value
            elif kind == "cases_list":
                self.shell["cases"] = []
            else:
                self.case(key, value)
        if not document_seen:
            # The top level (format, unknown keys, cases missing or not a list) against the schema.
            for path, message in schema_errors(self.shell):
                self.error(-1, 0, f"{json_path(path)}: {message}")
        self.flush()

    def case(self, index: int, data: Any) -> None:
        found = schema_errors(data, prefix=["cases", index], part="case")
        for path, message in found:
            self.error(index, 0, f"{json_path(path)}: {message}")
        number = data.get("case_number") if isinstance(data, dict) else None
        if isinstance(number, str):
            if number in self.first_seen:
                first = self.first_seen[number]
                self.error(
                    index, 1, f"cases[{index}].case_number: {number} appears twice in the file (also cases[{first}])"
                )
            else:
                self.first_seen[number] = index
                if not self.update:
                    self.unchecked.append((index, number))
        if not found:
            for message in _case_errors(index, data):
                self.error(index, 3, message)
        if self.saving:
            self.batch.append((index, data))
        if len(self.unchecked) >= BATCH or len(self.batch) >= BATCH:
            self.flush()

    def flush(self) -> None:
        if self.unchecked:
            numbers = {number: index for index, number in self.unchecked}
            for number in Case.objects.filter(case_number__in=list(numbers)).values_list("case_number", flat=True):
                self.error(
                    numbers[number],
                    2,
                    f"cases[{numbers[number]}].case_number: case {number} already exists; "
                    "import with update (replace existing cases) to replace it",
                )
            self.unchecked = []
        if self.saving and self.batch:
            self.save(self.batch)
        self.batch = []

    def save(self, batch: list[tuple[int, dict[str, Any]]]) -> None:
        self.parties.load(named for _, data in batch for named in _named_parties(data))
        existing = {}
        if self.update:
            numbers = [data["case_number"] for _, data in batch if data.get("case_number")]
            existing = {c.case_number: c for c in Case.objects.select_for_update().filter(case_number__in=numbers)}
        new: list[tuple[Case, dict[str, Any]]] = []
        replaced: list[tuple[Case, dict[str, Any]]] = []
        for index, data in batch:
            case = existing.get(data.get("case_number"))
            if case is not None:
                replaced.append((_replace_case(case, data, self.parties, by=self.by, at=f"cases[{index}]"), data))
                continue
            case = Case(case_number=self.numbers.take(data.get("case_number")), created_by=self.user)
            for name, value in _case_fields(data, self.parties).items():
                setattr(case, name, value)
            case.due_date = clock.due_date(case.priority, case.application_received, case.records_received)
            new.append((case, data))
        bulk_insert([case for case, _ in new])
        if new and new[0][0].pk is None:  # a database that does not return keys from bulk inserts
            saved = Case.objects.in_bulk([case.case_number for case, _ in new], field_name="case_number")
            new = [(saved[case.case_number], data) for case, data in new]
        self.numbers.save()
        self.parties.save_moves()
        bulk_insert(
            CaseTransition(case=case, from_status="", to_status=case.status, by=self.user, note=f"Imported ({FORMAT}).")
            for case, _ in new
        )
        self.result.items += _save_items(new + replaced)
        for case, _ in new:
            self.result.created.append(case)
        for case, _ in replaced:
            self.result.updated.append(case)


def import_stream(source: IO | bytes | str, *, update: bool = False, by=None) -> ImportResult:
    """Import an `imr-case/1` document read from a file, an upload or bytes, as a stream, all or nothing.

    Raises InterchangeError listing every problem, each with its JSON path, and saves nothing then. A case whose
    number exists is refused unless ``update``, which replaces it. A case without a number gets the next one.
    """
    try:
        return _import(read_document(source), update=update, by=by)
    except _EmptyDocument:
        raise InterchangeError(["(document): is not JSON: the document is empty"]) from None


def import_document(data: Any, *, update: bool = False, by=None) -> ImportResult:
    """Import a parsed `imr-case/1` document, all or nothing (as ``import_stream``)."""
    return _import(_parts_of(data), update=update, by=by)


def _import(parts: Iterable[tuple[str, Any, Any]], *, update: bool, by) -> ImportResult:
    importer = _Importer(update=update, by=by)
    try:
        with transaction.atomic():
            importer.run(parts)
            if importer.errors:
                raise InterchangeError(importer.messages())
    except DatabaseError as error:
        raise InterchangeError([f"(document): could not be saved, nothing was imported ({error})"]) from None
    return importer.result
