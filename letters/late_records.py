"""The late-records report of a month as a signed PDF (8 CCR 9792.10.5): evidence an administrator can hand the state,
listing each case whose records fell due in the month and came (or are awaited) after that day, what was asked, when,
what arrived and when, with the month's totals.

Here and not in ``cases`` because only the letters room knows PDFs and the organization's signature; the rows and the
totals are ``cases.services.records``'s, the same as the page and the CSV.
"""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from audit import log
from cases.models import RecordsDocument
from cases.permissions import visible_cases
from cases.services import records
from core.dates import Month
from core.permissions import permission_required
from letters import pdf
from letters.services.signer import sign_rendered, signer_name, signing_setup

# Cases listed in one signed report: a month's totals always count every late case, the list stops here (a month of
# a few hundred late cases is the usual; the CSV of the month lists every one), so that rendering stays bounded.
PDF_ROWS = 1000


def late_records_pdf_bytes(period: Month, late: QuerySet, totals: records.LateTotals, *, by_name: str) -> bytes:
    """The report of ``period`` (``late`` and ``totals``: its ``records.late_records`` and their ``late_totals``)
    rendered as tagged PDF/A and signed by the organization (a visible field over its signature)."""
    setup = signing_setup()
    html = render_to_string(
        "letters/late_records_report.html",
        {
            "period": period,
            "totals": totals,
            "rows": records.late_rows(late.select_related("claims_administrator")[:PDF_ROWS]),
            "listed_all": totals.cases <= PDF_ROWS,
            "pdf_rows": PDF_ROWS,
            "kinds": RecordsDocument.Kind.choices,
            "per_administrator": totals.per_administrator,
            "organization_name": settings.IMR_ORGANIZATION_NAME,
            "organization_address": settings.IMR_ORGANIZATION_ADDRESS,
            "signer": signer_name(),
            "prepared_by": by_name,
            "prepared_at": timezone.localtime(),
        },
    )
    rendered = pdf.render_pdf(html, base_url=str(settings.BASE_DIR), pdf_variant=setup.pdf_variant)
    return sign_rendered(rendered, setup=setup)


@permission_required("cases.edit_intake")
def late_records_pdf(request: HttpRequest) -> HttpResponse:
    """The signed report of the month ``?month=YYYY-MM`` (the current month by default)."""
    try:
        period = records.report_month(request.GET.get("month"))
    except ValidationError as error:
        messages.error(request, f"No report signed. {' '.join(error.messages)}")
        return redirect(reverse("cases:late_records"))
    late = records.late_records(visible_cases(request.user), period)
    totals = records.late_totals(late)
    log.record(request, object_type="late_records_report", month=period.key, cases=totals.cases, format="pdf")
    data = late_records_pdf_bytes(period, late, totals, by_name=request.user.get_username())
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="late-records-{period.key}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response
