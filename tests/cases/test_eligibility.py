"""Eligibility of an IMR application (8 CCR 9792.10.3) through the case page: each requirement refusing "Mark
eligible", the override recorded on the timeline, the rule stated in an "Ineligible" note, and the notice of
assignment queued (9792.10.4(b))."""

import datetime

import pytest
from django.urls import reverse

from cases.lifecycle import Status
from cases.models import CaseTransition
from cases.services import documents
from core.models import AuditEvent, OutboxEmail, Party
from tests.factories import CaseFactory, DisputedItemFactory, PartyFactory, small_pdf

pytestmark = pytest.mark.django_db

TREATMENT = "Physical therapy 2 times a week for 4 weeks, lumbar spine"


def eligible_case(**fields):
    """A case meeting every requirement: signed, filed 10/20 (UR 10/01 by mail: served 10/06, last day 11/05),
    UR decision attached, a UR denial, no earlier review of the treatment, liability not disputed."""
    case = CaseFactory(application_signed=True, **fields)
    DisputedItemFactory(case=case, description=TREATMENT, ur_outcome="denied")
    documents.add_document(case, data=small_pdf(marker=case.case_number), name="ur.pdf", kind="ur_decision")
    return case


def move(client, case, **data):
    return client.post(reverse("cases:transition", args=[case.case_number]), data, follow=True)


def test_the_case_page_shows_the_checklist_with_the_last_day_and_how_service_was_taken(admin_client):
    case = eligible_case()
    body = admin_client.get(case.get_absolute_url()).content.decode()
    assert body.count("<strong>Met:</strong>") == 6
    assert (
        "Served on 10/06/2026 (the UR determination date 10/01/2026 + 5 days for service by mail (an assumption of "
        "the portal; record the actual date of service if known)); the last day to file is 11/05/2026. "
        "Received 10/20/2026." in body
    )
    assert "Last day to file: 11/05/2026." in body


def test_a_case_meeting_every_requirement_is_made_eligible(admin_client):
    case = eligible_case()
    response = move(admin_client, case, action="eligible")
    assert f"Case {case.case_number} is now eligible." in response.content.decode()
    case.refresh_from_db()
    assert case.status == Status.ELIGIBLE
    assert case.eligibility_override == ""


def _earlier_review(case):
    earlier = CaseFactory(claim_number=case.claim_number, status=Status.SERVED)
    DisputedItemFactory(case=earlier, description=TREATMENT.upper())
    return earlier


UNMET = {
    "signed": (lambda case: case.__class__.objects.filter(pk=case.pk).update(application_signed=False)),
    "timely": (
        lambda case: case.__class__.objects.filter(pk=case.pk).update(application_received=datetime.date(2026, 11, 6))
    ),
    "ur_attached": (lambda case: case.documents.all().delete()),
    "disputable": (lambda case: case.items.update(ur_outcome="approved")),
    "not_reviewed": _earlier_review,
    "liability": (lambda case: case.__class__.objects.filter(pk=case.pk).update(liability_disputed=True)),
}
DETAIL = {
    "signed": "The application (DWC Form IMR) is signed: not met (Not recorded as signed",
    "timely": "Filed within 30 days of service of the UR decision: not met (Served on 10/06/2026",
    "ur_attached": "The UR decision is attached: not met (No document of the kind",
    "disputable": f"A UR denial or modification (not an approval): not met (UR approved: {TREATMENT}.)",
    "not_reviewed": "The same treatment was not already reviewed for this worker: not met (Earlier cases",
    "liability": "Liability is not disputed (otherwise IMR is deferred): not met (Liability is disputed",
}


@pytest.mark.parametrize("rule", list(UNMET))
def test_each_unmet_requirement_refuses_mark_eligible(admin_client, rule):
    case = eligible_case()
    UNMET[rule](case)
    body = move(admin_client, case, action="eligible").content.decode().replace("&#x27;", "'").replace("&quot;", '"')
    assert f"Case {case.case_number} cannot be made eligible: " in body
    assert DETAIL[rule] in body.replace("“", "").replace("”", "")
    assert "Correct the case, or record an override with its reason." in body
    case.refresh_from_db()
    assert case.status == Status.RECEIVED
    assert body.count("<strong>Not met:</strong>") == 1


