"""The invoice as a signed PDF and as CSV, and the reviewer's statement as CSV.

The PDF is made the way the letters are (``letters.pdf``: WeasyPrint, tagged PDF/A; ``letters.services.signer``: the
organization's PAdES signature over the ``#signature-block``): one signer, one way to sign, whatever is signed.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from billing.fees import FeeKind, Outcome
from billing.models import Invoice, InvoiceLine
from billing.selectors import Statement
from core.dates import Month
from letters import pdf
from letters.services.signer import sign_rendered, signer_name, signing_setup

INVOICE_SIGNATURE_REASON = "Invoice for independent medical review fees (8 CCR 9792.10.8)"
INVOICE_CSV_HEADER = [
    "invoice",
    "case_number",
    "claim_number",
    "employee",
    "application_received",
    "how_it_ended",
    "ended_on",
    "fee_kind",
    "fee_schedule_from",
    "amount",
]
STATEMENT_CSV_HEADER = ["case_number", "how_it_ended", "ended_on", "kind", "rate"]


def invoice_lines(invoice: Invoice) -> list[InvoiceLine]:
    return list(invoice.lines.select_related("case", "fee__schedule").order_by("ended_on", "case__case_number"))


def invoice_pdf(invoice: Invoice) -> bytes:
    """The invoice rendered as tagged PDF/A and signed by the organization."""
    setup = signing_setup()
    html = render_to_string(
        "billing/invoice_pdf.html",
        {
            "invoice": invoice,
            "month": Month(invoice.period),
            "lines": invoice_lines(invoice),
            "organization_name": settings.IMR_ORGANIZATION_NAME,
            "organization_address": settings.IMR_ORGANIZATION_ADDRESS,
            "signer": signer_name(),
            "prepared_at": timezone.localtime(),
        },
    )
    rendered = pdf.render_pdf(html, base_url=str(settings.BASE_DIR), pdf_variant=setup.pdf_variant)
    return sign_rendered(rendered, setup=setup, reason=INVOICE_SIGNATURE_REASON)


def _money(amount: Decimal | None) -> str:
    return "" if amount is None else f"{amount:.2f}"


def invoice_csv(invoice: Invoice) -> str:
    """One row per line, then the total (``amount`` column), as text."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(INVOICE_CSV_HEADER)
    for line in invoice_lines(invoice):
        writer.writerow(
            [
                invoice.number,
                line.case.case_number,
                line.case.claim_number,
                line.case.employee_name,
                line.case.application_received.isoformat() if line.case.application_received else "",
                Outcome(line.outcome).label,
                line.ended_on.isoformat(),
                FeeKind(line.kind).label,
                line.fee.schedule.effective_from.isoformat(),
                _money(line.amount),
            ]
        )
    writer.writerow([invoice.number, "TOTAL", "", "", "", "", "", "", "", _money(invoice.total)])
    return out.getvalue()


def statement_csv(statement: Statement) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(STATEMENT_CSV_HEADER)
    for line in statement.lines:
        ended = line.ended
        writer.writerow(
            [
                ended.case.case_number,
                Outcome(ended.outcome).label,
                ended.ended_on.isoformat(),
                FeeKind(ended.kind).label,
                _money(line.rate),
            ]
        )
    writer.writerow(["TOTAL", "", "", "", _money(statement.total)])
    return out.getvalue()
