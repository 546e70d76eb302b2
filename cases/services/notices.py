"""The notice of assignment to the parties (8 CCR 9792.10.4(b)): within one business day of the case's assignment to
the review organization, the employee, the employee's attorney, the employer and the requesting physician are told.

Queued as outbox mail (``core.notifications``) when the case is made eligible (the organization takes the case it
was assigned); one message per party, so the outbox shows which party has no e-mail address (stored as failed, "No
recipient address": that party is sent the notice on paper). Business days skip weekends and California state
holidays (``holidays``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.utils import timezone

from cases import hooks
from cases.clock import is_working_day
from cases.models import Case
from core.models import EmailTemplate, OutboxEmail
from core.notifications import DEFAULT_TEMPLATES, queue_email

TEMPLATE_KEY = "assignment_notice"


def next_business_day(day: date) -> date:
    """The first business day after ``day`` (weekends and California holidays skipped)."""
    following = day + timedelta(days=1)
    while not is_working_day(following):
        following += timedelta(days=1)
    return following


def assigned_on(case: Case) -> date:
    """The day the case was assigned to the organization: the intake's "date assigned", else today."""
    return case.assigned_date or timezone.localdate()


def notice_due(case: Case) -> date:
    return next_business_day(assigned_on(case))


def _parties(case: Case) -> list[tuple[str, str, str]]:
    """(role, name, e-mail) of each party the notice goes to; a party with no e-mail on file has an empty one. The
    injured worker's notice is the parties app's (``hooks.worker_notice``: the worker's language, the access code)."""
    parties = []
    if case.attorney_name or case.employee_attorney_id:
        firm = case.employee_attorney
        parties.append(("Attorney for the injured worker", case.attorney_name or str(firm), firm.email if firm else ""))
    if case.employer is not None:
        parties.append(("Employer", str(case.employer), case.employer.email))
    if case.requesting_provider is not None:
        parties.append(("Requesting physician", str(case.requesting_provider), case.requesting_provider.email))
    return parties


def queue_assignment_notice(case: Case) -> list[OutboxEmail]:
    """One outbox message per party (idempotent: a second call for the same case queues nothing new)."""
    EmailTemplate.objects.get_or_create(key=TEMPLATE_KEY, defaults=DEFAULT_TEMPLATES[TEMPLATE_KEY])
    context = {
        "organization_name": settings.IMR_ORGANIZATION_NAME,
        "case_number": case.case_number,
        "claim_number": case.claim_number or "not given",
        "employee_name": case.employee_display,
        "date_of_injury": f"{case.date_of_injury:%m/%d/%Y}" if case.date_of_injury else "not given",
        "ur_date": f"{case.ur_determination_date:%m/%d/%Y}" if case.ur_determination_date else "(date not given)",
        "assigned_on": f"{assigned_on(case):%m/%d/%Y}",
        "priority": case.get_priority_display().lower(),
        "items": [item.description for item in case.items.all()],
    }
    context.update(hooks.notice_extras(case))  # the mailroom's cover sheets link (registered by mailroom/apps.py)
    worker = [hooks.worker_notice(case)] if case.employee_name else []
    return worker + [
        queue_email(
            TEMPLATE_KEY,
            [email],
            {**context, "recipient_role": role.lower(), "recipient_name": name},
            dedupe_key=f"{TEMPLATE_KEY}:case:{case.pk}:{role}",
            related=case,
        )
        for role, name, email in _parties(case)
    ]


@dataclass(frozen=True)
class NoticeStatus:
    due: date
    assigned_on: date
    messages: list[OutboxEmail]

    @property
    def missing_address(self) -> int:
        return sum(1 for message in self.messages if not message.to)


def notice_status(case: Case) -> NoticeStatus | None:
    """What the case page shows: the due date and the messages queued, or None before the case was made eligible."""
    messages = list(
        OutboxEmail.objects.filter(
            # The worker's notice has a template per language (assignment_notice_worker_en, ..._es).
            template_key__startswith=TEMPLATE_KEY,
            related_object_type=case._meta.label_lower,
            related_object_id=str(case.pk),
        ).order_by("pk")
    )
    if not messages:
        return None
    return NoticeStatus(due=notice_due(case), assigned_on=assigned_on(case), messages=messages)
