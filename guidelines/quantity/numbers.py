"""Numbers as the letters write them: "12", "twelve", "twenty-four", "twice"; the patterns that match them."""

from __future__ import annotations

import re

_UNITS_WORDS = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
}
_TENS_WORDS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80}
_FREQUENCY_WORDS = {"once": 1, "twice": 2, "thrice": 3}
NUMBER_WORDS = {**_UNITS_WORDS, **_TENS_WORDS}

_SMALL = "|".join(sorted((word for word in _UNITS_WORDS if word != "zero"), key=len, reverse=True))
_TENS = "|".join(_TENS_WORDS)
_ONES = "one|two|three|four|five|six|seven|eight|nine"
NUM = rf"(?:\d+|(?:{_TENS})(?:[- ](?:{_ONES}))?|{_SMALL})"
FNUM = rf"(?:{NUM}|once|twice|thrice)"
RANGE = r"\s*(?:-|–|to|or)\s*"


def number_value(token: str) -> int:
    """The value of a number as the letters write it: "12", "twelve", "twenty-four", "twice"."""
    token = token.strip().lower()
    if token.isdigit():
        return int(token)
    if token in _FREQUENCY_WORDS:
        return _FREQUENCY_WORDS[token]
    if token in NUMBER_WORDS:
        return NUMBER_WORDS[token]
    tens, _, ones = re.split(r"([- ])", token, maxsplit=1) if re.search(r"[- ]", token) else (token, "", "")
    return _TENS_WORDS[tens] + _UNITS_WORDS[ones]


def number_range(match: re.Match[str], low: str, high: str) -> tuple[int, int]:
    first = number_value(match.group(low))
    second = match.group(high)
    return (first, number_value(second)) if second else (first, first)
