"""What `imr-case/1` is, shared by the reader, the checks, the saving and the export: its name, its JSON Schema, the
date keys and the Case fields that hold them, the refusal every part raises and how a JSON path is written.

A field added to the format (CASE-FORMAT.md) starts here when it is a date (``DATE_FIELDS``) and in schema.json.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

FORMAT = "imr-case/1"
SCHEMA_PATH = Path(__file__).with_name("schema.json")

# imr-case/1 date keys and the Case fields that hold them (imported and exported alike).
DATE_FIELDS = {
    "injury": "date_of_injury",
    "ur_determination": "ur_determination_date",
    "application_received": "application_received",
    "assigned": "assigned_date",
    "records_received": "records_received",
    "decision": "decision_date",
}


class InterchangeError(Exception):
    """A document refused: ``errors`` lists every problem, each starting with its JSON path."""

    def __init__(self, errors: list[str]):
        self.errors = list(errors)
        super().__init__("\n".join(self.errors))


# The name the rest of the portal uses for a refused import.
ImportError_ = InterchangeError


@cache
def schema() -> dict[str, Any]:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def json_path(parts: Iterable[str | int]) -> str:
    """``["cases", 3, "items", 0]`` → ``cases[3].items[0]``."""
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(document)"
