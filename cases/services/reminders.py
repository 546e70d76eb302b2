"""The statutory clock's mail: reminders to the reviewer before the due date, escalation of overdue cases to the
administrator and then the medical director, and the chase of late records (DOMAIN.md, "Records" and "Deadline").

Every message goes through the outbox with a ``dedupe_key`` naming its purpose (the case, the due date it is about,
the step), so running the beat job twice, or every 15 minutes all day, sends each message once. A due date that
moves (records received later, priority changed) is a new date: its reminders go out again.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from cases import signals
from cases.lifecycle import CLOCK_RUNNING_STATES, Status
from cases.models import Case
from core import roles
from core.models import EmailTemplate, OutboxEmail
from core.notifications import queue_email

# Days overdue after which the medical director (clinical QA) hears of the case too.

# The clock's e-mail templates, created on first use so that administrators can edit them like the others.
TEMPLATES: dict[str, dict[str, str]] = {
    "clock_reviewer_reminder": {
        "description": "To the reviewer: a determination is due soon.",
        "subject": "IMR case {{ case_number }}: determination due {{ due_date }} ({{ due_in }})",
        "body": (
            "Dear Dr. {{ reviewer_name }},\n\n"
            "The determination of case {{ case_number }} ({{ priority }} review) is due on {{ due_date }}, "
            "{{ due_in }}.\n\nYour workspace: {{ workspace_url }}\n\n{{ organization_name }}\n"
        ),
    },
    "clock_overdue_administrator": {
        "description": "To the case administrator: a case is past its statutory due date.",
        "subject": "OVERDUE: IMR case {{ case_number }} was due {{ due_date }}",
        "body": (
            "Case {{ case_number }} ({{ priority }} review, {{ status }}) was due on {{ due_date }} and is overdue by "
            "{{ days_overdue }} day{{ days_overdue|pluralize }}.{% if reviewer_name %} Reviewer: {{ reviewer_name }}."
            "{% endif %}\n\n{{ case_url }}\n\n{{ organization_name }}\n"
        ),
    },
    "clock_overdue_medical_director": {
        "description": "To the medical director (clinical QA): a case is still overdue after the escalation.",
        "subject": "OVERDUE {{ days_overdue }} days: IMR case {{ case_number }} (escalation)",
        "body": (
            "Case {{ case_number }} ({{ priority }} review, {{ status }}) was due on {{ due_date }} and is still "
            "overdue after {{ days_overdue }} days; the case administrator was told on the first day.\n\n"
            "{{ case_url }}\n\n{{ organization_name }}\n"
        ),
    },
    "clock_converted_expedited": {
        "description": "To the reviewer: the case was converted to expedited review; its due date moved.",
        "subject": "EXPEDITED: IMR case {{ case_number }} is now due {{ due_date }}",
        "body": (
            "Dear Dr. {{ reviewer_name }},\n\n"
            "Case {{ case_number }} was converted to expedited review (8 CCR 9792.10.4(c)): {{ reason }}.\n"
            "The determination is now due {{ due_date }} (it was due {{ previous_due }}).\n\n{{ organization_name }}\n"
        ),
    },
    "clock_records_reminder": {
        "description": "To the claims administrator: the records for an IMR are due soon.",
        "subject": "Records due {{ records_due }} for IMR case {{ case_number }} (claim {{ claim_number }})",
        "body": (
            "To {{ claims_administrator }}{% if adjuster %}, attention {{ adjuster }}{% endif %}:\n\n"
            "The documents for Independent Medical Review case {{ case_number }} (claim {{ claim_number }}), "
            "requested on {{ requested_on }}, are due on {{ records_due }} (8 CCR 9792.10.5).\n"
            "Not yet received:\n{% for document in missing %}- {{ document }}\n{% endfor %}\n"
            "{{ organization_name }}\n{{ organization_address }}\n"
        ),
    },
    "clock_records_chase": {
        "description": "To the claims administrator: the records for an IMR are late.",
        "subject": "Records overdue for IMR case {{ case_number }} (claim {{ claim_number }})",
        "body": (
            "To {{ claims_administrator }}{% if adjuster %}, attention {{ adjuster }}{% endif %}:\n\n"
            "The medical records for Independent Medical Review case {{ case_number }} (claim {{ claim_number }}) "
            "were requested on {{ requested_on }} and were due on {{ records_due }} (8 CCR 9792.10.5). "
            "They have not all been received. Still missing:\n{% for document in missing %}- {{ document }}\n"
            "{% endfor %}\nPlease send them at once.\n\n{{ organization_name }}\n"
            "{{ organization_address }}\n"
        ),
    },
}


def ensure_templates() -> None:
    for key, template in TEMPLATES.items():
        EmailTemplate.objects.get_or_create(key=key, defaults=template)


def _absolute(path: str) -> str:
    return settings.IMR_PUBLIC_BASE_URL.rstrip("/") + path


def _send(template_key: str, to: list[str], context: dict, *, dedupe_key: str, related) -> bool:
    """Queue one message unless its key was used already; True when it was queued now."""
    if OutboxEmail.objects.filter(dedupe_key=dedupe_key).exists():
        return False
    context = {"organization_name": settings.IMR_ORGANIZATION_NAME, **context}
    queue_email(template_key, to, context, dedupe_key=dedupe_key, related=related)
    return True


def _display(user) -> str:
    return (user.get_full_name() or user.get_username()) if user is not None else ""


def _days(n: int) -> str:
    return "today" if n == 0 else ("tomorrow" if n == 1 else f"in {n} days")


def _case_context(case: Case, today: date) -> dict:
    return {
        "case_number": case.case_number,
        "priority": case.get_priority_display().lower(),
        "status": case.get_status_display().lower(),
        "due_date": f"{case.due_date:%m/%d/%Y}" if case.due_date else "",
        "days_overdue": (today - case.due_date).days if case.due_date else 0,
        "case_url": _absolute(case.get_absolute_url()),
        "reviewer_name": _display(case.reviewer),
    }


def administrators():
    User = get_user_model()
    return User.objects.filter(Q(groups__name=roles.ADMINISTRATOR) | Q(is_superuser=True), is_active=True).distinct()


def medical_directors():
    return get_user_model().objects.filter(groups__name=roles.QA, is_active=True).distinct()


def _emails(users) -> list[str]:
    return sorted({user.email for user in users if user.email})


def reviewer_reminders(today: date | None = None) -> int:
    """Remind each reviewer of a case in review due within the configured days (``CLOCK_REMINDER_DAYS``).

    One reminder per threshold and due date: a run that missed a day sends the reminder of the threshold the case
    has just passed (due in 4 days: the 5-day one), never one per missed day.
    """
    today = today or timezone.localdate()
    thresholds = sorted({int(day) for day in settings.CLOCK_REMINDER_DAYS if int(day) >= 0})
    if not thresholds:
        return 0
    cases = Case.objects.filter(
        status=Status.IN_REVIEW,
        reviewer__isnull=False,
        due_date__gte=today,
        due_date__lte=today + timedelta(days=thresholds[-1]),
    ).select_related("reviewer")
    sent = 0
    for case in cases:
        left = (case.due_date - today).days
        threshold = next(day for day in thresholds if day >= left)
        context = {
            **_case_context(case, today),
            "due_in": _days(left),
            "workspace_url": _absolute(reverse("cases:workspace", args=[case.case_number])),
        }
        key = f"clock:reviewer-reminder:case-{case.pk}:due-{case.due_date.isoformat()}:{threshold}d"
        sent += _send("clock_reviewer_reminder", _emails([case.reviewer]), context, dedupe_key=key, related=case)
    return sent


def overdue_escalations(today: date | None = None) -> int:
    """Tell the administrator who took the case in (or every administrator) on the first day a case is overdue, and
    the medical director once it is ``settings.CLOCK_MEDICAL_DIRECTOR_AFTER_DAYS`` overdue."""
    today = today or timezone.localdate()
    cases = Case.objects.filter(status__in=CLOCK_RUNNING_STATES, due_date__lt=today).select_related(
        "reviewer", "created_by"
    )
    sent = 0
    everyone: list | None = None
    directors: list[str] | None = None
    for case in cases:
        context = _case_context(case, today)
        due = case.due_date.isoformat()
        creator = case.created_by
        if creator is not None and creator.is_active and creator.email and roles.is_administrator(creator):
            to = [creator.email]
        else:
            everyone = everyone if everyone is not None else _emails(administrators())
            to = everyone
        key = f"clock:overdue-administrator:case-{case.pk}:due-{due}"
        sent += _send("clock_overdue_administrator", to, context, dedupe_key=key, related=case)
        if context["days_overdue"] >= settings.CLOCK_MEDICAL_DIRECTOR_AFTER_DAYS:
            directors = directors if directors is not None else _emails(medical_directors())
            key = f"clock:overdue-medical-director:case-{case.pk}:due-{due}"
            sent += _send("clock_overdue_medical_director", directors, context, dedupe_key=key, related=case)
    return sent


# Days before the records' due date on which the claims administrator is reminded of the documents still missing.
RECORDS_REMINDER_DAYS_BEFORE = 3


def _records_context(case: Case, today: date, records_due: date) -> dict:
    party = case.claims_administrator
    return {
        **_case_context(case, today),
        "claim_number": case.claim_number or "not stated",
        "claims_administrator": party.name if party is not None else "the claims administrator",
        "adjuster": case.adjuster_name,
        "requested_on": f"{case.records_requested:%m/%d/%Y}",
        "records_due": f"{records_due:%m/%d/%Y}",
        "organization_address": settings.IMR_ORGANIZATION_ADDRESS,
        "missing": case.missing_records(),
    }


def _records_recipients(case: Case, fallback: list) -> list[str]:
    """The claims administrator's address; without one, the administrators (who call instead)."""
    party = case.claims_administrator
    if party is not None and party.email:
        return [party.email]
    if not fallback:
        fallback.extend(_emails(administrators()))
    return fallback


