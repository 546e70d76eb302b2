"""Postal addresses, e-mail, fax and phone of the people a letter is served on: one set of rules (the two-letter
state, a ZIP of five digits or ZIP+4) used by the models, the intake form and the ``imr-case/1`` import."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError

STATE_CODES = frozenset(
    {
        "AL",
        "AK",
        "AZ",
        "AR",
        "CA",
        "CO",
        "CT",
        "DE",
        "DC",
        "FL",
        "GA",
        "HI",
        "ID",
        "IL",
        "IN",
        "IA",
        "KS",
        "KY",
        "LA",
        "ME",
        "MD",
        "MA",
        "MI",
        "MN",
        "MS",
        "MO",
        "MT",
        "NE",
        "NV",
        "NH",
        "NJ",
        "NM",
        "NY",
        "NC",
        "ND",
        "OH",
        "OK",
        "OR",
        "PA",
        "RI",
        "SC",
        "SD",
        "TN",
        "TX",
        "UT",
        "VT",
        "VA",
        "WA",
        "WV",
        "WI",
        "WY",
        "AS",
        "GU",
        "MP",
        "PR",
        "VI",
    }
)
ZIP_PATTERN = re.compile(r"^\d{5}(-\d{4})?$")


def state_problem(value: str) -> str | None:
    """Why ``value`` is not a state code, or None (blank is allowed: the address is optional)."""
    if value and value.upper() not in STATE_CODES:
        return f'"{value}" is not a two-letter state code (for example CA).'
    return None


def zip_problem(value: str) -> str | None:
    """Why ``value`` is not a ZIP code (five digits or ZIP+4, 95351 or 95351-1234), or None."""
    if value and not ZIP_PATTERN.match(value):
        return f'"{value}" is not a ZIP code: five digits, or ZIP+4 as 95351-1234.'
    return None


def validate_state(value: str) -> None:
    if problem := state_problem(value):
        raise ValidationError(problem)


def validate_zip(value: str) -> None:
    if problem := zip_problem(value):
        raise ValidationError(problem)


def postal_lines(lines: str, city: str, state: str, zip_code: str) -> str:
    """The address as printed: its street lines, then "City, ST 95351"; empty without street lines."""
    street = "\n".join(line.strip() for line in (lines or "").splitlines() if line.strip())
    if not street:
        return ""
    last = ", ".join(part for part in (city.strip(), f"{state} {zip_code}".strip()) if part)
    return f"{street}\n{last}" if last else street
