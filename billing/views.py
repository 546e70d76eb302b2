"""The money pages: thin, each behind its rule (``billing/rules.py``); every page that shows cases writes the access
log, one row per case shown (``audit.log.record_many``)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from audit import log
from billing import documents, selectors, services
from billing.fees import AGING_BUCKETS
from billing.forms import MonthForm, PaymentForm
from billing.models import FeeSchedule, Invoice, ReviewerRate
from core import roles
from core.dates import Month
from core.permissions import allowed, permission_required


def _month(request: HttpRequest, default: Month) -> Month:
    text = request.GET.get("month", "")
    if not text:
        return default
    try:
        return Month.parse(text)
    except ValueError as error:
        messages.error(request, f"{error} Showing {default.label}.")
        return default


def _download(content: bytes | str, *, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@permission_required("billing.manage")
def fee_schedule(request: HttpRequest) -> HttpResponse:
    schedules = FeeSchedule.objects.prefetch_related("fees").order_by("-effective_from")
    rates = ReviewerRate.objects.order_by("kind", "-effective_from")
    return render(request, "billing/fee_schedule.html", {"schedules": schedules, "rates": rates})


@permission_required("billing.manage")
def invoice_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    form = MonthForm(request.POST or None, initial={"month": Month.of(today).previous().key})
    if request.method == "POST" and form.is_valid():
        made, refused = services.make_invoices(form.cleaned_data["month"], by=request.user)
        if made:
            messages.success(request, f"{len(made)} invoice(s) made for {form.cleaned_data['month'].label}.")
        elif not refused:
            messages.info(request, f"No case ended in {form.cleaned_data['month'].label}: nothing to bill.")
        for sentence in refused:
            messages.error(request, sentence)
        return redirect("billing:invoices")
    invoices = Invoice.objects.select_related("claims_administrator").order_by("-period", "number")
    status = request.GET.get("status", "")
    rows = [(invoice, invoice.current_status(today), invoice.aging_bucket(today)) for invoice in invoices]
    if status in Invoice.Status.values:
        rows = [row for row in rows if row[1] == status]
    context = {"rows": rows, "form": form, "statuses": Invoice.Status.choices, "status": status}
    return render(request, "billing/invoice_list.html", context)


def _invoice(request: HttpRequest, invoice_id: int, **detail) -> Invoice:
    """The invoice, its reading recorded in the access log case by case."""
    invoice = get_object_or_404(Invoice.objects.select_related("claims_administrator"), pk=invoice_id)
    cases = invoice.lines.values_list("case__case_number", flat=True)
    log.record_many(request, [("invoice", invoice.number, number) for number in cases], **detail)
    return invoice


@permission_required("billing.manage")
def invoice_detail(request: HttpRequest, invoice_id: int) -> HttpResponse:
    invoice = _invoice(request, invoice_id)
    today = timezone.localdate()
    context = {
        "invoice": invoice,
        "lines": documents.invoice_lines(invoice),
        "payments": invoice.payments.select_related("recorded_by"),
        "current_status": invoice.current_status(today),
        "days_outstanding": invoice.days_outstanding(today),
        "aging_bucket": invoice.aging_bucket(today),
        "payment_form": PaymentForm(initial={"received_on": today, "amount": invoice.outstanding}),
    }
    return render(request, "billing/invoice_detail.html", context)


@permission_required("billing.manage")
def invoice_pdf(request: HttpRequest, invoice_id: int) -> HttpResponse:
    """The signed PDF: as sent, or (a draft) made now, marked as not sent."""
    invoice = _invoice(request, invoice_id, format="pdf")
    data = bytes(invoice.pdf) if invoice.pdf is not None else documents.invoice_pdf(invoice)
    return _download(data, content_type="application/pdf", filename=f"{invoice.number}.pdf")


@permission_required("billing.manage")
def invoice_csv(request: HttpRequest, invoice_id: int) -> HttpResponse:
    invoice = _invoice(request, invoice_id, format="csv")
    content = documents.invoice_csv(invoice)
    return _download(content, content_type="text/csv; charset=utf-8", filename=f"{invoice.number}.csv")


@require_POST
@permission_required("billing.manage")
def invoice_send(request: HttpRequest, invoice_id: int) -> HttpResponse:
    invoice = get_object_or_404(Invoice, pk=invoice_id)
    try:
        services.send_invoice(invoice, by=request.user)
        messages.success(request, f"Invoice {invoice.number} sent, its signed PDF kept as sent.")
    except services.BillingError as error:
        messages.error(request, str(error))
    return redirect("billing:invoice", invoice_id=invoice.pk)


@require_POST
@permission_required("billing.manage")
def invoice_payment(request: HttpRequest, invoice_id: int) -> HttpResponse:
    invoice = get_object_or_404(Invoice, pk=invoice_id)
    form = PaymentForm(request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            messages.error(request, f"Payment, {field}: {' '.join(str(error) for error in errors)}")
        return redirect("billing:invoice", invoice_id=invoice.pk)
    try:
        services.record_payment(invoice, by=request.user, **form.cleaned_data)
        messages.success(request, f"Payment of ${form.cleaned_data['amount']} recorded on {invoice.number}.")
    except services.BillingError as error:
        messages.error(request, str(error))
    return redirect("billing:invoice", invoice_id=invoice.pk)


@permission_required("billing.manage")
def aging(request: HttpRequest) -> HttpResponse:
    rows = selectors.aging(timezone.localdate())
    labels = [label for label, _, _ in AGING_BUCKETS]
    if request.GET.get("format") == "csv":
        lines = ["claims_administrator," + ",".join(labels) + ",total"]
        for row in rows:
            amounts = ",".join(f"{row.buckets[label]:.2f}" for label in labels)
            lines.append(f'"{row.claims_administrator.replace(chr(34), chr(34) * 2)}",{amounts},{row.total:.2f}')
        filename = f"aging-{timezone.localdate():%Y-%m-%d}.csv"
        return _download("\r\n".join(lines) + "\r\n", content_type="text/csv; charset=utf-8", filename=filename)
    table = [(row, [row.buckets[label] for label in labels]) for row in rows]
    return render(request, "billing/aging.html", {"table": table, "labels": labels})


@permission_required("billing.statements")
def statement_index(request: HttpRequest) -> HttpResponse:
    """A reviewer goes to their own statement; an administrator sees every reviewer's total for the month."""
    month = _month(request, Month.of(timezone.localdate()))
    if not roles.is_administrator(request.user):
        return redirect(f"{reverse('billing:statement', args=[request.user.pk])}?month={month.key}")
    reviewers = get_user_model().objects.filter(groups__name=roles.REVIEWER).order_by("last_name", "first_name", "pk")
    statements = selectors.reviewer_statements([reviewer.pk for reviewer in reviewers], month)
    rows = [(reviewer, statements[reviewer.pk]) for reviewer in reviewers]
    return render(request, "billing/statement_index.html", {"rows": rows, "month": month})


@permission_required("billing.statements")
def statement(request: HttpRequest, user_id: int) -> HttpResponse:
    """One reviewer's month: their own only (another's is 404), administrators any. CSV with ``?format=csv``."""
    reviewer = get_user_model().objects.filter(pk=user_id, groups__name=roles.REVIEWER).first()
    if reviewer is None or not allowed(request.user, "billing.view_statement", reviewer):
        log.record(request, object_type="reviewer_statement", object_id=user_id, outcome=log.Outcome.NOT_FOUND)
        raise Http404
    month = _month(request, Month.of(timezone.localdate()))
    found = selectors.reviewer_statement(reviewer.pk, month)
    wants_csv = request.GET.get("format") == "csv"
    key = f"{reviewer.pk}/{month.key}"
    objects = [("reviewer_statement", key, line.ended.case.case_number) for line in found.lines]
    log.record_many(request, objects, format="csv" if wants_csv else "page")
    if wants_csv:
        filename = f"statement-{reviewer.username}-{month.key}.csv"
        return _download(documents.statement_csv(found), content_type="text/csv; charset=utf-8", filename=filename)
    context = {"reviewer": reviewer, "statement": found, "month": month, "previous": month.previous()}
    return render(request, "billing/statement.html", context)
