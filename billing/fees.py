"""The money rules, pure functions: which fee kind a case is billed as, how old a debt is (a month is
``core.dates.Month``).

A case's fee kind follows from its track (``cases.clock.Track``) and how it ended (8 CCR 9792.10.8 and the DWC's fee
notices, which price a review by whether a determination was issued, standard or expedited, pharmacy-only or not, and
whether it ended before or after the file went to a medical reviewer). The amounts are data (``billing.models.Fee``).
"""

from __future__ import annotations

from django.db import models

from cases.clock import Track
from cases.lifecycle import Status


class FeeKind(models.TextChoices):
    STANDARD = "standard", "Standard review, determination issued"
    EXPEDITED = "expedited", "Expedited review, determination issued"
    FORMULARY = "formulary", "Formulary (pharmacy-only) review, determination issued"
    ENDED_BEFORE_REVIEWER = "ended_before_reviewer", "Ended before the case went to a reviewer"
    ENDED_AFTER_REVIEWER = "ended_after_reviewer", "Ended after the case went to a reviewer"


class Outcome(models.TextChoices):
    """How a billed case ended."""

    DETERMINED = "determined", "Determination issued"
    WITHDRAWN = "withdrawn", "Withdrawn"
    TERMINATED = "terminated", "Terminated (treatment authorized)"
    INELIGIBLE = "ineligible", "Dismissed as ineligible"


# The states a billed case can be in, and how each ended. CLOSED is never billed: a historical case was decided
# elsewhere, and a case joined into another (9792.10.4(a)) is decided, and billed, in the lead case.
OUTCOME_OF_STATUS = {
    Status.DETERMINED: Outcome.DETERMINED,
    Status.LETTER_SIGNED: Outcome.DETERMINED,
    Status.SERVED: Outcome.DETERMINED,
    Status.WITHDRAWN: Outcome.WITHDRAWN,
    Status.TERMINATED: Outcome.TERMINATED,
    Status.INELIGIBLE: Outcome.INELIGIBLE,
}
ENDED_EARLY_STATES = (Status.WITHDRAWN, Status.TERMINATED, Status.INELIGIBLE)
DECIDED_BILLABLE_STATES = (Status.DETERMINED, Status.LETTER_SIGNED, Status.SERVED)

_DETERMINED_KIND = {
    Track.STANDARD: FeeKind.STANDARD,
    Track.EXPEDITED: FeeKind.EXPEDITED,
    Track.FORMULARY: FeeKind.FORMULARY,
}


def fee_kind(track: str, outcome: str, *, went_to_reviewer: bool) -> FeeKind:
    """The fee kind of a case: a determination is priced by its track; a case that ended without one by whether it
    had gone to a reviewer ("terminated or dismissed before / after forwarding to a medical professional reviewer",
    as the DWC's notices word it), whatever its track."""
    if outcome == Outcome.DETERMINED:
        return _DETERMINED_KIND[Track(track)]
    return FeeKind.ENDED_AFTER_REVIEWER if went_to_reviewer else FeeKind.ENDED_BEFORE_REVIEWER


# Aging of what is owed: days since the invoice was sent, in the buckets receivables are usually reported in.
AGING_BUCKETS: tuple[tuple[str, int, int | None], ...] = (
    ("0-30", 0, 30),
    ("31-60", 31, 60),
    ("61-90", 61, 90),
    ("over 90", 91, None),
)


def aging_bucket(days_outstanding: int) -> str:
    for label, low, high in AGING_BUCKETS:
        if days_outstanding >= low and (high is None or days_outstanding <= high):
            return label
    return AGING_BUCKETS[0][0]  # an invoice dated in the future (a clock set back) counts as current
