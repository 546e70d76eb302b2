"""The rules a case's dates keep, written once: the intake form, the records moves on the case page, the importer
(``cases.interchange.case_rules``) and ``manage.py check_dates`` all ask ``problems``.

- No date before 1900 (what a two-digit year read as four digits gives: 0014) and none after today.
- Injury ≤ UR determination ≤ application received ≤ assignment: each date against the nearest earlier one given.
- The UR decision is served on or after its date; the employee is born on or before the injury.
- Records are received on or after the day they were requested.
- An open case whose dates put it more than a year past its due date (``cases.clock``) is almost always a mistyped
  year (records "received" in 2014 on a case of 2026): refused, unless the person confirms it (``confirmable``).

How a typed date is read (M/D/YY and its century rule, M/D/YYYY, ISO) is ``core.dates``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone

from cases import clock
from cases.lifecycle import CLOCK_RUNNING_STATES, Status
from core.dates import EARLIEST, show

# The case's date fields, with the name a message gives each.
LABELS = {
    "date_of_injury": "date of injury",
    "ur_determination_date": "UR determination date",
    "application_received": "application received date",
    "assigned_date": "date assigned",
    "ur_decision_served_on": "date the UR decision was served",
    "employee_date_of_birth": "employee's date of birth",
    "records_requested": "records requested date",
    "records_received": "records received date",
    "decision_date": "decision date",
}
# Each of these is on or after the ones before it.
CHAIN = ("date_of_injury", "ur_determination_date", "application_received", "assigned_date")
# (later, earlier, what the later one cannot be): the later date must not be before the earlier one.
_ORDER_WORDS = {
    "ur_determination_date": "The UR determination cannot be before",
    "application_received": "The application cannot be received before",
    "assigned_date": "The case cannot be assigned before",
}
_EARLIER_WORDS = {
    "date_of_injury": "the date of injury",
    "ur_determination_date": "the UR determination",
    "application_received": "the application was received",
}
_PAIRS = (
    ("ur_decision_served_on", "ur_determination_date", "The UR decision cannot be served before it was made."),
    ("date_of_injury", "employee_date_of_birth", "The date of injury cannot be before the employee's date of birth."),
    ("records_received", "records_requested", "Records cannot be received before they were requested."),
)
OVERDUE_LIMIT = timedelta(days=365)
OPEN_STATES = frozenset(CLOCK_RUNNING_STATES) | {Status.RECEIVED}


@dataclass(frozen=True)
class Problem:
    field: str  # the Case field the message belongs to
    rule: str  # before_1900, future, order, overdue
    message: str
    confirmable: bool = False  # may stand if the person confirms it (only the overdue rule)


def _one_date(field: str, value: date, today: date, write: Callable[[date], str]) -> Problem | None:
    if value < EARLIEST:
        return Problem(
            field,
            "before_1900",
            f"The {LABELS[field]} {write(value)} is before 1900: a year typed with two digits was probably read as "
            f"{value.year:04d}.",
        )
    if value > today:
        return Problem(
            field, "future", f"The {LABELS[field]} {write(value)} is in the future (today is {write(today)})."
        )
    return None


def _order(dates: Mapping[str, date], write: Callable[[date], str]) -> list[Problem]:
    """The order rules, over the dates that are known and sound."""
    found = []
    earlier: str | None = None
    for field in CHAIN:
        value = dates.get(field)
        if value is None:
            continue
        if earlier is not None and value < dates[earlier]:
            found.append(
                Problem(
                    field,
                    "order",
                    f"{_ORDER_WORDS[field]} {_EARLIER_WORDS[earlier]}. "
                    f"The {LABELS[earlier]} is {write(dates[earlier])}.",
                )
            )
        else:
            earlier = field
    for later, before, words in _PAIRS:
        if later in dates and before in dates and dates[later] < dates[before]:
            found.append(Problem(later, "order", f"{words} The {LABELS[before]} is {write(dates[before])}."))
    return found


def overdue_problem(
    dates: Mapping[str, date | None], *, priority: str, today: date, write: Callable[[date], str] = show
) -> Problem | None:
    """More than a year past due, by the clock, with these dates (the case taken as open)."""
    received, records = dates.get("application_received"), dates.get("records_received")
    due = clock.due_date(priority, received, records)
    if due is None or today - due <= OVERDUE_LIMIT:
        return None
    field = "records_received" if records and received and records > received else "application_received"
    return Problem(
        field,
        "overdue",
        f"With these dates the case was due on {write(due)} and would be {(today - due).days} days "
        "overdue: more than a year. Check the year.",
        confirmable=True,
    )


def problems(
    dates: Mapping[str, date | None],
    *,
    status: str = Status.RECEIVED,
    priority: str = clock.Priority.STANDARD,
    today: date | None = None,
    write: Callable[[date], str] = show,
) -> list[Problem]:
    """Every rule of this module that the case's dates (keyed by Case field; absent or None: not known) break.
    ``write`` shows a date in the messages (the forms' MM/DD/YYYY; the importer's ISO)."""
    today = today or timezone.localdate()
    found = [
        problem
        for field, value in dates.items()
        if value is not None and field in LABELS
        for problem in [_one_date(field, value, today, write)]
        if problem is not None
    ]
    # A date already refused as before 1900 or in the future is not compared with the others: one message a field.
    sound = {field: value for field, value in dates.items() if value is not None and EARLIEST <= value <= today}
    found.extend(_order(sound, write))
    if status in OPEN_STATES and not any(problem.rule == "before_1900" for problem in found):
        overdue = overdue_problem(sound, priority=priority, today=today, write=write)
        if overdue is not None:
            found.append(overdue)
    return found
