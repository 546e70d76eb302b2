"""After the decision: appeals to the WCAB (LC 4610.6(h)), a rescinded determination reviewed anew by a different
reviewer (LC 4610.6(i)), and the claims administrator's authorization of overturned treatment (8 CCR 9792.10.7).

How the portal reads them:
- The appeal deadline is 30 days from service on the appealing party, plus 5 calendar days for mail within California
  (CCP 1013(a); 10 outside the state, 20 abroad), not moved off a weekend or holiday (``cases.clock``). An appeal
  filed later is recorded all the same (the WCAB decides), marked late. The date and method of service come from the
  letters app's service record (``cases.hooks.service_of``) when the administrator leaves them blank; typed only
  when no service on the appealing party is recorded.
- Rescinded: the case goes back to "records received" as a new review whose clock starts the day the order is
  received (``Case.reopened_on``); the reviewer of the rescinded determination is excluded by matching, which says
  why. The records already in hand stand.
- Authorization: due 5 working days after the determination's date; the day the claims administrator reports is
  recorded per overturned item, and whether it was in time.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from cases import clock, hooks
from cases.lifecycle import Status
from cases.models import Appeal, Case, DisputedItem, ItemDecision
from cases.services.intake import record_transition, transition
from core.services import record_event


def _check_date(day: date, what: str, *, not_before: date | None = None) -> None:
    if day > timezone.localdate():
        raise ValidationError(f"The {what} ({day:%m/%d/%Y}) is in the future.")
    if not_before is not None and day < not_before:
        raise ValidationError(f"The {what} ({day:%m/%d/%Y}) is before {not_before:%m/%d/%Y}.")


def _service(case: Case, filed_by: str, served_on: date | None, service_method: str) -> tuple[date, str, bool]:
    """The date and method of service the deadline runs from: the typed ones, else the service record's."""
    if served_on is not None and service_method:
        return served_on, service_method, False
    recorded = hooks.service_of(case, filed_by)
    if recorded is None:
        party = Appeal.FiledBy(filed_by).label.lower()
        raise ValidationError(
            {
                "served_on" if served_on is None else "service_method": (
                    f"No service of the letter on {party} is recorded: enter the date of service and how it was served."
                )
            }
        )
    return served_on or recorded[0], service_method or recorded[1], True


@transaction.atomic
def record_appeal(
    case: Case,
    *,
    filed_by: str,
    filed_on: date,
    ground: str,
    by,
    served_on: date | None = None,
    service_method: str = "",
    note: str = "",
) -> Appeal:
    """An appeal of the served determination, with the deadline it was held to on the timeline. The date and method
    of service left blank are read from the service record (an error when none is recorded)."""
    if case.status != Status.SERVED:
        raise ValidationError(f"Case {case.case_number} has no served determination to appeal.")
    if ground not in Appeal.Ground.values or filed_by not in Appeal.FiledBy.values:
        raise ValidationError("Choose who filed the appeal and on which of the five grounds of LC 4610.6(h).")
    served_on, service_method, from_record = _service(case, filed_by, served_on, service_method)
    if service_method not in clock.ServiceMethod.values:
        raise ValidationError("Choose how the determination was served on the appealing party.")
    _check_date(served_on, "date of service", not_before=case.decision_date)
    _check_date(filed_on, "date filed", not_before=served_on)
    appeal = Appeal.objects.create(
        case=case,
        filed_by=filed_by,
        filed_on=filed_on,
        ground=ground,
        served_on=served_on,
        service_method=service_method,
        service_from_record=from_record,
        original_reviewer=case.reviewer,
        note=note.strip(),
        recorded_by=by if by is not None and by.is_authenticated else None,
    )
    deadline = clock.appeal_deadline(served_on, service_method)
    timing = "in time" if filed_on <= deadline else f"{(filed_on - deadline).days} days after the deadline"
    record_transition(
        case,
        case.status,
        by=by,
        from_status=case.status,
        note=f"Appeal to the WCAB filed {filed_on:%m/%d/%Y} by {appeal.get_filed_by_display().lower()}: "
        f"{appeal.get_ground_display()}. Deadline {deadline:%m/%d/%Y} (LC 4610.6(h)): {timing}.",
    )
    record_event(by, "case.appeal_recorded", case, appeal=appeal.pk, ground=ground)
    return appeal


@transaction.atomic
def rescind_and_reopen(appeal: Appeal, *, on: date, by) -> Case:
    """The WCAB rescinded the determination: a new review by a different reviewer, its clock from ``on``."""
    appeal = Appeal.objects.select_for_update().select_related("case").get(pk=appeal.pk)
    if appeal.outcome != Appeal.Outcome.PENDING:
        raise ValidationError("This appeal has been decided already.")
    _check_date(on, "date of the order", not_before=appeal.filed_on)
    appeal.outcome = Appeal.Outcome.RESCINDED
    appeal.save(update_fields=["outcome"])
    case = transition(
        appeal.case,
        Status.RECORDS_RECEIVED,
        by=by,
        note=f"Determination rescinded on appeal ({on:%m/%d/%Y}): reviewed anew by a different reviewer "
        "(LC 4610.6(i)); the new review's clock starts today.",
        extra_fields={"reopened_on": on, "decision_date": None, "reviewer": None},
    )
    record_event(by, "case.reopened", case, appeal=appeal.pk, on=on.isoformat())
    return case


@transaction.atomic
def record_authorization(item: DisputedItem, *, on: date, by) -> DisputedItem:
    """The day the claims administrator reported authorizing an overturned item (8 CCR 9792.10.7)."""
    case = item.case
    overturned = ItemDecision.objects.filter(
        item=item, decision=ItemDecision.Decision.OVERTURNED, determination__state="approved"
    ).exists()
    if not overturned:
        raise ValidationError("Only an overturned item is authorized after the determination.")
    _check_date(on, "date of authorization", not_before=case.decision_date)
    item.authorized_on = on
    item.save(update_fields=["authorized_on"])
    due = clock.authorization_due(case.decision_date)
    timing = "within 5 working days" if due is None or on <= due else f"late (due {due:%m/%d/%Y})"
    record_transition(
        case,
        case.status,
        by=by,
        from_status=case.status,
        note=f"Authorization of “{item.description[:80]}” reported for {on:%m/%d/%Y}: {timing} (8 CCR 9792.10.7).",
    )
    record_event(by, "case.item_authorized", case, item=item.pk, on=on.isoformat())
    return item


def after_decision(case: Case) -> dict:
    """What the case page shows after the decision: appeals with their deadlines, overturned items' authorization."""
    appeals = [
        {
            "appeal": appeal,
            "deadline": clock.appeal_deadline(appeal.served_on, appeal.service_method),
        }
        for appeal in case.appeals.all()
    ]
    due = clock.authorization_due(case.decision_date)
    overturned = (
        DisputedItem.objects.filter(
            case=case, decisions__decision="overturned", decisions__determination__state="approved"
        )
        .distinct()
        .order_by("position", "pk")
    )
    items = [
        {"item": item, "due": due, "in_time": item.authorized_on <= due if item.authorized_on and due else None}
        for item in overturned
    ]
    return {"appeals": appeals, "authorization_due": due, "overturned": items}
