"""The statutory clock: which track a case is on, when its records are due, when its determination is due
(DOMAIN.md, "Deadline" and "Records"). Pure functions of dates; the rules, their sources and how the portal reads
them where the text is unclear:

Tracks (LC 4610.6(d))
- standard: 30 calendar days from receipt of the application and the supporting documentation.
- expedited: 3 calendar days, same start (imminent and serious threat to the employee's health).
- formulary: 5 *working* days, same start, for a dispute over a drug of the MTUS Drug Formulary
  (LC 4610.6(d)(1)(A); 8 CCR 9792.27.1 ff.). Working days skip Saturdays, Sundays and California state holidays as
  the ``holidays`` package lists them (``holidays.country_holidays("US", subdiv="CA")``, observed days included).

Counting (how the portal reads it)
- Day 0 is the day the clock starts (the later of the application received and the records complete); the deadline
  is day N (Cal. Civ. Code 10 / CCP 12: the first day excluded, the last included).
- A calendar-day deadline is *not* moved when its last day is a weekend or a holiday. CCP 12a would extend a party's
  time to act; the portal shows the earliest day the law could hold anyone to, so a case is never shown on time that
  the state could count late, and a claims administrator who uses the extension shows as late by those days (the
  late-records report gives every date, so a reader can apply CCP 12a). Working-day deadlines (formulary, the
  authorization of an overturned treatment) skip non-working days by definition.
- A working-day count never counts its start day: the first counted day is the first working day after it, so
  records complete on a Friday, a Saturday or a Sunday give the same formulary due date (day 1 is the Monday).
- A case mixing formulary drugs and other treatment is decided in one determination and one letter, so it has one
  deadline: the earliest the law sets for any of its items. A formulary item puts the whole case on the formulary
  track (5 working days always fall before 30 calendar days); expedited (3 calendar days) beats both. An
  administrator may set the track by hand (e.g. after splitting a case), with the reason on the timeline.
- Conversion to expedited (8 CCR 9792.10.4(c), the treating physician's certification of an imminent and serious
  threat): the 3 days run from the later of the clock's start and the day of the certification, but never past the
  due date the case already had (the earlier deadline still binds). Records not yet in are then due 24 hours after
  the conversion, or at their first due date if that is earlier.
- A determination rescinded on appeal (LC 4610.6(i)) is reviewed anew by a different reviewer: the new review's
  clock starts the day the case is reopened (the WCAB order received; the records are in hand) on the same track.

Records (8 CCR 9792.10.5): due 15 calendar days after a mailed notice (10 + 5 for mailing), 12 after an electronic
one, 24 hours (the next day) for expedited review. The formulary track keeps the 15/12 days: 9792.10.5 as summarised
here sets no shorter period for it.

After the decision
- Appeal to the WCAB: 30 days from service of the determination (LC 4610.6(h)); plus 5 calendar days when the letter
  was served by mail to an address in California (CCP 1013(a)); 10 outside California, 20 outside the United States
  (CCP 1013(a)). The portal does not roll the last day to the next business day (see "Counting").
- Overturned treatment: the claims administrator authorizes it within 5 working days of the determination
  (8 CCR 9792.10.7); counted like the formulary track, from the determination's date.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

import holidays
from django.db import models
from django.utils import timezone


class Priority(models.TextChoices):
    STANDARD = "standard", "Standard"
    EXPEDITED = "expedited", "Expedited"


class Track(models.TextChoices):
    """Which deadline a case runs on (LC 4610.6(d)); the order is strictness: expedited beats formulary beats
    standard."""

    STANDARD = "standard", "Standard (30 days)"
    FORMULARY = "formulary", "Formulary drug (5 working days)"
    EXPEDITED = "expedited", "Expedited (3 days)"


class ItemKind(models.TextChoices):
    """A disputed item's kind for the clock (``imr-case/1`` ``items[].kind``); empty: the portal decides."""

    FORMULARY_DRUG = "formulary_drug", "Formulary drug"
    OTHER = "other", "Other treatment"


