"""What the party pages show, read through ``parties.visibility`` only: an organization's cases in plain words, with
their records checklist; a case's documents the organization sent, the notices addressed to it, its letters.

Nothing here names a reviewer: the pages show the state of the review, never who does it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import models
from django.db.models import QuerySet

from cases.lifecycle import DECIDED_STATES, FINAL_STATES, Status
from cases.models import Case, RecordsDocument
from core.models import OutboxEmail, Party
from letters.models import Letter, Rendition
from parties.visibility import organization_cases

# The review's state as a party reads it: what is happening, in plain words, with no step inside the organization
# (who reviews, clinical QA) made visible.
PLAIN_STATUS: dict[str, str] = {
    Status.RECEIVED: "Application received: eligibility is being checked",
    Status.ELIGIBLE: "Accepted for review: waiting for the records",
    Status.RECORDS_REQUESTED: "Records requested from the claims administrator",
    Status.RECORDS_RECEIVED: "Records in: a physician reviewer is being chosen",
    Status.ASSIGNED: "Records in: a physician reviewer is being chosen",
    Status.IN_REVIEW: "Under review by an independent physician",
    Status.QA: "Under review by an independent physician",
    Status.DETERMINED: "Decided: the letter is being prepared",
    Status.LETTER_SIGNED: "Decided: the letter is ready",
    Status.SERVED: "Decided: the letter is ready",
    Status.INELIGIBLE: "Not eligible for review",
    Status.WITHDRAWN: "Withdrawn",
    Status.TERMINATED: "Ended: the treatment was authorized",
    Status.CLOSED: "Closed",
}


def plain_status(case: Case) -> str:
    return PLAIN_STATUS.get(case.status, case.get_status_display())


@dataclass(frozen=True)
class ChecklistLine:
    kind: str
    label: str
    received_on: date | None
    received_from: str


@dataclass(frozen=True)
class CaseRow:
    """One case as "Our cases" and the case page show it."""

    case: Case
    status: str
    records_due: date | None
    decision_due: date | None
    checklist: list[ChecklistLine]

    @property
    def outstanding(self) -> list[ChecklistLine]:
        return [line for line in self.checklist if line.received_on is None]

    @property
    def records_complete(self) -> bool:
        return self.case.records_received is not None

    @property
    def is_open(self) -> bool:
        return self.case.status not in FINAL_STATES and self.case.status not in DECIDED_STATES


def case_row(case: Case) -> CaseRow:
    """The case with its checklist (from ``case.records_checklist``, prefetched by ``our_cases``)."""
    lines = {line.kind: line for line in case.records_checklist.all()}
    checklist = [
        ChecklistLine(
            kind=kind,
            label=str(label),
            received_on=lines[kind].received_on if kind in lines else None,
            received_from=lines[kind].received_from if kind in lines else "",
        )
        for kind, label in RecordsDocument.Kind.choices
    ]
    open_case = case.status not in FINAL_STATES and case.status not in DECIDED_STATES
    return CaseRow(
        case=case,
        status=plain_status(case),
        records_due=case.records_due_date if case.records_received is None and open_case else None,
        decision_due=case.due_date if open_case else None,
        checklist=checklist,
    )


def our_cases(organization: Party | None) -> QuerySet:
    """The organization's cases, open ones first, then by case number (newest first)."""
    closed = list(FINAL_STATES | DECIDED_STATES)
    return (
        organization_cases(organization)
        .select_related("claims_administrator")
        .prefetch_related("records_checklist")
        .annotate(
            closed=models.Case(
                models.When(status__in=closed, then=models.Value(1)),
                default=models.Value(0),
                output_field=models.IntegerField(),
            )
        )
        .order_by("closed", "-case_number")
    )


def notices_to(organization: Party, case: Case) -> list[OutboxEmail]:
    """The e-mails about ``case`` the outbox addressed to the organization (its address or one of its people's)."""
    addresses = {address.lower() for address in organization.memberships.values_list("user__email", flat=True)}
    if organization.email:
        addresses.add(organization.email.lower())
    addresses.discard("")
    messages = OutboxEmail.objects.filter(
        related_object_type=case._meta.label_lower, related_object_id=str(case.pk)
    ).order_by("created_at", "pk")
    return [message for message in messages if addresses & {address.lower() for address in message.to}]


def letters_of(case: Case) -> QuerySet:
    """The case's signed letters to the parties (never the public redacted copy), newest version first."""
    return Letter.objects.filter(case=case, rendition=Rendition.PARTIES).signed().order_by("-version")


def letter_of(case: Case, letter_id: int) -> Letter | None:
    return letters_of(case).filter(pk=letter_id).first()
