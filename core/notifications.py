"""Queue an e-mail through the stored outbox.

``queue_email`` renders an administrator-editable ``EmailTemplate``, stores an ``OutboxEmail`` in the caller's
transaction and, once that transaction commits, asks a worker to send it (``core.tasks.send_outbox_email``). If the
worker or the broker is down, the beat sweep (``core.tasks.send_pending_outbox``) picks the row up later.
"""

import logging
from collections.abc import Iterable

from django.db import IntegrityError, models, transaction
from django.template import Context, Template

from core.events import after_commit
from core.models import EmailTemplate, OutboxEmail
from core.services import record_event
from core.tasks import send_outbox_email

logger = logging.getLogger(__name__)

# The defaults, also written by the data migration core/0003_default_email_templates. Used only when an
# administrator has deleted a template, so that a notification is never lost for want of its text.
DEFAULT_TEMPLATES: dict[str, dict[str, str]] = {
    "case_offered": {
        "description": "To a reviewer: a case has been offered to them.",
        "subject": "IMR case {{ case_number }} offered to you ({{ priority }})",
        "body": (
            "Dear Dr. {{ reviewer_name }},\n\n"
            "Case {{ case_number }} ({{ priority }} review, {{ item_count }} disputed item{{ item_count|pluralize }}) "
            "has been offered to you.{% if due_date %} The determination is due on {{ due_date }}.{% endif %}\n\n"
            "Please accept it, attesting that you have no conflict of interest, or decline it, from your cases:\n"
            "{{ my_cases_url }}\n\n"
            "{{ organization_name }}\n"
        ),
    },
    "offer_reminder": {
        "description": "To a reviewer: reminder of an offer not yet accepted or declined.",
        "subject": "Reminder: IMR case {{ case_number }} is waiting for your answer",
        "body": (
            "Dear Dr. {{ reviewer_name }},\n\n"
            "Case {{ case_number }} was offered to you on {{ offered_on }} and is waiting for you to accept or "
            "decline it.{% if due_date %} The determination is due on {{ due_date }}.{% endif %}\n\n"
            "{{ my_cases_url }}\n\n"
            "{{ organization_name }}\n"
        ),
    },
    "case_reassigned": {
        "description": "To a reviewer: a case has been withdrawn from them and given to another reviewer.",
        "subject": "IMR case {{ case_number }} has been reassigned",
        "body": (
            "Dear Dr. {{ reviewer_name }},\n\n"
            "Case {{ case_number }} has been withdrawn from you and reassigned. You need do nothing further on it."
            "{% if reason %}\n\nReason: {{ reason }}{% endif %}\n\n"
            "{{ organization_name }}\n"
        ),
    },
    "assignment_notice": {
        "description": "To each party: the case has been assigned for Independent Medical Review (8 CCR 9792.10.4(b)).",
        "subject": "Notice of assignment: Independent Medical Review {{ case_number }} (claim {{ claim_number }})",
        "body": (
            "To {{ recipient_name }} ({{ recipient_role }}):\n\n"
            "The application for Independent Medical Review of the utilization review decision of {{ ur_date }} "
            "concerning {{ employee_name }} (claim {{ claim_number }}, date of injury {{ date_of_injury }}) has been "
            "assigned to {{ organization_name }} on {{ assigned_on }} as case {{ case_number }} "
            "({{ priority }} review).\n\n"
            "Disputed treatment:\n{% for item in items %}- {{ item }}\n{% endfor %}\n"
            "{% if cover_sheets_url %}To send records by fax or mail, print the barcoded records cover sheets and "
            "put the right one on top of each document: {{ cover_sheets_url }}\n\n{% endif %}"
            "This notice is sent within one business day of the assignment (8 CCR 9792.10.4(b)).\n\n"
            "{{ organization_name }}\n"
        ),
    },
}


class BrokenTemplate(Exception):
    """A stored template that neither compiles nor renders, and no built-in text to fall back on."""


def _render(subject_source: str, body_source: str, context: dict) -> tuple[str, str]:
    plain = Context(context, autoescape=False)
    subject = " ".join(Template(subject_source).render(plain).split())
    return subject[:255], Template(body_source).render(plain)


def render_template(template_key: str, context: dict) -> tuple[str, str, str]:
    """(subject, body, problem) of a template rendered as plain text (no HTML escaping).

    A stored template that fails (saved broken before the admin checked it, or edited in the database) never breaks
    the move it notifies: the built-in text is used, ``problem`` says so, and the failure is logged. Only a broken
    template with no built-in text raises ``BrokenTemplate``."""
    default = DEFAULT_TEMPLATES.get(template_key)
    stored = EmailTemplate.objects.filter(key=template_key).first()
    if stored is None:
        if default is None:
            raise LookupError(f"There is no e-mail template {template_key!r}.")
        logger.warning("E-mail template %s is missing; using the built-in default.", template_key)
        return (*_render(default["subject"], default["body"], context), "")
    try:
        return (*_render(stored.subject, stored.body, context), "")
    except Exception as error:  # noqa: BLE001 - whatever an edited template does, the notified move must commit
        problem = f"E-mail template {template_key!r} failed ({type(error).__name__}: {error})"
        if default is None:
            raise BrokenTemplate(f"{problem}; there is no built-in text for it.") from error
        logger.error("%s; sent with the built-in text instead.", problem)
        return (*_render(default["subject"], default["body"], context), f"{problem}; sent with the built-in text.")


def queue_email(
    template_key: str,
    to: Iterable[str],
    context: dict,
    *,
    dedupe_key: str | None = None,
    related: models.Model | None = None,
    secret: bool = False,
) -> OutboxEmail:
    """Store an e-mail in the outbox and send it after the current transaction commits.

    With a ``dedupe_key`` the call is idempotent: a second call with the same key returns the first e-mail.
    An e-mail with no recipient is stored as failed, so the gap shows in the outbox instead of vanishing.
    ``secret``: the body holds a secret (an access code), erased from the outbox once the e-mail is sent.
    """
    if dedupe_key:
        existing = OutboxEmail.objects.filter(dedupe_key=dedupe_key).first()
        if existing is not None:
            return existing
    recipients = sorted({address.strip() for address in to if address and address.strip()})
    try:
        subject, body, problem = render_template(template_key, context)
    except BrokenTemplate as error:
        logger.error("%s", error)
        subject, body, problem = f"(not sent: e-mail template {template_key!r} is broken)", "", str(error)
    fields = {
        "template_key": template_key,
        "to": recipients,
        "subject": subject,
        "body": body,
        "erase_body_when_sent": secret,
        "dedupe_key": dedupe_key or None,
        "related_object_type": related._meta.label_lower if related is not None else "",
        "related_object_id": str(related.pk) if related is not None else "",
    }
    if not recipients:
        fields.update(status=OutboxEmail.Status.FAILED, last_error="No recipient address.")
    elif not body:
        fields.update(status=OutboxEmail.Status.FAILED, last_error=problem)
    elif problem:
        fields.update(last_error=problem)  # queued all the same, with the built-in text
    try:
        with transaction.atomic():
            email = OutboxEmail.objects.create(**fields)
    except IntegrityError:
        # Another transaction stored the same dedupe key first.
        if dedupe_key:
            return OutboxEmail.objects.get(dedupe_key=dedupe_key)
        raise
    if problem:
        record_event(None, "email.template_failed", email, template_key=template_key, problem=problem)
    if email.status == OutboxEmail.Status.QUEUED:
        # With the broker down the e-mail stays queued (beat's outbox sweep sends it later) and the request that
        # queued it still succeeds.
        after_commit(send_outbox_email.delay, email.pk)
    return email
