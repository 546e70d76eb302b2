"""The notice of assignment to the injured worker, in the worker's language, with the case access code.

``cases.services.notices.queue_assignment_notice`` asks for it through ``cases.hooks.worker_notice`` (``cases`` may
not import ``parties``; ``PartiesConfig.ready`` registers ``queue_worker_notice``). The text is an administrator-
editable e-mail template per language (``assignment_notice_worker_en``, ``assignment_notice_worker_es``), first
written from this module's strings translated by Django's translation machinery (``locale/es``). A worker with no
e-mail address on file gets the notice on paper: the outbox keeps it as failed ("No recipient address"), and the
administrator prints it from the worker's access page (``parties.worker_views.staff_code``).
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.dateformat import format as format_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases import hooks
from cases.models import Case
from cases.services.notices import assigned_on
from core.models import EmailTemplate, OutboxEmail
from core.notifications import queue_email
from core.services import record_event
from parties.worker_access import access_of, issue_code, printed

# The dedupe key of the first notice: the one the generic notice to the worker had, so a case noticed before this
# module existed is not noticed twice.
FIRST_NOTICE_KEY = "assignment_notice:case:{pk}:Injured worker"

DESCRIPTION = gettext_lazy("To the injured worker: the notice of assignment, with the case access code.")
# Translators: an e-mail subject. Keep {{ case_number }} exactly as it is.
SUBJECT = gettext_lazy("Notice of assignment: Independent Medical Review {{ case_number }}")
# Translators: the injured worker's notice (plain words, usted). Keep every {{ }} and {% %} exactly as it is.
BODY = gettext_lazy(
    "Dear {{ recipient_name }},\n\n"
    "Your application for Independent Medical Review (IMR) of the utilization review decision of {{ ur_date }} "
    "(claim {{ claim_number }}, date of injury {{ date_of_injury }}) was assigned to {{ organization_name }} on "
    "{{ assigned_on }}. Your case number is {{ case_number }} ({{ priority }} review).\n\n"
    "Treatment in dispute:\n{% for item in items %}- {{ item }}\n{% endfor %}\n"
    "You can see where your case stands, send us documents and read the decision letter online, at:\n"
    "{{ portal_url }}\n\n"
    "You will need your case number, your date of birth and this case access code:\n\n"
    "    Case access code: {{ access_code }}\n\n"
    "Keep this code private: it opens only this case. If you lose it, contact us and we will send you a new one.\n\n"
    "{% if cover_sheets_url %}To send us documents by fax or mail instead, print the records cover sheets and put the "
    "right one on top of each document:\n{{ cover_sheets_url }}\n\n{% endif %}"
    "This notice is sent within one business day of the assignment (8 CCR 9792.10.4(b)).\n\n"
    "{{ organization_name }}\n"
)


def template_key(language: str) -> str:
    return f"assignment_notice_worker_{language}"


def long_date(day: date | None) -> str:
    """A date in words in the active language: "December 7, 2026", "7 de diciembre de 2026"."""
    if day is None:
        return _("not given")
    # Translators: a date format of Django's date filter (F: month name, j: day, Y: year); backslash a literal letter.
    return format_date(day, _("F j, Y"))


def _context(case: Case, code: str) -> dict:
    priority = {"standard": _("standard"), "expedited": _("expedited")}.get(case.priority, case.priority)
    return {
        "organization_name": settings.IMR_ORGANIZATION_NAME,
        "recipient_name": case.employee_name,
        "case_number": case.case_number,
        "claim_number": case.claim_number or _("not given"),
        "date_of_injury": long_date(case.date_of_injury),
        "ur_date": long_date(case.ur_determination_date),
        "assigned_on": long_date(assigned_on(case)),
        "priority": priority,
        "items": [item.description for item in case.items.all()],
        "portal_url": settings.IMR_PUBLIC_BASE_URL.rstrip("/") + reverse("worker:start"),
        "access_code": printed(code),
        # What other apps add to every notice of assignment: the mailroom's link to the records cover sheets.
        **hooks.notice_extras(case),
    }


def queue_worker_notice(case: Case, *, by=None, again: bool = False) -> OutboxEmail:
    """The worker's notice, with a new access code. Once a case unless ``again`` (an administrator's new code, which
    replaces the old one): a second call otherwise returns the notice already queued and issues no code."""
    first_key = FIRST_NOTICE_KEY.format(pk=case.pk)
    if not again:
        existing = OutboxEmail.objects.filter(dedupe_key=first_key).first()
        if existing is not None:
            return existing
    code = issue_code(case, by=by)
    access = access_of(case)
    key = template_key(access.language)
    with translation.override(access.language):
        EmailTemplate.objects.get_or_create(
            key=key, defaults={"description": str(DESCRIPTION), "subject": str(SUBJECT), "body": str(BODY)}
        )
        context = _context(case, code)
    record_event(by, "worker.access_code_issued", case, case=case.case_number, generation=access.generation)
    return queue_email(
        key,
        [case.employee_email],
        context,
        dedupe_key=first_key if access.generation == 1 else f"{first_key}:{access.generation}",
        related=case,
        secret=True,  # the code: erased from the outbox once the worker's e-mail is sent
    )
