"""Intake: case numbers, the administrator's moves on a new case (eligible, ineligible, records, withdrawal,
termination, joining) and saving the intake form. The move itself is ``cases.services.lifecycle.transition``; the
documents are ``cases.services.documents``."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from cases import duplicates, eligibility, signals
from cases.lifecycle import TRANSITIONS, Status
from cases.models import Case, CaseNumberSequence
from cases.services import notices
from cases.services.documents import add_document
from cases.services.lifecycle import record_transition, transition
from core.models import Party
from core.services import get_or_create_party, record_event, update_party_contact


def next_case_number(year: int | None = None) -> str:
    """Take the next case number for the year (two digits), under a row lock: no gaps, no duplicates.

    Must run inside the transaction that saves the case, so a rolled-back intake gives its number back.
    """
    year = (year if year is not None else timezone.localdate().year) % 100
    CaseNumberSequence.objects.get_or_create(year=year)
    # The UPDATE takes the row's write lock before anything is read, on PostgreSQL and SQLite alike: a second intake
    # waits here until the first commits or rolls back.
    CaseNumberSequence.objects.filter(year=year).update(last_value=F("last_value") + 1)
    value = CaseNumberSequence.objects.values_list("last_value", flat=True).get(year=year)
    return f"CM{year:02d}-{value:07d}"


def note_external_case_number(case_number: str) -> None:
    """An imported case keeps its number; move the sequence past it so intake never hands it out again."""
    year, value = int(case_number[2:4]), int(case_number[5:])
    CaseNumberSequence.objects.get_or_create(year=year)
    CaseNumberSequence.objects.filter(year=year, last_value__lt=value).update(last_value=value)


def mark_eligible(case: Case, *, by, note: str = "", override: str = "") -> Case:
    """Make the case eligible if every requirement of 9792.10.3 is met (``cases.eligibility``); with an unmet
    requirement, only with the administrator's override and its reason, kept on the timeline and in the audit log."""
    unmet = eligibility.unmet(case)
    override = override.strip()
    if unmet and not override:
        raise ValidationError(
            f"Case {case.case_number} cannot be made eligible: "
            + " ".join(f"{requirement.label}: not met ({requirement.detail})" for requirement in unmet)
            + " Correct the case, or record an override with its reason."
        )
    if unmet:
        overridden = "; ".join(requirement.label for requirement in unmet)
        note = " ".join(
            part for part in (note.strip(), f"Eligible by override of: {overridden}. Reason: {override}") if part
        )
    with transaction.atomic():
        fields = {
            "eligibility_override": note if unmet else "",
            "assigned_date": case.assigned_date or timezone.localdate(),
        }
        transition(case, Status.ELIGIBLE, by=by, note=note, extra_fields=fields)
        if unmet:
            record_event(
                by,
                "case.eligibility_overridden",
                case,
                case=case.case_number,
                unmet=[r.key for r in unmet],
                reason=override,
            )
        notices.queue_assignment_notice(case)
    return case


def mark_ineligible(case: Case, *, by, reason: str, rule: str = "") -> Case:
    """Close the case as ineligible; the note states the rule of 9792.10.3 that failed (``eligibility.RULES``)."""
    if rule and rule not in eligibility.RULES:
        raise ValidationError({"rule": f"{rule!r} is not a rule of {eligibility.RULE}."})
    if not reason.strip() and not rule:
        raise ValidationError({"reason": f"Say why the application is ineligible ({eligibility.RULE})."})
    stated = ""
    if rule:
        found = {requirement.key: requirement for requirement in eligibility.check(case)}[rule]
        stated = f"Ineligible under {eligibility.RULE}: {found.ineligible_note}"
    text = " ".join(part for part in (stated, reason.strip()) if part)
    return transition(case, Status.INELIGIBLE, by=by, note=text, extra_fields={"ineligible_reason": text})


@transaction.atomic
def join_case(case: Case, *, into: Case, by) -> Case:
    """Join an application into another with the same employee, requesting physician and date of injury
    (9792.10.4(a)): the joined case's disputed items move to the lead case, to be decided in its one determination,
    with the documents the lead does not already hold; the joined case is closed with a link to the lead."""
    reason = duplicates.cannot_join(case, into)
    if reason:
        raise ValidationError(reason)
    lead = Case.objects.select_for_update().get(pk=into.pk)
    start = lead.items.count()
    moved = list(case.items.order_by("position", "pk"))
    for offset, item in enumerate(moved):
        item.case, item.position = lead, start + offset
        item.save(update_fields=["case", "position"])
    held = set(lead.documents.values_list("sha256", flat=True))
    case.documents.exclude(sha256__in=held).update(case=lead)
    count = f"{len(moved)} disputed item{'s' if len(moved) != 1 else ''}"
    are = "are" if len(moved) != 1 else "is"
    record_transition(
        lead,
        lead.status,
        by=by,
        note=f"Case {case.case_number} joined into this case (9792.10.4(a)): its {count} {are} decided here.",
    )
    transition(
        case,
        Status.CLOSED,
        by=by,
        note=f"Joined into case {lead.case_number} (9792.10.4(a)): its {count} {are} decided in that case's "
        "determination.",
        extra_fields={"joined_into": lead},
    )
    record_event(by, "case.joined", case, case=case.case_number, into=lead.case_number, items=len(moved))
    return case


@transaction.atomic
def request_records(case: Case, *, by, on: date | None = None, method: str = Case.RecordsMethod.ELECTRONIC) -> Case:
    on = on or timezone.localdate()
    case = transition(
        case,
        Status.RECORDS_REQUESTED,
        by=by,
        note=f"Records requested by {method} on {on:%m/%d/%Y}.",
        extra_fields={"records_requested": on, "records_request_method": method},
    )
    signals.case_event.send(Case, case=case, event=signals.RECORDS_REQUESTED)
    return case


