"""The clock's tables: the MTUS Drug List (which items put a case on the formulary track), the records checklist of
8 CCR 9792.10.5 (which documents the claims administrator owes, and when each arrived) and appeals to the WCAB.

Imported by ``cases.models`` (the app's models module), so Django finds them; they point at the case by name.
"""

import dataclasses
from datetime import date
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property

from cases import clock
from cases.clock import Priority, ServiceMethod, Track
from cases.lifecycle import CLOCK_RUNNING_STATES, Status


class CaseClock(models.Model):
    """The case's clock fields and what is computed from them (``Case`` inherits them)."""

    # The deadline's track (cases.clock.track_for): derived from the priority, the items and the administrator's
    # override, stored so that lists filter and sort on it.
    track = models.CharField(
        max_length=16,
        choices=Track.choices,
        default=Track.STANDARD,
        db_default=Track.STANDARD,
        editable=False,
        db_index=True,
    )
    track_override = models.CharField(
        "track set by the administrator", max_length=16, choices=Track.choices, blank=True, default="", db_default=""
    )
    track_reason = models.TextField("why the track was set by hand", blank=True, default="", db_default="")
    # Kept by cases.services.tracks.refresh_track from the items (their kind, or the drug list).
    has_formulary_items = models.BooleanField(default=False, db_default=False, editable=False)
    expedited_on = models.DateField(
        "converted to expedited on", null=True, blank=True, help_text="The treating physician's certification."
    )
    reopened_on = models.DateField(
        "reopened on", null=True, blank=True, help_text="A rescinded determination reviewed anew (LC 4610.6(i))."
    )

    # The fields the track and the due date are computed from (Case.save adds both to ``update_fields``).
    CLOCK_INPUTS = frozenset(
        {
            "priority",
            "application_received",
            "records_received",
            "track_override",
            "has_formulary_items",
            "expedited_on",
            "reopened_on",
        }
    )

    if TYPE_CHECKING:  # what the concrete model (Case) brings, which these methods read
        status: str
        decision_date: date | None
        appeals: Any
        records_checklist: Any

        @property
        def is_decided(self) -> bool: ...

    class Meta:
        abstract = True

    def update_clock(self, update_fields):
        """Set the track and the due date from their inputs; the ``update_fields`` a save needs then."""
        self.track = clock.track_for(
            self.priority, has_formulary_items=self.has_formulary_items, override=self.track_override
        )
        self.due_date = self.compute_due_date()
        if update_fields is not None and self.CLOCK_INPUTS & set(update_fields):
            return set(update_fields) | {"due_date", "track"}
        return update_fields

    @property
    def clock(self) -> clock.ClockState:
        """The clock's state, with both ages (every list's badge shows them in its title)."""
        ages = (self.age_since_application(), self.age_since_records())
        if self.is_decided and self.due_date is None and self.decision_date is not None:
            return clock.ClockState("decided", f"Decided {self.decision_date:%m/%d/%Y}", None, None, ages)
        state = clock.clock_state(
            priority=self.track,
            due=self.due_date,
            decided_on=self.decision_date if self.is_decided else None,
            # A case just received has no clock yet (eligibility comes first): shown as not started, not stopped.
            running=self.status in CLOCK_RUNNING_STATES or self.status == Status.RECEIVED,
        )
        return dataclasses.replace(state, ages=ages)

    @property
    def records_due_date(self):
        return clock.records_due_date(
            self.track, self.records_requested, self.records_request_method, expedited_on=self.expedited_on
        )

    @cached_property
    def excluded_reviewer_ids(self) -> frozenset[int]:
        """Reviewers of a determination of this case rescinded on appeal: never its reviewer again (LC 4610.6(i))."""
        if self.reopened_on is None:
            return frozenset()
        rescinded = self.appeals.filter(outcome=Appeal.Outcome.RESCINDED, original_reviewer__isnull=False)
        return frozenset(rescinded.values_list("original_reviewer", flat=True))

    def missing_records(self) -> list[str]:
        """The documents of the records checklist not received yet (all of them before the checklist is used)."""
        received = set(self.records_checklist.filter(received_on__isnull=False).values_list("kind", flat=True))
        return [label for kind, label in RecordsDocument.Kind.choices if kind not in received]

    @property
    def base_track(self) -> str:
        """The track the case had before a conversion to expedited."""
        override = self.track_override if self.track_override != Track.EXPEDITED else ""
        return clock.track_for(Priority.STANDARD, has_formulary_items=self.has_formulary_items, override=override)

    def compute_due_date(self):
        return clock.due_date(
            self.track,
            self.application_received,
            self.records_received,
            expedited_on=self.expedited_on,
            base_track=self.base_track,
            reopened_on=self.reopened_on,
        )

    @property
    def clock_starts_on(self):
        return clock.clock_start(self.application_received, self.records_received, self.reopened_on)

    def age_since_application(self, today=None):
        """Days from the application received to the decision (or today): the state's first age."""
        end = self.decision_date if self.is_decided and self.decision_date else (today or timezone.localdate())
        return clock.days_between(self.application_received, end)

    def age_since_records(self, today=None):
        """Days from records complete to the decision (or today): the state's second age."""
        end = self.decision_date if self.is_decided and self.decision_date else (today or timezone.localdate())
        return clock.days_between(self.clock_starts_on, end)