def _awaiting_records():
    return Case.objects.filter(
        status__in=[Status.RECORDS_REQUESTED, Status.ASSIGNED, Status.IN_REVIEW],
        records_received__isnull=True,
        records_requested__isnull=False,
    ).select_related("claims_administrator", "created_by")


def records_reminders(today: date | None = None) -> int:
    """Remind the claims administrator, ``RECORDS_REMINDER_DAYS_BEFORE`` days before the records' due date (or on
    the first run inside that window), of the documents still missing. Once per case and due date."""
    today = today or timezone.localdate()
    sent = 0
    fallback: list[str] = []
    for case in _awaiting_records():
        records_due = case.records_due_date
        if records_due is None or not today <= records_due <= today + timedelta(days=RECORDS_REMINDER_DAYS_BEFORE):
            continue
        key = f"clock:records-reminder:case-{case.pk}:due-{records_due.isoformat()}"
        context = _records_context(case, today, records_due)
        sent += _send(
            "clock_records_reminder", _records_recipients(case, fallback), context, dedupe_key=key, related=case
        )
    return sent


def records_chases(today: date | None = None) -> int:
    """Chase the claims administrator once for records past their due date (15 days by mail, 12 electronic, 24 hours
    expedited). Without an e-mail address on file the chase goes to the administrators, who call instead."""
    today = today or timezone.localdate()
    sent = 0
    fallback: list[str] = []
    for case in _awaiting_records():
        records_due = case.records_due_date
        if records_due is None or records_due >= today:
            continue
        context = _records_context(case, today, records_due)
        key = f"clock:records-chase:case-{case.pk}:requested-{case.records_requested.isoformat()}"
        to = _records_recipients(case, fallback)
        if _send("clock_records_chase", to, context, dedupe_key=key, related=case):
            sent += 1
            signals.case_event.send(Case, case=case, event=signals.RECORDS_OVERDUE)
    return sent
