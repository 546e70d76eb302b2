"""JSON from users (imports, autosave), read with a bound on its nesting: Python's parser recurses, so a document
nested 100,000 deep is a ``RecursionError`` (a 500) where it should be a clear refusal."""

from __future__ import annotations

import json
import re
from itertools import accumulate
from typing import Any

MAX_DEPTH = 64  # the portal's documents nest a handful of levels
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


class JSONProblem(ValueError):
    """Why a text is not a JSON document the portal reads; the message says where."""


def depth(text: str) -> int:
    """How deep the arrays and objects of ``text`` nest (brackets inside strings do not count)."""
    brackets = _NOT_BRACKET.sub("", _STRING.sub("", text))
    return max(accumulate(map(_STEP.__getitem__, brackets)), default=0)


def loads(raw: bytes | str, *, max_depth: int = MAX_DEPTH) -> Any:
    try:
        text = raw.decode("utf-8-sig") if isinstance(raw, bytes) else raw
    except UnicodeDecodeError as error:
        raise JSONProblem(f"is not UTF-8 text (byte {error.start + 1})") from None
    deepest = depth(text)
    if deepest > max_depth:
        raise JSONProblem(f"nests {deepest} levels deep; at most {max_depth} are read")
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise JSONProblem(f"is not JSON: {error.msg} at line {error.lineno}, column {error.colno}") from None
