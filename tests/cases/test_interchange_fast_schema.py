"""The import checks each case with fastjsonschema first and asks jsonschema for the errors only when it refuses
(cases/interchange/validation.py, ``schema_errors``). That is right only if the fast check refuses whatever jsonschema
refuses: here both judge every variation of a valid case, one change at a time."""

import copy

import pytest
from fastjsonschema import JsonSchemaValueException

from cases.interchange import import_document
from cases.interchange.validation import _fast_validators, _validators, schema_errors
from tests.cases.test_interchange import EXAMPLE

WRONG_VALUES = [None, 0, -1, 1.5, True, "", " ", "x" * 5001, "2026-02-30", "2026-2-3", "closed", [], [1], {}, {"a": 1}]


def _leaves(node, path=()):
    """Every path of the document: its dicts, lists and values."""
    yield path
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _leaves(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _leaves(value, (*path, index))


def _set(document, path, value):
    target = document
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value


def _variations(case):
    for path in _leaves(case):
        if not path:
            continue
        for value in WRONG_VALUES:
            changed = copy.deepcopy(case)
            _set(changed, path, value)
            yield changed
        parent = copy.deepcopy(case)
        container = parent
        for part in path[:-1]:
            container = container[part]
        if isinstance(container, dict):
            del container[path[-1]]  # a key left out
            yield parent
            extra = copy.deepcopy(case)
            target = extra
            for part in path[:-1]:
                target = target[part]
            target["unknown_key"] = "x"  # a key the format does not have
            yield extra


def test_the_fast_check_refuses_exactly_what_jsonschema_refuses():
    fast = _fast_validators()[1]
    slow = _validators()[1]
    case = copy.deepcopy(EXAMPLE["cases"][0])
    judged = refused = 0
    for changed in _variations(case):
        slow_refuses = any(True for _ in slow.iter_errors(changed))
        try:
            fast(changed)
            fast_refuses = False
        except JsonSchemaValueException:
            fast_refuses = True
        assert fast_refuses == slow_refuses, changed
        judged += 1
        refused += slow_refuses
    assert judged > 900 and refused > 500
    fast(case)  # the valid case itself passes


@pytest.mark.django_db
def test_a_case_the_fast_check_refuses_gets_every_error_with_its_path_and_wording():
    case = copy.deepcopy(EXAMPLE["cases"][0])
    case["dates"]["injury"] = "2016-02-30"
    case["employee"]["age"] = "sixty"
    case["extra"] = 1

    assert [(path, message) for path, message in schema_errors(case, prefix=["cases", 0], part="case")] == [
        (["cases", 0, "dates", "injury"], 'must be a date written YYYY-MM-DD ("2016-02-30" is not a date)'),
        (["cases", 0, "employee", "age"], "must be a whole number or null"),
        (["cases", 0, "extra"], "is not a field of imr-case/1"),
    ]
    with pytest.raises(Exception) as refusal:
        import_document({"format": "imr-case/1", "cases": [case]})
    assert "cases[0].dates.injury: must be a date written YYYY-MM-DD" in str(refusal.value.errors)


def test_compiling_the_fast_check_leaves_the_shared_schema_as_written():
    """fastjsonschema writes resolved references into what it compiles: the shared ``imr-case/1`` schema must keep its
    "#/$defs/" references, which the API's application schema reads (a worker that checked an import before it loaded
    the API's URLs failed there)."""
    from api.schemas import application_schema
    from cases.interchange.spec import schema

    before = copy.deepcopy(schema())
    _fast_validators.cache_clear()
    application_schema.cache_clear()

    _fast_validators()

    assert schema() == before
    assert "$ref" not in str(application_schema())
