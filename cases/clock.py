"""The statutory clock (DOMAIN.md, "Deadline" and "Records").

Regular review: 30 days, expedited: 3 days, counted from the day both the application and the supporting records
are in hand. Records are due from the claims administrator 15 days after a mailed notice, 12 after an electronic one,
and within 24 hours for an expedited review.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db import models
from django.utils import timezone


class Priority(models.TextChoices):
    STANDARD = "standard", "Standard"
    EXPEDITED = "expedited", "Expedited"


class RecordsMethod(models.TextChoices):
    """How the notice asking the claims administrator for the records was sent; it sets when they are due."""

    MAIL = "mail", "Mail (15 days)"
    ELECTRONIC = "electronic", "Electronic (12 days)"


STANDARD_DAYS = 30
EXPEDITED_DAYS = 3
AT_RISK_DAYS = {Priority.STANDARD: 5, Priority.EXPEDITED: 1}
RECORDS_DAYS = {RecordsMethod.MAIL: 15, RecordsMethod.ELECTRONIC: 12}
RECORDS_DAYS_EXPEDITED = 1


def clock_start(application_received: date | None, records_received: date | None) -> date | None:
    if application_received is None or records_received is None:
        return None
    return max(application_received, records_received)


def due_date(priority: str, application_received: date | None, records_received: date | None) -> date | None:
    start = clock_start(application_received, records_received)
    if start is None:
        return None
    return start + timedelta(days=EXPEDITED_DAYS if priority == Priority.EXPEDITED else STANDARD_DAYS)


def records_due_date(priority: str, records_requested: date | None, method: str) -> date | None:
    if records_requested is None:
        return None
    days = (
        RECORDS_DAYS_EXPEDITED
        if priority == Priority.EXPEDITED
        else RECORDS_DAYS.get(method, RECORDS_DAYS[RecordsMethod.MAIL])
    )
    return records_requested + timedelta(days=days)


@dataclass(frozen=True)
class ClockState:
    """What a list or page shows about the deadline."""

    key: str  # on_track, at_risk, overdue, not_started, met, late, stopped
    label: str
    days_left: int | None
    due: date | None

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