class RecordsMethod(models.TextChoices):
    """How the notice asking the claims administrator for the records was sent; it sets when they are due."""

    MAIL = "mail", "Mail (15 days)"
    ELECTRONIC = "electronic", "Electronic (12 days)"


class ServiceMethod(models.TextChoices):
    """How the determination was served on the party who appeals: it sets the appeal deadline (CCP 1013(a))."""

    MAIL_CALIFORNIA = "mail_california", "Mail within California (+5 days)"
    MAIL_OUT_OF_STATE = "mail_out_of_state", "Mail outside California (+10 days)"
    MAIL_ABROAD = "mail_abroad", "Mail outside the United States (+20 days)"
    ELECTRONIC = "electronic", "E-mail, fax or personal delivery (no extension)"


# The rule of each track as the case page states it.
TRACK_RULES: dict[str, str] = {
    Track.STANDARD: (
        "Standard review: due 30 calendar days after the day both the application and complete records are in "
        "(LC 4610.6(d)). A due date on a weekend or holiday is not moved."
    ),
    Track.FORMULARY: (
        "Formulary drug dispute: due 5 working days (weekends and California state holidays skipped) after the day "
        "both the application and complete records are in (LC 4610.6(d)(1)(A)). A case mixing formulary drugs and "
        "other treatment is decided in one determination, so it runs on this, the earliest, deadline."
    ),
    Track.EXPEDITED: (
        "Expedited review: due 3 calendar days after the day both the application and complete records are in "
        "(LC 4610.6(d)). Converted mid-way (8 CCR 9792.10.4(c)): 3 days from the physician's certification, never "
        "later than the date already due."
    ),
}

STANDARD_DAYS = 30
EXPEDITED_DAYS = 3
FORMULARY_WORKING_DAYS = 5
AUTHORIZATION_WORKING_DAYS = 5
APPEAL_DAYS = 30
APPEAL_EXTENSION_DAYS: dict[str, int] = {
    ServiceMethod.MAIL_CALIFORNIA: 5,
    ServiceMethod.MAIL_OUT_OF_STATE: 10,
    ServiceMethod.MAIL_ABROAD: 20,
    ServiceMethod.ELECTRONIC: 0,
}
# Days left at which a running case shows as at risk, per track.
AT_RISK_DAYS: dict[str, int] = {Track.STANDARD: 5, Track.EXPEDITED: 1, Track.FORMULARY: 2}
RECORDS_DAYS: dict[str, int] = {RecordsMethod.MAIL: 15, RecordsMethod.ELECTRONIC: 12}
RECORDS_DAYS_EXPEDITED = 1


