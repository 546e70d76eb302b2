"""Checking against the JSON Schema (schema.json): fastjsonschema first, jsonschema to word the errors.

The schemas compiled to Python by fastjsonschema (with jsonschema's own date check) are about 15 times faster but stop
at the first error and word it their own way; ``schema_errors`` asks them first and jsonschema only when they refuse,
then words each error as ``cases[3].items[0].determination.decision: must be "upheld" or "overturned"``
(tests/cases/test_interchange_fast_schema.py checks that they refuse whatever jsonschema refuses).

Changes when the schema or the validators change; the rules a schema cannot state are in ``case_rules``.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Sequence
from functools import cache
from typing import Any

import fastjsonschema
from fastjsonschema import JsonSchemaValueException
from jsonschema import Draft202012Validator, ValidationError

from cases.interchange.spec import json_path, schema

Message = tuple[list, str]  # (JSON path as a list, wording)

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
    "^[A-Z]{2}$": "must be a two-letter state code in capitals (CA)",
    "^[0-9]{5}(-[0-9]{4})?$": "must be a ZIP code: five digits, or ZIP+4 as 95351-1234",
    "^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$": "must be an e-mail address (name@example.com)",
}


def _quoted(values) -> str:
    words = ["null" if value is None else json.dumps(value) for value in values]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


def _required(error: ValidationError, path: list) -> list[Message]:
    return [([*path, key], "is required") for key in error.validator_value if key not in error.instance]


def _additional(error: ValidationError, path: list) -> list[Message]:
    allowed = set(error.schema.get("properties", {}))
    return [([*path, key], "is not a field of imr-case/1") for key in error.instance if key not in allowed]


def _type(error: ValidationError, path: list) -> list[Message]:
    expected = error.validator_value
    types = [expected] if isinstance(expected, str) else list(expected)
    return [(path, "must be " + " or ".join(_TYPE_WORDS.get(name, name) for name in types))]


def _format(error: ValidationError, path: list) -> list[Message]:
    if error.validator_value == "date":
        return [(path, f"must be a date written YYYY-MM-DD ({json.dumps(error.instance)} is not a date)")]
    return [(path, error.message)]


def _pattern(error: ValidationError, path: list) -> list[Message]:
    return [(path, _PATTERN_WORDS.get(error.validator_value, f"must match {error.validator_value}"))]


def _min_length(error: ValidationError, path: list) -> list[Message]:
    nullable = "null" in (error.schema.get("type") or [])
    return [(path, "must not be empty" + (" (write null for none)" if nullable else ""))]


def _min_items(error: ValidationError, path: list) -> list[Message]:
    expected = error.validator_value
    return [(path, f"must list at least {expected} disputed item{'s' * (expected != 1)}")]


def _range(error: ValidationError, path: list) -> list[Message]:
    low, high = error.schema.get("minimum"), error.schema.get("maximum")
    return [(path, f"must be between {low} and {high}" if low is not None and high is not None else error.message)]


_WORDING: dict[str, Callable[[ValidationError, list], list[Message]]] = {
    "required": _required,
    "additionalProperties": _additional,
    "type": _type,
    "enum": lambda error, path: [(path, f"must be {_quoted(error.validator_value)}")],
    "const": lambda error, path: [(path, f"must be {_quoted([error.validator_value])}")],
    "format": _format,
    "pattern": _pattern,
    "minLength": _min_length,
    "maxLength": lambda error, path: [(path, f"must be at most {error.validator_value} characters long")],
    "minItems": _min_items,
    "minimum": _range,
    "maximum": _range,
}


def _schema_messages(error: ValidationError) -> list[Message]:
    """One jsonschema error as (path, wording) pairs."""
    path = list(error.absolute_path)
    wording = _WORDING.get(error.validator)
    return wording(error, path) if wording else [(path, error.message)]


def _sort_key(path: list) -> tuple:
    return tuple((0, part, "") if isinstance(part, int) else (1, 0, str(part)) for part in path)


@cache
def _validators() -> tuple[Draft202012Validator, Draft202012Validator]:
    """The document's validator (its top level) and one for a single case (``$defs.case``)."""
    full = schema()
    # The case's schema with every reference written out in place: a third of the time of checking went into
    # resolving them again for every value.
    case_schema = {"$schema": full["$schema"], **inline_references(full["$defs"]["case"], full["$defs"])}
    checker = Draft202012Validator.FORMAT_CHECKER
    return Draft202012Validator(full, format_checker=checker), Draft202012Validator(case_schema, format_checker=checker)


def inline_references(node: Any, definitions: dict[str, Any]) -> Any:
    """A schema with ``{"$ref": "#/$defs/name"}`` replaced by the definition (kept beside sibling keys in an
    ``allOf``, as JSON Schema 2020-12 applies both)."""
    if isinstance(node, list):
        return [inline_references(value, definitions) for value in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        target = inline_references(definitions[node["$ref"].removeprefix("#/$defs/")], definitions)
        siblings = {key: inline_references(value, definitions) for key, value in node.items() if key != "$ref"}
        return {**siblings, "allOf": [target]} if siblings else target
    return {key: inline_references(value, definitions) for key, value in node.items()}


@cache
def _fast_validators() -> tuple[Callable[[Any], Any], Callable[[Any], Any]]:
    """The same two schemas compiled to Python by fastjsonschema, with jsonschema's own date check."""
    document, case = _validators()
    checker = document.format_checker
    formats = {"date": lambda value: checker.conforms(value, "date")}
    # Copies: fastjsonschema writes its resolved references into the schema it compiles, and the document's schema is
    # the one ``spec.schema()`` shares with every other reader (the API's application schema reads its "#/$defs/").
    return (
        fastjsonschema.compile(copy.deepcopy(document.schema), formats=formats, use_default=False),
        fastjsonschema.compile(copy.deepcopy(case.schema), formats=formats, use_default=False),
    )


def schema_errors(data: Any, *, prefix: Sequence = (), part: str = "document") -> list[Message]:
    """Schema errors as (path, wording), in document order, one per path: of a whole document, or (``part="case"``)
    of one case at ``prefix``."""
    fast_document, fast_case = _fast_validators()
    try:
        (fast_case if part == "case" else fast_document)(data)
        return []
    except JsonSchemaValueException:
        pass  # jsonschema below finds every error of it, with its path and our wording
    document, case = _validators()
    validator = case if part == "case" else document
    found: dict[str, Message] = {}
    for error in validator.iter_errors(data):
        for path, message in _schema_messages(error):
            path = [*prefix, *path]
            found.setdefault(json_path(path), (path, message))
    return sorted(found.values(), key=lambda pair: _sort_key(pair[0]))