def test_a_late_application_says_how_late(admin_client):
    case = eligible_case(application_received=datetime.date(2026, 11, 8))
    body = admin_client.get(case.get_absolute_url()).content.decode()
    assert "the last day to file is 11/05/2026. Received 11/08/2026, 3 days late." in body


def test_the_earlier_review_is_linked_from_the_checklist(admin_client):
    case = eligible_case()
    earlier = _earlier_review(case)
    body = admin_client.get(case.get_absolute_url()).content.decode()
    assert f'<a href="{earlier.get_absolute_url()}">{earlier.case_number}</a>' in body


def test_an_override_with_its_reason_makes_the_case_eligible_and_is_kept_on_the_timeline(admin_client, admin_user):
    case = eligible_case()
    UNMET["signed"](case)
    UNMET["liability"](case)
    reason = "The signed page arrived by fax on 10/21; liability accepted by the adjuster's letter of 10/22."
    response = move(admin_client, case, action="eligible", override=reason)
    assert f"Case {case.case_number} is now eligible." in response.content.decode()
    case.refresh_from_db()
    expected = (
        "Eligible by override of: The application (DWC Form IMR) is signed; Liability is not disputed (otherwise "
        f"IMR is deferred). Reason: {reason}"
    )
    assert case.status == Status.ELIGIBLE
    assert case.eligibility_override == expected
    step = CaseTransition.objects.filter(case=case, to_status=Status.ELIGIBLE).get()
    assert (step.note, step.by) == (expected, admin_user)
    event = AuditEvent.objects.get(action="case.eligibility_overridden")
    assert (event.actor, event.detail["unmet"], event.detail["reason"]) == (admin_user, ["signed", "liability"], reason)


def test_ineligible_states_the_rule(admin_client):
    case = eligible_case(application_received=datetime.date(2026, 11, 6))
    move(admin_client, case, action="ineligible", rule="timely", note="Received by mail on 11/06.")
    case.refresh_from_db()
    assert case.status == Status.INELIGIBLE
    assert case.ineligible_reason == (
        "Ineligible under 8 CCR 9792.10.3: The application was not filed within 30 days of service of the UR "
        "decision. The last day was 11/05/2026. Received by mail on 11/06."
    )


def test_ineligible_without_rule_or_reason_is_refused_by_label(admin_client):
    case = eligible_case()
    body = move(admin_client, case, action="ineligible").content.decode()
    assert "Rule not met (8 CCR 9792.10.3): Name the rule that is not met, or give the reason." in body
    case.refresh_from_db()
    assert case.status == Status.RECEIVED


def test_mark_eligible_queues_the_notice_of_assignment_due_the_next_business_day(admin_client):
    physician = PartyFactory(kind=Party.Kind.PHYSICIAN, name="Sam Lee, MD", email="lee@clinic.example")
    # Wednesday 11/25/2026: Thanksgiving (11/26) and the day after (a California holiday) are skipped.
    case = eligible_case(assigned_date=datetime.date(2026, 11, 25), requesting_provider=physician)
    case.employer.email = "hr@employer.example"
    case.employer.save()
    move(admin_client, case, action="eligible")
    # The worker's own notice first (in the worker's language, with the case access code: parties.worker_notice).
    mails = OutboxEmail.objects.filter(template_key__startswith="assignment_notice").order_by("pk")
    assert [m.to for m in mails] == [[], ["hr@employer.example"], ["lee@clinic.example"]]
    assert mails[0].template_key == "assignment_notice_worker_en"
    assert mails[2].subject == (
        f"Notice of assignment: Independent Medical Review {case.case_number} (claim {case.claim_number})"
    )
    body = admin_client.get(case.get_absolute_url()).content.decode()
    assert "Due 11/30/2026 (one business day after assignment on 11/25/2026)." in body
    assert "3 notices in the outbox; 1 party without an e-mail address (send on paper)." in body
