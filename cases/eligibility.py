"""Whether an IMR application is eligible (8 CCR 9792.10.3, as DOMAIN.md gives it): the requirements, each checked
on the case and explained, for the case page's checklist and for "Mark eligible" (``cases.services.intake``).

The date of service of the UR decision, when the case does not record it, is taken from the UR determination date
and the method of service: **the date of the decision + 5 calendar days for service by mail, the date itself for
e-mail, fax or personal delivery**. The 5 days are an assumption of the portal (the usual extension for service by
mail in California, CCP 1013; read here as applying to 9792.9.1's written UR decision), not checked against the text
of the regulation: record the actual date of service on the case when it is known, and it is used instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from cases.lifecycle import Status
from cases.models import Case, CaseDocument, DisputedItem, UrServiceMethod

FILING_DAYS = 30
MAIL_EXTENSION_DAYS = 5
RULE = "8 CCR 9792.10.3"


@dataclass(frozen=True)
class Requirement:
    key: str
    label: str  # what the law asks, as the checklist prints it
    met: bool
    detail: str  # what was found on this case
    links: list[tuple[str, str]] = field(default_factory=list)  # (case number, url) of earlier cases
    ineligible_note: str = ""  # how an "Ineligible" note states this rule

    @property
    def status_label(self) -> str:
        return "Met" if self.met else "Not met"


# The rules an administrator may name when marking a case ineligible: the requirement keys, in the checklist's order.
RULES: dict[str, str] = {
    "signed": "The application is not signed.",
    "timely": "The application was not filed within 30 days of service of the UR decision.",
    "ur_attached": "No copy of the UR decision was attached to the application.",
    "disputable": "The UR decision approved the treatment: there is no denial or modification to review.",
    "not_reviewed": "The same treatment has already been reviewed for this worker.",
    "liability": "Liability for the claim is disputed: IMR is deferred until it is resolved.",
}


def ur_service_date(case: Case) -> tuple[date | None, str]:
    """(date of service of the UR decision, how it was taken)."""
    if case.ur_decision_served_on:
        return case.ur_decision_served_on, "the date of service recorded on the case"
    if case.ur_determination_date is None:
        return None, "no UR determination date is recorded"
    if case.ur_decision_service_method == UrServiceMethod.MAIL:
        served = case.ur_determination_date + timedelta(days=MAIL_EXTENSION_DAYS)
        return served, (
            f"the UR determination date {case.ur_determination_date:%m/%d/%Y} + {MAIL_EXTENSION_DAYS} days for service "
            "by mail (an assumption of the portal; record the actual date of service if known)"
        )
    method = UrServiceMethod(case.ur_decision_service_method).label.split(" (")[0].lower()
    return case.ur_determination_date, f"the UR determination date (served by {method})"


def filing_deadline(case: Case) -> date | None:
    served, _how = ur_service_date(case)
    return served + timedelta(days=FILING_DAYS) if served else None


def _normalized(text: str) -> str:
    return " ".join((text or "").casefold().split())


def earlier_reviews(case: Case) -> list[tuple[Case, list[str]]]:
    """Other cases of the same worker (same claim number, or same name and date of birth) that reviewed or are
    reviewing one of this case's treatments, open and closed: [(case, [matching treatments])]."""
    treatments = {_normalized(item.description): item.description for item in case.items.all()}
    if not treatments or not (case.claim_number or case.employee_name):
        return []
    same_worker = Case.objects.none()
    if case.claim_number:
        same_worker = Case.objects.filter(claim_number__iexact=case.claim_number.strip())
    if case.employee_name and case.employee_date_of_birth:
        same_worker = same_worker | Case.objects.filter(
            employee_name__iexact=case.employee_name.strip(), employee_date_of_birth=case.employee_date_of_birth
        )
    others = (
        same_worker.exclude(pk=case.pk)
        .exclude(status__in=[Status.INELIGIBLE, Status.WITHDRAWN])
        .exclude(joined_into=case)
        .prefetch_related("items")
        .order_by("case_number")
        .distinct()
    )
    found = []
    for other in others:
        matching = [
            treatments[key] for key in (_normalized(i.description) for i in other.items.all()) if key in treatments
        ]
        if matching:
            found.append((other, matching))
    return found


