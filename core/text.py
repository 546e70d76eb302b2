"""Text that can reach a letter must read as it is stored.

Refused everywhere a user types text: control characters (NUL and the rest of C0 and C1, but tab and line breaks)
and the bidirectional embedding, override and isolate controls (U+202A–U+202E, U+2066–U+2069), which make text display
in another order than it is stored ("Overturned" shown, "Upheld" stored). Right-to-left scripts and combining marks
are text like any other and pass.
"""

from __future__ import annotations

import re
import unicodedata

from django import forms
from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible

# The bidirectional embedding, override and isolate controls, as the body of a regular-expression character class
# (the access log blanks them from what it keeps of a path or user agent too).
BIDI_CONTROLS = "\u202a-\u202e\u2066-\u2069"
_REFUSED = re.compile(rf"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f{BIDI_CONTROLS}]")


def _describe(character: str) -> str:
    name = unicodedata.name(character, "")
    return f"U+{ord(character):04X}" + (f" ({name.lower()})" if name else " (a control character)")


def refused_character(text: str) -> tuple[int, str] | None:
    """The position and description of the first character ``text`` may not hold, or None."""
    match = _REFUSED.search(text)
    return (match.start() + 1, _describe(match.group())) if match else None


def check_text(text: str, *, where: str = "") -> str:
    """Raise ``ValidationError`` naming the place and the character when ``text`` holds a refused character."""
    found = refused_character(text)
    if found:
        position, description = found
        prefix = f"{where}: " if where else ""
        raise ValidationError(
            f"{prefix}character {position} is {description}, which a letter cannot show as typed; remove it.",
            code="refused_character",
        )
    return text


def refused_in(data: object, path: str = "$") -> list[str]:
    """Every text of a parsed JSON document (keys included) holding a refused character, as "<JSON path>: <what>"."""
    problems: list[str] = []
    if isinstance(data, str):
        found = refused_character(data)
        if found:
            problems.append(f"{path}: character {found[0]} is {found[1]}, which a letter cannot show as typed")
    elif isinstance(data, dict):
        for key, value in data.items():
            problems += refused_in(key, f"{path} (a key)") + refused_in(value, f"{path}.{key}")
    elif isinstance(data, list):
        for index, value in enumerate(data):
            problems += refused_in(value, f"{path}[{index}]")
    return problems


@deconstructible
class PrintableTextValidator:
    def __call__(self, value) -> None:
        if isinstance(value, str):
            check_text(value)

    def __eq__(self, other) -> bool:
        return isinstance(other, PrintableTextValidator)


class PrintableTextFormMixin:
    """Every text field of the form refuses control and bidirectional-override characters, at the field."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.CharField):
                field.validators.append(PrintableTextValidator())
