"""The service record as the cases app reads it (through ``cases.hooks.service_of``): when and how the case's current
parties' letter was first served on an appealing party, for the appeal deadline (LC 4610.6(h), CCP 1013(a))."""

from __future__ import annotations

from datetime import date

from cases.clock import ServiceMethod
from cases.models import Appeal, Case
from letters.models import Letter, Rendition, Service, ServiceRecipient

# Which addressees of the letter stand for each party who may appeal: the worker's attorney is served for the worker,
# the employer with the claims administrator.
ADDRESSEES: dict[str, tuple[str, ...]] = {
    Appeal.FiledBy.EMPLOYEE: ("employee", "attorney"),
    Appeal.FiledBy.CLAIMS_ADMINISTRATOR: ("claims_administrator", "employer"),
    Appeal.FiledBy.PROVIDER: ("requesting_physician",),
}

# Service by mail is taken as within California (+5 days); e-mail, fax and the portal carry no extension.
METHODS: dict[str, str] = {
    Service.Method.MAIL: ServiceMethod.MAIL_CALIFORNIA,
    Service.Method.EMAIL: ServiceMethod.ELECTRONIC,
    Service.Method.FAX: ServiceMethod.ELECTRONIC,
    Service.Method.PORTAL: ServiceMethod.ELECTRONIC,
}


def service_of(case: Case, party: str) -> tuple[date, str] | None:
    """(served on, ``ServiceMethod``) of the earliest service of the case's current parties' letter on ``party``."""
    first = (
        ServiceRecipient.objects.filter(
            service__letter__case=case,
            service__letter__rendition=Rendition.PARTIES,
            service__letter__state=Letter.State.SIGNED,
            service__letter__superseded_at__isnull=True,
            key__in=ADDRESSEES.get(party, ()),
        )
        .select_related("service")
        .order_by("service__served_on", "service__pk")
        .first()
    )
    if first is None:
        return None
    return first.service.served_on, METHODS[first.service.method]