def receive_records(case: Case, *, by, on: date | None = None) -> Case:
    on = on or timezone.localdate()
    return transition(
        case,
        Status.RECORDS_RECEIVED,
        by=by,
        note=f"Records received on {on:%m/%d/%Y}; the statutory clock starts.",
        extra_fields={"records_received": on},
    )


def withdraw(case: Case, *, by, reason: str) -> Case:
    return transition(case, Status.WITHDRAWN, by=by, note=reason)


def terminate(case: Case, *, by, reason: str = "The claims administrator authorized the treatment.") -> Case:
    return transition(case, Status.TERMINATED, by=by, note=reason)


@dataclass(frozen=True)
class IntakeAction:
    """One of the administrator's moves on the case page: where it takes the case, the service that makes it, and
    what the form must give it."""

    key: str
    label: str
    target: str
    run: Callable[..., Case]  # run(case, by=, on=, method=, note=, rule=, override=, into=)
    note_required: bool = False
    # The form's fields this action takes (the page shows only these): "on", "method", "rule", "override", "into".
    takes: tuple[str, ...] = ()


# The intake moves, once: the case page lists those the lifecycle allows, the form validates against them and the
# view runs them.
INTAKE_ACTIONS: dict[str, IntakeAction] = {
    action.key: action
    for action in (
        IntakeAction(
            "eligible",
            "Mark eligible",
            Status.ELIGIBLE,
            lambda case, *, by, note, override, **_: mark_eligible(case, by=by, note=note, override=override),
            takes=("override",),
        ),
        IntakeAction(
            "ineligible",
            "Mark ineligible",
            Status.INELIGIBLE,
            lambda case, *, by, note, rule, **_: mark_ineligible(case, by=by, reason=note, rule=rule),
            takes=("rule",),
        ),
        IntakeAction(
            "request_records",
            "Request records",
            Status.RECORDS_REQUESTED,
            lambda case, *, by, on, method, **_: request_records(
                case, by=by, on=on, method=method or Case.RecordsMethod.ELECTRONIC
            ),
            takes=("on", "method"),
        ),
        IntakeAction(
            "receive_records",
            "Records received",
            Status.RECORDS_RECEIVED,
            lambda case, *, by, on, **_: receive_records(case, by=by, on=on),
            takes=("on",),
        ),
        IntakeAction(
            "withdraw",
            "Withdrawn by the employee",
            Status.WITHDRAWN,
            lambda case, *, by, note, **_: withdraw(case, by=by, reason=note),
            note_required=True,
        ),
        IntakeAction(
            "terminate",
            "Terminate (treatment authorized)",
            Status.TERMINATED,
            lambda case, *, by, note, **_: terminate(case, by=by, **({"reason": note} if note else {})),
        ),
        IntakeAction(
            "join",
            "Join into another case (same employee, physician and date of injury)",
            Status.CLOSED,
            lambda case, *, by, into, **_: join_case(case, into=into, by=by),
            takes=("into",),
        ),
    )
}


def allowed_intake_actions(case: Case, *, joinable: bool = False) -> list[IntakeAction]:
    """The moves the lifecycle allows from the case's state; joining only when a case to join into exists."""
    allowed = TRANSITIONS.get(case.status, ())
    return [
        action for action in INTAKE_ACTIONS.values() if action.target in allowed and (action.key != "join" or joinable)
    ]


# -- intake ------------------------------------------------------------------------------------------------------


def _party_from_form(values: dict[str, str], contacts: dict[str, dict[str, str]]) -> dict:
    group = get_or_create_party(Party.Kind.PROVIDER_GROUP, values.get("provider_group_name"))
    provider = get_or_create_party(Party.Kind.PHYSICIAN, values.get("requesting_provider_name"))
    if provider is not None and group is not None and provider.organization_id != group.pk:
        provider.organization = group
        provider.save(update_fields=["organization", "updated_at"])
    parties = {
        "employer": get_or_create_party(Party.Kind.EMPLOYER, values.get("employer_name")),
        "claims_administrator": get_or_create_party(
            Party.Kind.CLAIMS_ADMINISTRATOR, values.get("claims_administrator_name")
        ),
        "employee_attorney": get_or_create_party(Party.Kind.LAW_FIRM, values.get("attorney_firm_name")),
        "requesting_provider": provider,
    }
    names = {
        "employer_name": "employer",
        "claims_administrator_name": "claims_administrator",
        "attorney_firm_name": "employee_attorney",
        "requesting_provider_name": "requesting_provider",
    }
    for name_field, typed in contacts.items():
        update_party_contact(parties[names[name_field]], typed)
    return parties


@transaction.atomic
def save_intake(case_form, item_formset, *, by, document: dict | None = None) -> Case:
    """Save a new or edited case with its items (and an optional first document) in one transaction.

    The forms must be valid. A new case gets the next case number; the first transition is recorded.
    """
    case = case_form.save(commit=False)
    for attribute, party in _party_from_form(case_form.party_values(), case_form.party_contacts()).items():
        setattr(case, attribute, party)
    is_new = case.pk is None
    if is_new:
        case.case_number = next_case_number()
        case.created_by = by
    case.save()
    item_formset.instance = case
    items = item_formset.save(commit=False)
    for removed in item_formset.deleted_objects:
        removed.delete()
    for position, item in enumerate(items):
        item.position = item.position or position
        item.save()
    for position, item in enumerate(case.items.order_by("position", "pk")):
        if item.position != position:
            item.position = position
            item.save(update_fields=["position"])
    if is_new:
        record_transition(case, Status.RECEIVED, by=by, note="Application received at intake.", from_status="")
    if document:
        add_document(case, by=by, **document)
    return case
