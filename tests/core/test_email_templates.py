"""E-mail templates are checked when an administrator saves them, and a broken one never breaks the move it notifies
(issue 20, finding 10: ``{% if %}`` saved in the admin made every offer answer 500 and roll back)."""

import pytest
from django.core import mail
from django.urls import reverse

from cases.lifecycle import Status
from cases.models import Assignment
from core.models import AuditEvent, EmailTemplate, OutboxEmail
from core.notifications import queue_email
from tests.factories import UserFactory, reviewer_profile, specialty_fit, waiting_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def root(client):
    client.force_login(UserFactory(username="root", is_superuser=True, is_staff=True))


def _offered_template() -> EmailTemplate:
    template, _ = EmailTemplate.objects.get_or_create(
        key="case_offered", defaults={"subject": "Case {{ case_number }}", "body": "Offered: {{ case_number }}"}
    )
    return template


@pytest.mark.parametrize(
    ("field", "source", "message"),
    [
        ("body", "Dear {% if %} doctor", "The template does not compile: Unexpected end of expression in if tag."),
        ("subject", "Case {{ case_number|nosuchfilter }}", "The template does not compile: Invalid filter"),
        ("body", "{% include 'base.html' %}", "{% include %} is not allowed in an e-mail template"),
        ("body", "{% debug %}", "{% debug %} is not allowed in an e-mail template"),
    ],
    ids=["if-without-condition", "unknown-filter", "include", "debug"],
)
def test_the_admin_refuses_an_email_template_that_does_not_compile_at_the_field(client, root, field, source, message):
    template = _offered_template()
    before = (template.subject, template.body)
    data = {"key": template.key, "description": "", "subject": template.subject, "body": template.body}
    data[field] = source

    response = client.post(reverse("admin:core_emailtemplate_change", args=[template.pk]), data)

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert list(errors) == [field]
    assert errors[field][0].startswith(message), errors[field][0]
    template.refresh_from_db()
    assert (template.subject, template.body) == before


def test_the_admin_saves_a_template_that_compiles(client, root):
    template = _offered_template()
    data = {"key": template.key, "description": "", "subject": "Case {{ case_number }}"}
    data["body"] = "{% if x %}y{% endif %}"

    response = client.post(reverse("admin:core_emailtemplate_change", args=[template.pk]), data)

    assert response.status_code == 302
    template.refresh_from_db()
    assert template.body == "{% if x %}y{% endif %}"


def test_an_offer_succeeds_with_the_built_in_text_when_the_stored_template_is_broken(
    admin_client, reviewer, django_capture_on_commit_callbacks
):
    specialty_fit()
    reviewer_profile(reviewer)
    case = waiting_case()
    EmailTemplate.objects.update_or_create(key="case_offered", defaults={"subject": "x", "body": "Dear {% if %}"})

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("cases:assign", args=[case.case_number]), {"action": "offer", "reviewer": reviewer.pk}
        )

    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.status, case.reviewer_id) == (Status.ASSIGNED, reviewer.pk)
    assert Assignment.objects.filter(case=case, reviewer=reviewer).count() == 1
    email = OutboxEmail.objects.get(template_key="case_offered")
    assert email.subject == f"IMR case {case.case_number} offered to you (Standard)"
    assert f"Case {case.case_number} (Standard review, 1 disputed item) has been offered to you." in email.body
    assert email.status == OutboxEmail.Status.SENT
    assert [message.subject for message in mail.outbox] == [email.subject]
    event = AuditEvent.objects.get(action="email.template_failed")
    assert (event.object_type, event.object_id) == ("core.outboxemail", str(email.pk))
    assert event.detail["problem"].startswith("E-mail template 'case_offered' failed (TemplateSyntaxError:")
    assert event.detail["problem"].endswith("; sent with the built-in text.")


def test_a_broken_template_without_built_in_text_is_stored_as_failed_and_the_caller_goes_on():
    EmailTemplate.objects.create(key="custom_notice", subject="Hello", body="{% for %}")

    email = queue_email("custom_notice", ["someone@example.org"], {})

    assert email.status == OutboxEmail.Status.FAILED
    assert email.last_error.startswith("E-mail template 'custom_notice' failed (TemplateSyntaxError:")
    assert email.last_error.endswith("there is no built-in text for it.")
    assert AuditEvent.objects.filter(action="email.template_failed", object_id=str(email.pk)).count() == 1
