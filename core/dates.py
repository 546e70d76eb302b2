"""Dates as people type them, read one way everywhere: every form (``DateField``), the imports and any later API
(``parse_date``).

Accepted: M/D/YYYY (7/14/1995), M/D/YY (7/14/95) and ISO YYYY-MM-DD (1995-07-14). A dash may stand for a slash
(7-14-95), leading zeros are optional.

The century rule: a two-digit year is the most recent year ending in those two digits with which the date is not
after today. Typed on 12/7/2026: "6/18/14" is 6/18/2014, "7/14/95" is 7/14/1995, "12/1/26" is 12/1/2026 and
"12/31/26" is 12/31/1926. A field that takes future dates (a licence's expiry, an absence) reads a two-digit year as
the year ending in those digits nearest to today instead ("6/30/28" is 2028).

A year before 1900 is refused, whichever way it was written: no date the portal keeps is that old, and a year such
as 0014 is what a two-digit year read as four digits gives (the bug this module replaced).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

EARLIEST = date(1900, 1, 1)
HOW_TO_WRITE = "Write it as M/D/YYYY (7/14/1995), M/D/YY (7/14/95) or YYYY-MM-DD (1995-07-14)."
DISPLAY_FORMAT = "%m/%d/%Y"

_US = re.compile(r"^(\d{1,2})([/-])(\d{1,2})\2(\d+)$")
_ISO = re.compile(r"^(\d+)-(\d{1,2})-(\d{1,2})$")


@dataclass(frozen=True)
class Month:
    """A calendar month: the period of an invoice, a statement or the late-records report."""

    first: date

    @classmethod
    def parse(cls, text: str) -> Month:
        """``YYYY-MM`` → the month; ``ValueError`` naming the expected form otherwise."""
        try:
            day = datetime.strptime(text.strip(), "%Y-%m").date()
        except ValueError:
            raise ValueError(f"{text!r} is not a month: write it as YYYY-MM, e.g. 2026-11.") from None
        return cls(day)

    @classmethod
    def of(cls, day: date) -> Month:
        return cls(day.replace(day=1))

    @property
    def last(self) -> date:
        return self.first.replace(day=calendar.monthrange(self.first.year, self.first.month)[1])

    @property
    def key(self) -> str:
        """As a URL and the month control write it (``2026-11``)."""
        return f"{self.first:%Y-%m}"

    @property
    def label(self) -> str:
        return f"{self.first:%B %Y}"

    def previous(self) -> Month:
        return Month.of(self.first - timedelta(days=1))

    def next(self) -> Month:
        return Month(self.last + timedelta(days=1))


def show(value: date) -> str:
    """A date as the portal writes it (MM/DD/YYYY, as the letters do; a year before 1000 with its zeros: 0014)."""
    return f"{value.month:02d}/{value.day:02d}/{value.year:04d}"


def _checked(text: str, year: int, month: int, day: int) -> date:
    if not 1 <= month <= 12:
        raise ValidationError(f"{text} is not a date: there is no month {month}. {HOW_TO_WRITE}", code="invalid_date")
    last = calendar.monthrange(year if year >= 1 else 2000, month)[1]
    if not 1 <= day <= last:
        name = f"February {year}" if month == 2 and year >= 1 else calendar.month_name[month]
        raise ValidationError(f"{text} is not a date: {name} has {last} days. {HOW_TO_WRITE}", code="invalid_date")
    if year < EARLIEST.year:
        raise ValidationError(
            f"{text}: the year {year:04d} is before 1900. {HOW_TO_WRITE}", code="too_early", params={"year": year}
        )
    return date(year, month, day)


def _century(text: str, two_digits: int, month: int, day: int, *, today: date, future: bool) -> date:
    """The full date of a two-digit year, by the century rule of this module's docstring."""
    base = today.year - today.year % 100 + two_digits  # this century's year ending in those digits
    if future:
        candidates = sorted((base - 100, base, base + 100), key=lambda year: abs(year - today.year))
        return _checked(text, candidates[0], month, day)
    problem: ValidationError | None = None
    for year in (base, base - 100, base - 200):
        try:
            found = _checked(text, year, month, day)
        except ValidationError as error:  # 2/29 of a year that has none: the century before may have one
            problem = problem or error
            continue
        if found <= today:
            return found
    raise problem or ValidationError(f"{text} is not a date. {HOW_TO_WRITE}", code="invalid_date")


def parse_date(text: str, *, today: date | None = None, future: bool = False) -> date:
    """A typed date, or ``ValidationError`` saying what is wrong and how to write it. ``future``: a two-digit year
    may be read as a year to come (see the module's docstring); whether a future date is allowed is the caller's."""
    text = (text or "").strip()
    today = today or timezone.localdate()
    us = _US.match(text)
    if us is None:
        iso = _ISO.match(text)
        if iso is None:
            raise ValidationError(f"{text} is not a date. {HOW_TO_WRITE}", code="invalid_date")
        if len(iso.group(1)) != 4:
            raise ValidationError(f"{text}: write the year with four digits. {HOW_TO_WRITE}", code="invalid_date")
        return _checked(text, int(iso.group(1)), int(iso.group(2)), int(iso.group(3)))
    month, day, year = int(us.group(1)), int(us.group(3)), us.group(4)
    if len(year) == 2:
        return _century(text, int(year), month, day, today=today, future=future)
    if len(year) != 4:
        raise ValidationError(f"{text}: write the year with two or four digits. {HOW_TO_WRITE}", code="invalid_date")
    return _checked(text, int(year), month, day)


class DateInput(forms.DateInput):
    """A text box (not the browser's date picker, whose year box turns a typed "14" into 0014), shown as MM/DD/YYYY."""

    def __init__(self, attrs: dict | None = None):
        super().__init__(
            attrs={"placeholder": "M/D/YYYY", "autocomplete": "off", "spellcheck": "false", **(attrs or {})},
            format=DISPLAY_FORMAT,
        )

    def format_value(self, value):
        # A stored year before 1000 shown with its zeros (0014), so that it is seen, not re-read as 2014 unnoticed.
        return show(value) if isinstance(value, date) else super().format_value(value)


class DateField(forms.DateField):
    """The one date field of the portal's forms: ``parse_date`` for what is typed, a year before 1900 refused, and a
    date after today refused unless ``allow_future``."""

    widget = DateInput

    def __init__(self, *, allow_future: bool = False, **kwargs):
        self.allow_future = allow_future
        kwargs.pop("input_formats", None)
        super().__init__(**kwargs)

    def to_python(self, value) -> date | None:
        if value in self.empty_values:
            return None
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        return parse_date(str(value), future=self.allow_future)

    def validate(self, value) -> None:
        super().validate(value)
        if value is not None and not self.allow_future and value > timezone.localdate():
            raise ValidationError(
                f"{show(value)} is in the future: this date cannot be after today ({show(timezone.localdate())}).",
                code="future",
            )


class FutureDateField(DateField):
    """A date that may lie ahead (a licence's expiry, an absence, a search's range): a two-digit year is the year
    ending in those digits nearest to this one."""

    def __init__(self, **kwargs):
        super().__init__(allow_future=True, **kwargs)
