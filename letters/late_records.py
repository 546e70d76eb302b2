"""The late-records report as a signed PDF (8 CCR 9792.10.5): evidence an administrator can hand the state, listing
each case whose records came (or are awaited) after their due date, what was asked, when, what arrived and when.

Here and not in ``cases`` because only the letters room knows PDFs and the organization's signature; the rows are
``cases.services.records.late_records``, the same as the page and the CSV.
"""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone

from audit import log
from cases.models import RecordsDocument
from cases.permissions import visible_cases
from cases.services import records
from core.permissions import permission_required
from letters import pdf
from letters.services.signer import sign_rendered, signer_name, signing_setup


def late_records_pdf_bytes(rows: list[records.LateRow], *, by_name: str) -> bytes:
    """The report rendered as tagged PDF/A and signed by the organization (a visible field over its signature)."""
    setup = signing_setup()
    html = render_to_string(
        "letters/late_records_report.html",
        {
            "rows": rows,
            "kinds": RecordsDocument.Kind.choices,
            "per_administrator": records.late_by_claims_administrator(rows),
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
    rows = records.late_records(visible_cases(request.user))
    log.record(request, object_type="late_records_report", cases=len(rows), format="pdf")
    data = late_records_pdf_bytes(rows, by_name=request.user.get_username())
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="late-records-{timezone.localdate():%Y-%m-%d}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response
