"""The money side: the fee schedule (8 CCR 9792.10.8 and the DWC's later notices, as data with effective dates and
sources), the claims administrators' monthly invoices and their payments, the reviewers' rates."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Sum

from billing.fees import FeeKind, Outcome, aging_bucket
from core.models import Party

# The organization's payment terms: an invoice is due this many days after it is sent. Not from the regulation.
PAYMENT_TERMS_DAYS = 30


class FeeSchedule(models.Model):
    """The fees in force from a date: the schedule of an application is the one with the latest ``effective_from``
    on or before the day it was received (the DWC's notices apply to "IMR requests submitted on or after" a date)."""

    effective_from = models.DateField(unique=True)
    title = models.CharField(max_length=200)
    source = models.TextField(help_text="Where the figures come from: the regulation, the DWC's notice, with its URL.")
    note = models.TextField(blank=True, help_text="What the source says that the kinds here do not capture.")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-effective_from"]

    def __str__(self) -> str:
        return f"{self.title} (from {self.effective_from:%m/%d/%Y})"


class Fee(models.Model):
    """One figure of a schedule, with how far it was checked."""

    class Confirmation(models.TextChoices):
        REGULATION = "regulation", "Checked against the text of 8 CCR 9792.10.8"
        DWC_NOTICE = "dwc_notice", "Checked against the DWC's published fee notice (not in the regulation's text)"
        SECONDARY = "secondary", "Read in a third party's copy of the DWC's notice only: NOT confirmed"
        UNCONFIRMED = "unconfirmed", "NOT confirmed: no text of this figure was found"

    schedule = models.ForeignKey(FeeSchedule, on_delete=models.CASCADE, related_name="fees")
    kind = models.CharField(max_length=32, choices=FeeKind.choices)
    amount = models.DecimalField(max_digits=10, decimal_places=2)
    confirmation = models.CharField(max_length=16, choices=Confirmation.choices)
    where = models.CharField("where in the source", max_length=300, blank=True)

    class Meta:
        ordering = ["schedule", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["schedule", "kind"], name="fee_once_a_schedule"),
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="fee_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: ${self.amount}"

    @property
    def confirmed(self) -> bool:
        return self.confirmation in (self.Confirmation.REGULATION, self.Confirmation.DWC_NOTICE)


class ReviewerRate(models.Model):
    """What the organization pays a reviewer per case of a kind, from a date (the organization's own contracts)."""

    kind = models.CharField(max_length=32, choices=FeeKind.choices)
    effective_from = models.DateField()
    amount = models.DecimalField(max_digits=10, decimal_places=2)

    class Meta:
        ordering = ["kind", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "effective_from"], name="reviewer_rate_once_a_day"),
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="reviewer_rate_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} from {self.effective_from:%m/%d/%Y}: ${self.amount}"


class Invoice(models.Model):
    """A claims administrator's invoice for one month: one line per case that ended that month."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SENT = "sent", "Sent"
        PAID = "paid", "Paid"
        # Never stored: a sent invoice past its due date reads as overdue (``current_status``).
        OVERDUE = "overdue", "Overdue"

    number = models.CharField(max_length=32, unique=True)
    claims_administrator = models.ForeignKey(
        Party, on_delete=models.PROTECT, related_name="+", limit_choices_to={"kind": "claims_administrator"}
    )
    period = models.DateField(help_text="The first day of the month billed.")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.DRAFT)
    total = models.DecimalField(max_digits=10, decimal_places=2, default=Decimal("0.00"))
    issued_on = models.DateField(null=True, blank=True)
    due_on = models.DateField(null=True, blank=True)
    paid_on = models.DateField(null=True, blank=True)
    # The signed PDF as sent: what the claims administrator received, never rendered again.
    pdf = models.BinaryField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-period", "number"]
        constraints = [
            models.UniqueConstraint(fields=["claims_administrator", "period"], name="invoice_once_a_month"),
            models.CheckConstraint(condition=models.Q(period__day=1), name="invoice_period_is_a_month"),
            models.CheckConstraint(condition=~models.Q(status="overdue"), name="invoice_overdue_is_never_stored"),
            models.CheckConstraint(
                condition=models.Q(status="draft") | models.Q(issued_on__isnull=False, due_on__isnull=False),
                name="invoice_sent_has_dates",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @staticmethod
    def number_for(administrator: Party, period: datetime.date) -> str:
        return f"INV-{period:%Y%m}-{administrator.pk:05d}"

    @property
    def paid_amount(self) -> Decimal:
        return self.payments.aggregate(total=Sum("amount"))["total"] or Decimal("0.00")

    @property
    def outstanding(self) -> Decimal:
        return self.total - self.paid_amount

    def current_status(self, today: datetime.date) -> str:
        if self.status == self.Status.SENT and self.due_on is not None and self.due_on < today:
            return self.Status.OVERDUE
        return self.status

    def days_outstanding(self, today: datetime.date) -> int | None:
        """Days since the invoice was sent, while it is unpaid; None for a draft or a paid invoice."""
        if self.status != self.Status.SENT or self.issued_on is None:
            return None
        return (today - self.issued_on).days

    def aging_bucket(self, today: datetime.date) -> str | None:
        days = self.days_outstanding(today)
        return None if days is None else aging_bucket(days)


class InvoiceLine(models.Model):
    """One case on an invoice: its fee kind and the amount of the schedule in force, kept as billed (a later edit of
    the schedule never changes a line). A case is billed once."""

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    case = models.OneToOneField("cases.Case", on_delete=models.PROTECT, related_name="invoice_line")
    kind = models.CharField(max_length=32, choices=FeeKind.choices)
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    ended_on = models.DateField()
    fee = models.ForeignKey(Fee, on_delete=models.PROTECT, related_name="+")
    amount = models.DecimalField(max_digits=10, decimal_places=2)

    class Meta:
        ordering = ["invoice", "ended_on", "case__case_number"]

    def __str__(self) -> str:
        return f"{self.invoice}: {self.case} ${self.amount}"


class Payment(models.Model):
    """A payment received, recorded by hand."""

    class Method(models.TextChoices):
        CHECK = "check", "Check"
        ACH = "ach", "ACH transfer"
        WIRE = "wire", "Wire transfer"
        OTHER = "other", "Other"

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="payments")
    amount = models.DecimalField(max_digits=10, decimal_places=2)
    received_on = models.DateField()
    method = models.CharField(max_length=8, choices=Method.choices)
    reference = models.CharField(max_length=100, blank=True, help_text="Check number, transfer reference…")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["invoice", "received_on", "pk"]
        constraints = [models.CheckConstraint(condition=models.Q(amount__gt=0), name="payment_positive")]

    def __str__(self) -> str:
        return f"{self.invoice}: ${self.amount} on {self.received_on:%m/%d/%Y}"