def check(case: Case) -> list[Requirement]:
    """Every requirement of 9792.10.3, met or not, with what was found."""
    return [_signed(case), _timely(case), _ur_attached(case), _disputable(case), _not_reviewed(case), _liability(case)]


def unmet(case: Case) -> list[Requirement]:
    return [requirement for requirement in check(case) if not requirement.met]


def _signed(case: Case) -> Requirement:
    return Requirement(
        "signed",
        "The application (DWC Form IMR) is signed",
        case.application_signed,
        "Signed." if case.application_signed else "Not recorded as signed (Edit intake: “Application signed”).",
        ineligible_note=RULES["signed"],
    )


def _timely(case: Case) -> Requirement:
    served, how = ur_service_date(case)
    label = "Filed within 30 days of service of the UR decision"
    if served is None:
        return Requirement("timely", label, False, f"Cannot be computed: {how}.", ineligible_note=RULES["timely"])
    last_day = served + timedelta(days=FILING_DAYS)
    service = f"Served on {served:%m/%d/%Y} ({how}); the last day to file is {last_day:%m/%d/%Y}."
    if case.application_received is None:
        return Requirement(
            "timely", label, False, f"{service} No application date is recorded.", ineligible_note=RULES["timely"]
        )
    met = case.application_received <= last_day
    days_late = (case.application_received - last_day).days
    late = "" if met else f", {days_late} day{'s' if days_late != 1 else ''} late"
    return Requirement(
        "timely",
        label,
        met,
        f"{service} Received {case.application_received:%m/%d/%Y}{late}.",
        ineligible_note=f"{RULES['timely']} The last day was {last_day:%m/%d/%Y}.",
    )


def _ur_attached(case: Case) -> Requirement:
    count = case.documents.filter(kind=CaseDocument.Kind.UR_DECISION).count()
    return Requirement(
        "ur_attached",
        "The UR decision is attached",
        count > 0,
        f"{count} UR decision document{'s' if count != 1 else ''} on the case."
        if count
        else "No document of the kind “UR decision” on the case.",
        ineligible_note=RULES["ur_attached"],
    )


def _disputable(case: Case) -> Requirement:
    items = list(case.items.all())
    approved = [item for item in items if item.ur_outcome == DisputedItem.UrOutcome.APPROVED]
    if not items:
        detail = "No disputed item is recorded."
    elif approved:
        detail = "UR approved: " + "; ".join(item.description for item in approved) + "."
    else:
        outcomes = sorted({item.get_ur_outcome_display().lower() for item in items})
        detail = f"UR {' and '.join(outcomes)} every disputed item."
    return Requirement(
        "disputable",
        "A UR denial or modification (not an approval)",
        bool(items) and not approved,
        detail,
        ineligible_note=RULES["disputable"],
    )


def _not_reviewed(case: Case) -> Requirement:
    earlier = earlier_reviews(case)
    links = [(other.case_number, other.get_absolute_url()) for other, _ in earlier]
    if earlier:
        detail = "Earlier cases of this worker with the same treatment: " + "; ".join(
            f"{other.case_number} ({other.get_status_display().lower()}: {', '.join(treatments)})"
            for other, treatments in earlier
        )
    else:
        detail = "No earlier case of this worker (same claim number, or same name and date of birth) has it."
    return Requirement(
        "not_reviewed",
        "The same treatment was not already reviewed for this worker",
        not earlier,
        detail,
        links,
        ineligible_note=RULES["not_reviewed"] + (" See " + ", ".join(n for n, _ in links) + "." if links else ""),
    )


def _liability(case: Case) -> Requirement:
    return Requirement(
        "liability",
        "Liability is not disputed (otherwise IMR is deferred)",
        not case.liability_disputed,
        "Liability is disputed: defer the review until it is resolved." if case.liability_disputed else "Not disputed.",
        ineligible_note=RULES["liability"],
    )
