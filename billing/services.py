"""Every write of the money side: making a month's invoices, sending one (signed PDF kept as sent), recording a
payment. Each in one transaction, the invoice row locked, with its event in the audit trail."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from billing import documents
from billing.models import PAYMENT_TERMS_DAYS, Invoice, InvoiceLine, Payment
from billing.selectors import FeeTable, NoFeeError, billable_cases, fee_day
from core.dates import Month
from core.models import Party
from core.services import record_event


class BillingError(ValueError):
    """A billing action that cannot be done as asked; the message says what and why."""


def _check_month(month: Month, today: datetime.date) -> None:
    if month.first > today:
        raise BillingError(f"{month.label} has not begun: a month is billed once its cases have ended.")


@transaction.atomic
def make_invoice(administrator: Party, month: Month, *, by) -> Invoice:
    """The claims administrator's invoice for ``month``: one line per case that ended that month and is on no other
    invoice, at the fee in force when its application was received. A draft made before is made again (cases
    ended since are added); a sent or paid invoice is never changed."""
    _check_month(month, timezone.localdate())
    # The claims administrator's row first: two people making its invoices at once are served one after the other
    # (the second finds the first's draft), never a unique-constraint error.
    Party.objects.select_for_update().filter(pk=administrator.pk).first()
    invoice = Invoice.objects.select_for_update().filter(claims_administrator=administrator, period=month.first).first()
    if invoice is not None and invoice.status != Invoice.Status.DRAFT:
        raise BillingError(f"Invoice {invoice.number} was sent on {invoice.issued_on:%m/%d/%Y}: it is not changed.")
    if invoice is not None:
        invoice.lines.all().delete()
    ended = billable_cases(month, claims_administrator_id=administrator.pk)
    if not ended:
        raise BillingError(f"No case of {administrator.name} ended in {month.label}: there is nothing to bill.")
    table = FeeTable()
    lines = []
    for one in ended:
        try:
            fee = table.fee(one.kind, fee_day(one))
        except NoFeeError as error:
            raise BillingError(f"Case {one.case.case_number}: {error}") from None
        lines.append(
            InvoiceLine(
                case=one.case, kind=one.kind, outcome=one.outcome, ended_on=one.ended_on, fee=fee, amount=fee.amount
            )
        )
    if invoice is None:
        invoice = Invoice.objects.create(
            number=Invoice.number_for(administrator, month.first),
            claims_administrator=administrator,
            period=month.first,
            created_by=by,
        )
    for line in lines:
        line.invoice = invoice
    InvoiceLine.objects.bulk_create(lines)
    invoice.total = sum((line.amount for line in lines), Decimal("0.00"))
    invoice.save(update_fields=["total"])
    record_event(by, "invoice.made", invoice, month=month.key, lines=len(lines), total=str(invoice.total))
    return invoice


def make_invoices(month: Month, *, by) -> tuple[list[Invoice], list[str]]:
    """A draft for every claims administrator with a case to bill in ``month``; the invoices, and what was refused
    (an administrator whose invoice was sent already, a case with no fee), each in a sentence."""
    administrators = Party.objects.filter(
        pk__in={one.case.claims_administrator_id for one in billable_cases(month)}
    ).order_by("name")
    made, refused = [], []
    for administrator in administrators:
        try:
            made.append(make_invoice(administrator, month, by=by))
        except BillingError as error:
            refused.append(f"{administrator.name}: {error}")
    return made, refused


@transaction.atomic
def send_invoice(invoice: Invoice, *, by, on: datetime.date | None = None) -> Invoice:
    """Send a draft: dated, due in PAYMENT_TERMS_DAYS, its signed PDF made and kept as sent."""
    locked = Invoice.objects.select_for_update().get(pk=invoice.pk)
    if locked.status != Invoice.Status.DRAFT:
        raise BillingError(f"Invoice {locked.number} is {locked.get_status_display().lower()} already.")
    locked.issued_on = on or timezone.localdate()
    locked.due_on = locked.issued_on + datetime.timedelta(days=PAYMENT_TERMS_DAYS)
    locked.status = Invoice.Status.SENT
    locked.sent_by = by
    locked.pdf = documents.invoice_pdf(locked)
    locked.save(update_fields=["issued_on", "due_on", "status", "sent_by", "pdf"])
    record_event(by, "invoice.sent", locked, total=str(locked.total))
    return locked


@transaction.atomic
def record_payment(
    invoice: Invoice, *, amount: Decimal, received_on: datetime.date, method: str, reference: str = "", by
) -> Payment:
    """Record a payment received; the invoice is paid when nothing is outstanding. A payment on a draft, before the
    invoice was sent, or of more than is outstanding is refused."""
    locked = Invoice.objects.select_for_update().get(pk=invoice.pk)
    if locked.status != Invoice.Status.SENT:
        state = "a draft: send it first" if locked.status == Invoice.Status.DRAFT else "paid already"
        raise BillingError(f"Invoice {locked.number} is {state}.")
    if amount <= 0:
        raise BillingError("A payment is an amount above zero.")
    assert locked.issued_on is not None  # a sent invoice is dated (invoice_sent_has_dates)
    if received_on > timezone.localdate():
        raise BillingError(f"The payment is dated {received_on:%m/%d/%Y}, after today: record it when it is received.")
    if received_on < locked.issued_on:
        raise BillingError(f"The payment is dated before the invoice was sent ({locked.issued_on:%m/%d/%Y}).")
    paid = locked.payments.aggregate(total=Sum("amount"))["total"] or Decimal("0.00")
    outstanding = locked.total - paid
    if amount > outstanding:
        raise BillingError(f"${amount} is more than the ${outstanding} outstanding on invoice {locked.number}.")
    payment = Payment.objects.create(
        invoice=locked, amount=amount, received_on=received_on, method=method, reference=reference, recorded_by=by
    )
    if amount == outstanding:
        locked.status = Invoice.Status.PAID
        locked.paid_on = received_on
        locked.save(update_fields=["status", "paid_on"])
    record_event(by, "invoice.payment", locked, amount=str(amount), received_on=received_on.isoformat())
    invoice.status, invoice.paid_on = locked.status, locked.paid_on
    return payment