class FormularyList(models.Model):
    """One version of the MTUS Drug List (8 CCR 9792.27.15), as the DWC publishes it. The version in force on a day
    is the one with the latest effective date on or before it."""

    version = models.CharField(max_length=40, unique=True, help_text="As the DWC names it, e.g. 2025-10.")
    effective_date = models.DateField()
    note = models.TextField(blank=True, help_text="Where it came from; a starter list says so.")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-effective_date", "-pk"]
        verbose_name = "MTUS Drug List version"

    def __str__(self) -> str:
        return f"MTUS Drug List {self.version} (effective {self.effective_date:%m/%d/%Y})"


class FormularyDrug(models.Model):
    """One drug ingredient of a version of the list."""

    formulary_list = models.ForeignKey(FormularyList, on_delete=models.CASCADE, related_name="drugs")
    name = models.CharField("drug ingredient", max_length=200)
    drug_class = models.CharField(max_length=200, blank=True)
    exempt = models.BooleanField(help_text="Exempt drugs need no prospective review (8 CCR 9792.27.10).")
    special_fill = models.BooleanField(default=False)
    perioperative_fill = models.BooleanField(default=False)
    reference = models.CharField("reference in guidelines", max_length=300, blank=True)

    class Meta:
        ordering = ["formulary_list", "name"]
        constraints = [models.UniqueConstraint(fields=["formulary_list", "name"], name="formulary_drug_once_a_list")]

    def __str__(self) -> str:
        return f"{self.name} ({'exempt' if self.exempt else 'non-exempt'})"


class RecordsDocument(models.Model):
    """One line of a case's records checklist: a document 9792.10.5(a) requires of the claims administrator."""

    class Kind(models.TextChoices):
        UR_DECISION = "ur_decision", "The UR decision and its notice to the employee and the physician"
        UR_RECORDS = "ur_records", "The medical records and information the UR reviewer relied on"
        TREATING_REPORTS = "treating_reports", "The treating physician's reports on the current condition"
        REQUEST_FOR_AUTHORIZATION = "rfa", "The request for authorization (RFA) and its attachments"
        CORRESPONDENCE = "correspondence", "Correspondence about the disputed treatment"

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="records_checklist")
    kind = models.CharField(max_length=24, choices=Kind.choices)
    received_on = models.DateField(null=True, blank=True)
    received_from = models.CharField(max_length=200, blank=True)
    note = models.CharField(max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["case", "pk"]
        constraints = [models.UniqueConstraint(fields=["case", "kind"], name="records_document_once_a_case")]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.kind} ({self.received_on or 'awaited'})"


class Appeal(models.Model):
    """An appeal of a served determination to the WCAB (LC 4610.6(h)) and what became of it."""

    class Ground(models.TextChoices):
        # The five grounds of LC 4610.6(h), in the statute's order.
        EXCESS_OF_POWERS = "excess_of_powers", "(1) The administrative director acted without or in excess of powers"
        FRAUD = "fraud", "(2) The determination was procured by fraud"
        CONFLICT = "conflict", "(3) The reviewer had a material conflict of interest (LC 139.5)"
        BIAS = "bias", "(4) The determination was the result of bias (race, sex, religion, disability…)"
        ERROR_OF_FACT = "error_of_fact", "(5) A plainly erroneous finding of fact of ordinary knowledge"

    class FiledBy(models.TextChoices):
        EMPLOYEE = "employee", "The injured worker (or attorney)"
        CLAIMS_ADMINISTRATOR = "claims_administrator", "The claims administrator / employer"
        PROVIDER = "provider", "The requesting provider"

    class Outcome(models.TextChoices):
        PENDING = "pending", "Pending before the WCAB"
        DENIED = "denied", "Denied (determination stands)"
        RESCINDED = "rescinded", "Rescinded: reviewed anew by a different reviewer"

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="appeals")
    filed_by = models.CharField(max_length=24, choices=FiledBy.choices)
    filed_on = models.DateField()
    ground = models.CharField(max_length=24, choices=Ground.choices)
    served_on = models.DateField(help_text="The day the determination was served on the appealing party.")
    service_method = models.CharField(max_length=24, choices=ServiceMethod.choices)
    service_from_record = models.BooleanField(
        default=False, help_text="The date and method of service were read from the letters' service record."
    )
    outcome = models.CharField(max_length=16, choices=Outcome.choices, default=Outcome.PENDING)
    # The reviewer of the rescinded determination: matching excludes them from the new review (LC 4610.6(i)).
    original_reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["case", "filed_on", "pk"]

    def __str__(self) -> str:
        return f"{self.case_id}: appeal {self.filed_on} ({self.outcome})"