@cache
def california_holidays(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("US", subdiv="CA", years=year)


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in california_holidays(day.year)


def add_working_days(start: date, days: int) -> date:
    """The ``days``-th working day after ``start`` (``start`` itself never counts)."""
    current = start
    counted = 0
    while counted < days:
        current += timedelta(days=1)
        if is_working_day(current):
            counted += 1
    return current


def track_for(priority: str, *, has_formulary_items: bool, override: str = "") -> str:
    """The case's track: the administrator's choice when made, else expedited, else formulary when any item is a
    formulary drug, else standard (a mixed case runs on its strictest item's deadline)."""
    if override:
        return override
    if priority == Priority.EXPEDITED:
        return Track.EXPEDITED
    return Track.FORMULARY if has_formulary_items else Track.STANDARD


def clock_start(
    application_received: date | None, records_received: date | None, reopened_on: date | None = None
) -> date | None:
    if application_received is None or records_received is None:
        return None
    return max(day for day in (application_received, records_received, reopened_on) if day is not None)


def _due_from(track: str, start: date) -> date:
    if track == Track.EXPEDITED:
        return start + timedelta(days=EXPEDITED_DAYS)
    if track == Track.FORMULARY:
        return add_working_days(start, FORMULARY_WORKING_DAYS)
    return start + timedelta(days=STANDARD_DAYS)


def due_date(
    track: str,
    application_received: date | None,
    records_received: date | None,
    *,
    expedited_on: date | None = None,
    base_track: str = Track.STANDARD,
    reopened_on: date | None = None,
) -> date | None:
    """When the determination is due. ``expedited_on``: the day a case on ``base_track`` was converted to expedited."""
    start = clock_start(application_received, records_received, reopened_on)
    if start is None:
        return None
    if track == Track.EXPEDITED and expedited_on is not None and expedited_on > start:
        return min(_due_from(base_track, start), expedited_on + timedelta(days=EXPEDITED_DAYS))
    return _due_from(track, start)


def records_due_date(
    track: str, records_requested: date | None, method: str, *, expedited_on: date | None = None
) -> date | None:
    """When the claims administrator's documents are due (8 CCR 9792.10.5)."""
    if records_requested is None:
        return None
    regular = records_requested + timedelta(days=RECORDS_DAYS.get(method, RECORDS_DAYS[RecordsMethod.MAIL]))
    if track != Track.EXPEDITED:
        return regular
    if expedited_on is not None and expedited_on > records_requested:
        return min(regular, expedited_on + timedelta(days=RECORDS_DAYS_EXPEDITED))
    return records_requested + timedelta(days=RECORDS_DAYS_EXPEDITED)


def appeal_deadline(served_on: date, method: str) -> date:
    """The last day to appeal the determination to the WCAB (LC 4610.6(h); CCP 1013(a) for mailed service)."""
    return served_on + timedelta(days=APPEAL_DAYS + APPEAL_EXTENSION_DAYS.get(method, 0))


def authorization_due(decided_on: date | None) -> date | None:
    """The last day for the claims administrator to authorize an overturned treatment (8 CCR 9792.10.7)."""
    return add_working_days(decided_on, AUTHORIZATION_WORKING_DAYS) if decided_on is not None else None


def days_between(start: date | None, end: date | None) -> int | None:
    return (end - start).days if start is not None and end is not None else None


@dataclass(frozen=True)
class ClockState:
    """What a list or page shows about the deadline."""

    key: str  # on_track, at_risk, overdue, not_started, met, late, stopped
    label: str
    days_left: int | None
    due: date | None
    # (days since the application was received, days since the records were complete), each None when unknown.
    ages: tuple[int | None, int | None] = (None, None)

    @property
    def ages_text(self) -> str:
        application, records = self.ages
        parts = []
        if application is not None:
            parts.append(f"{_days(application)} since the application")
        if records is not None:
            parts.append(f"{_days(records)} since records complete")
        return ", ".join(parts)

    @property
    def css_class(self) -> str:
        return {
            "on_track": "text-bg-success",
            "at_risk": "text-bg-warning",
            "overdue": "text-bg-danger",
            "late": "text-bg-danger",
            "met": "text-bg-secondary",
        }.get(self.key, "text-bg-light")


def _days(n: int) -> str:
    return f"{n} day" if abs(n) == 1 else f"{n} days"


def clock_state(
    *, priority: str, due: date | None, decided_on: date | None, running: bool, today: date | None = None
) -> ClockState:
    """``priority``: the case's track (a priority value is a track value too)."""
    today = today or timezone.localdate()
    if decided_on is not None and due is not None:
        if decided_on <= due:
            return ClockState("met", "Decided on time", None, due)
        return ClockState("late", f"Decided {_days((decided_on - due).days)} late", None, due)
    if not running:
        return ClockState("stopped", "Clock stopped", None, due)
    if due is None:
        return ClockState("not_started", "Clock not started (records awaited)", None, None)
    left = (due - today).days
    if left < 0:
        return ClockState("overdue", f"Overdue by {_days(-left)}", left, due)
    if left <= AT_RISK_DAYS.get(priority, 5):
        label = "Due today" if left == 0 else f"Due in {_days(left)}"
        return ClockState("at_risk", label, left, due)
    return ClockState("on_track", f"{_days(left)} left", left, due)
