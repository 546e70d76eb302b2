"""The organization's figures, kept up to date by the database (PostgreSQL triggers, ``operations/sql.py``), so that a
page reads a few hundred aggregate rows instead of counting 100,000 cases.

Two kinds of table:

- the open queue (``QueueCount``, ``RecordsAwaited``): counts of the open cases per key, changed by a delta for each
  statement on the case table, as ``cases.CaseStateCount`` is;
- the daily figures (``DailyFigure``, ``DailyOutcome`` and its sums ``MonthlyOutcome`` and ``YearlyOutcome``,
  ``DailyAge``): one row per day and key, the sum of what each case contributes (by its day of application and day
  of decision; QA's figures by a determination's day of QA). A statement on a case, a determination, an item
  decision or a disputed item takes the contributions of the cases it touched out as they were and puts them in as
  they are: a write costs its own case's rows, whatever else was decided that day.

``rebuild()`` recomputes all of it, and the quality program's ``QualityFigure`` (after a load that bypassed the
triggers).
"""

from django.conf import settings
from django.db import connection, models

from cases.clock import Track
from cases.lifecycle import Status


class QueueCount(models.Model):
    """How many open cases are in a state, on a track, due on a day (empty: the clock has not started)."""

    status = models.CharField(max_length=32, choices=Status.choices)
    track = models.CharField(max_length=16, choices=Track.choices)
    due_date = models.DateField(null=True)
    count = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["status", "track", "due_date"], name="queue_count_key", nulls_distinct=False
            )
        ]

    def __str__(self) -> str:
        return f"{self.status}/{self.track}/{self.due_date}: {self.count}"


class ReviewerLoad(models.Model):
    """How many cases are with a reviewer (offered, in review, in QA), per state."""

    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    status = models.CharField(max_length=32, choices=Status.choices)
    count = models.BigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["reviewer", "status"], name="reviewer_load_key")]

    def __str__(self) -> str:
        return f"reviewer #{self.reviewer_id} {self.status}: {self.count}"


class RecordsAwaited(models.Model):
    """How many open cases wait for records from a claims administrator, by the day and the way they were asked."""

    claims_administrator = models.ForeignKey(
        "core.Party", null=True, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    track = models.CharField(max_length=16, choices=Track.choices)
    records_requested = models.DateField()
    records_request_method = models.CharField(max_length=16)
    count = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["claims_administrator", "track", "records_requested", "records_request_method"],
                name="records_awaited_key",
                nulls_distinct=False,
            )
        ]

    def __str__(self) -> str:
        return f"{self.claims_administrator_id} {self.records_requested}: {self.count}"


class DailyFigure(models.Model):
    """A count of cases (or determinations) for a day: ``figure`` says which, ``key`` splits it (a reason, a reviewer).

    Figures by the day the application was received: ``received``, ``unique``, ``eligible``, ``ineligible`` (key: the
    reason), ``withdrawn``, ``terminated``. By the day of the decision: ``decided``, ``expedited``, ``formulary``,
    ``cases_upheld``, ``cases_overturned``, ``cases_partial``, ``on_time``, ``late``, ``reviewer_on_time`` and
    ``reviewer_late`` (key: the reviewer's id). By the day of QA: ``qa_reviewed``, ``qa_returned``."""

    day = models.DateField()
    historical = models.BooleanField(default=False)
    figure = models.CharField(max_length=32)
    key = models.CharField(max_length=200, blank=True)
    count = models.BigIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["day", "figure"], name="daily_figure_day")]

    def __str__(self) -> str:
        return f"{self.day} {self.figure} {self.key}: {self.count}"


class OutcomeSum(models.Model):
    """Items upheld and overturned over a span (a day, a month, a year: the subclass's date), split by one
    ``dimension`` at a time: ``all``, ``category``, ``guideline`` (an MTUS chapter or a non-MTUS source; ``none`` when
    no evidence was cited), ``specialty`` (the reviewer's certifications printed on the letter),
    ``claims_administrator``, ``physician`` (ids), ``reviewer`` (id)."""

    historical = models.BooleanField(default=False)
    dimension = models.CharField(max_length=24)
    key = models.CharField(max_length=300, blank=True)
    upheld = models.BigIntegerField(default=0)
    overturned = models.BigIntegerField(default=0)

    class Meta:
        abstract = True


class DailyOutcome(OutcomeSum):
    """The outcomes of a day of decision."""

    day = models.DateField()

    class Meta:
        # Day first: a page reads a range of days.
        indexes = [models.Index(fields=["day", "dimension"], name="daily_outcome_day")]

    def __str__(self) -> str:
        return f"{self.day} {self.dimension}={self.key}: {self.upheld}/{self.overturned}"


class MonthlyOutcome(OutcomeSum):
    """``DailyOutcome`` summed by month (``month``: its first day), kept by the same deltas: a period of whole months
    reads a row a key a month instead of a row a key a day (a year of the high-cardinality dimensions — physicians,
    reviewers, claims administrators — is about one row a decided case by day)."""

    month = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["month", "historical", "dimension", "key"], name="monthly_outcome_key")
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.dimension}={self.key}: {self.upheld}/{self.overturned}"


class YearlyOutcome(OutcomeSum):
    """``DailyOutcome`` summed by year (``year``: its first day), kept by the same deltas: this year to date reads a
    row a key (and the days after the period, if any) instead of a row a key a month."""

    year = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["year", "historical", "dimension", "key"], name="yearly_outcome_key")
        ]

    def __str__(self) -> str:
        return f"{self.year:%Y} {self.dimension}={self.key}: {self.upheld}/{self.overturned}"


class DailyAge(models.Model):
    """How many cases decided on a day took ``days`` days, from the application (``measure`` = ``application``) or
    from complete records (``records``): a histogram, from which medians and 90th percentiles are read."""

    day = models.DateField()
    historical = models.BooleanField(default=False)
    measure = models.CharField(max_length=16)
    days = models.IntegerField()
    count = models.BigIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["day", "measure"], name="daily_age_day")]

    def __str__(self) -> str:
        return f"{self.day} {self.measure} {self.days}d: {self.count}"


def rebuild() -> None:
    """Recompute every aggregate from the cases (PostgreSQL), in the caller's transaction."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT operations_rebuild()")
        cursor.execute("SELECT operations_quality_rebuild()")


# The quality program's tables live in their own module; imported here so Django finds them.
from operations.quality_models import QualityFigure, QualitySetting, SecondReview, SecondReviewItem  # noqa: E402, F401
