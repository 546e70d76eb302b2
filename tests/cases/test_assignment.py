"""Offering, accepting, declining and reassigning cases (cases.assignment), by every path."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from cases.lifecycle import Status
from cases.models import Assignment, Case
from cases.services import assignment
from core import roles
from core.models import AuditEvent, OutboxEmail, Party
from reviewers.models import Licence
from tests.factories import (
    PartyFactory,
    UserFactory,
    affiliate,
    reviewer_profile,
    specialty_fit,
    waiting_case,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def profile(reviewer):
    specialty_fit()
    return reviewer_profile(reviewer)


@pytest.fixture
def other_profile(other_reviewer):
    specialty_fit()
    return reviewer_profile(other_reviewer)


def _reviewer_user(username: str):
    user = UserFactory(username=username)
    user.groups.add(Group.objects.get_or_create(name=roles.REVIEWER)[0])
    return user


# -- offer -------------------------------------------------------------------------------------------------------


def test_offer_case_assigns_the_case_records_the_offer_and_queues_the_email(
    admin_user, reviewer, profile, django_capture_on_commit_callbacks
):
    case = waiting_case()

    with django_capture_on_commit_callbacks(execute=True):
        offer = assignment.offer_case(case, reviewer, by=admin_user)

    case.refresh_from_db()
    assert case.status == Status.ASSIGNED
    assert case.reviewer_id == reviewer.pk
    assert offer.state == Assignment.State.OFFERED
    assert offer.previous_status == Status.RECORDS_RECEIVED
    assert offer.offered_by_id == admin_user.pk
    email = OutboxEmail.objects.get(dedupe_key=f"case-offered:{offer.pk}")
    assert email.template_key == "case_offered"
    assert email.to == [reviewer.email]
    assert email.subject == f"IMR case {case.case_number} offered to you (Standard)"
    assert email.status == OutboxEmail.Status.SENT  # tasks run in-process in tests, after commit
    assert [m.subject for m in mail.outbox] == [email.subject]
    assert AuditEvent.objects.filter(action="case_offered", object_id=str(case.pk)).count() == 1


@pytest.mark.parametrize(
    "party_of",
    ["employer", "claims_administrator", "employee_attorney", "requesting_provider", "provider_group"],
)
def test_offer_case_refuses_a_reviewer_tied_to_any_party_of_the_case(admin_user, reviewer, profile, party_of):
    group = PartyFactory(kind=Party.Kind.PROVIDER_GROUP, name="Valley Spine Group")
    provider = PartyFactory(kind=Party.Kind.PHYSICIAN, name="Dr. Ana Ruiz", organization=group)
    attorney = PartyFactory(kind=Party.Kind.LAW_FIRM, name="Hart & Co.")
    case = waiting_case(requesting_provider=provider, employee_attorney=attorney)
    party = {
        "employer": case.employer,
        "claims_administrator": case.claims_administrator,
        "employee_attorney": attorney,
        "requesting_provider": provider,
        "provider_group": group,
    }[party_of]
    affiliate(profile, party, "Consultant")

    with pytest.raises(ValidationError) as refused:
        assignment.offer_case(case, reviewer, by=admin_user)

    assert refused.value.messages == [
        f"{reviewer.get_full_name()} cannot be offered case {case.case_number}: Conflict of interest: affiliated "
        f"with {party.get_kind_display().lower()} {party.name}."
    ]
    case.refresh_from_db()
    assert (case.status, case.reviewer_id) == (Status.RECORDS_RECEIVED, None)
    assert Assignment.objects.count() == 0
    assert OutboxEmail.objects.count() == 0


def test_an_affiliation_that_ended_more_than_a_year_ago_no_longer_blocks(admin_user, reviewer, profile):
    case = waiting_case()
    today = timezone.localdate()
    affiliate(
        profile, case.employer, since=today.replace(year=today.year - 6), until=today.replace(year=today.year - 2)
    )

    offer = assignment.offer_case(case, reviewer, by=admin_user)

    assert offer.state == Assignment.State.OFFERED


def test_offer_case_refuses_a_reviewer_whose_licence_has_expired(admin_user, reviewer, profile):
    Licence.objects.filter(profile=profile).update(expires_on=timezone.localdate() - datetime.timedelta(days=1))
    case = waiting_case()

    with pytest.raises(ValidationError) as refused:
        assignment.offer_case(case, reviewer, by=admin_user)

    expired = timezone.localdate() - datetime.timedelta(days=1)
    assert refused.value.messages == [
        f"{reviewer.get_full_name()} cannot be offered case {case.case_number}: No unrestricted licence in force "
        f"(California A {profile.pk:06d} expired {expired:%m/%d/%Y})."
    ]
    assert Case.objects.get(pk=case.pk).status == Status.RECORDS_RECEIVED


def test_offer_case_refuses_a_reviewer_at_capacity(admin_user, reviewer, profile):
    profile.capacity = 2
    profile.save()
    for _ in range(2):
        assignment.offer_case(waiting_case(), reviewer, by=admin_user)
    third = waiting_case()

    with pytest.raises(ValidationError) as refused:
        assignment.offer_case(third, reviewer, by=admin_user)

    assert refused.value.messages == [
        f"{reviewer.get_full_name()} cannot be offered case {third.case_number}: At capacity: 2 open cases of 2."
    ]


def test_offer_case_refuses_a_reviewer_away_on_holiday(admin_user, reviewer, profile):
    today = timezone.localdate()
    profile.away_from, profile.away_to = today, today + datetime.timedelta(days=7)
    profile.save()

    with pytest.raises(ValidationError) as refused:
        assignment.offer_case(waiting_case(), reviewer, by=admin_user)

    assert refused.value.messages[0].endswith(f"Away until {today + datetime.timedelta(days=7):%m/%d/%Y}.")


def test_offer_case_refuses_a_reviewer_whose_specialty_does_not_fit_the_items(admin_user, reviewer, profile):
    specialty_fit("Orthopedic Surgery", "Surgery")
    case = waiting_case(category="Surgery")

    with pytest.raises(ValidationError) as refused:
        assignment.offer_case(case, reviewer, by=admin_user)

    assert refused.value.messages[0].endswith("No certified specialty fits Surgery.")


def test_offer_case_refuses_a_user_who_is_not_a_reviewer(admin_user, qa_user):
    with pytest.raises(ValidationError) as refused:
        assignment.offer_case(waiting_case(), qa_user, by=admin_user)

    assert refused.value.messages == ["Only a member of the Reviewers group can be offered a case."]


def test_offer_case_refuses_a_case_that_is_not_waiting(admin_user, reviewer, profile, other_reviewer, other_profile):
    case = waiting_case()
    assignment.offer_case(case, reviewer, by=admin_user)

    with pytest.raises(ValidationError) as refused:
        assignment.offer_case(case, other_reviewer, by=admin_user)

    assert refused.value.messages[0].startswith(f"Case {case.case_number} is assigned (offered to reviewer)")
    assert Case.objects.get(pk=case.pk).reviewer_id == reviewer.pk


# -- accept and decline ------------------------------------------------------------------------------------------


def test_accept_case_stores_the_attestation_with_its_time(admin_user, reviewer, profile):
    case = waiting_case()
    assignment.offer_case(case, reviewer, by=admin_user)
    before = timezone.now()

    accepted = assignment.accept_case(case, by=reviewer, attestation_text=assignment.attestation_text(case))

    accepted.refresh_from_db()
    assert accepted.state == Assignment.State.ACCEPTED
    assert accepted.attestation_text == assignment.attestation_text(case)
    assert accepted.attestation_text.startswith(
        f"I attest that I have no material professional, familial or financial affiliation with any party to IMR "
        f"case {case.case_number}"
    )
    assert before <= accepted.attested_at <= timezone.now()
    assert accepted.responded_at == accepted.attested_at
    assert Case.objects.get(pk=case.pk).status == Status.IN_REVIEW


def test_accept_case_without_the_attestation_is_refused(admin_user, reviewer, profile):
    case = waiting_case()
    assignment.offer_case(case, reviewer, by=admin_user)

    with pytest.raises(ValidationError) as refused:
        assignment.accept_case(case, by=reviewer, attestation_text="  ")

    assert refused.value.messages == ["Accepting a case requires the conflict-of-interest attestation."]
    assert Case.objects.get(pk=case.pk).status == Status.ASSIGNED


def test_a_conflict_recorded_after_the_offer_blocks_the_acceptance(admin_user, reviewer, profile):
    case = waiting_case()
    assignment.offer_case(case, reviewer, by=admin_user)
    affiliate(profile, case.claims_administrator, "Paid reviewer for the insurer")

    with pytest.raises(ValidationError) as refused:
        assignment.accept_case(case, by=reviewer, attestation_text=assignment.attestation_text(case))

    assert refused.value.messages == [
        f"Your affiliation with claims administrator / insurer {case.claims_administrator.name} conflicts with case "
        f"{case.case_number}: decline it instead."
    ]


def test_another_reviewer_cannot_accept_an_offer(admin_user, reviewer, profile, other_reviewer):
    case = waiting_case()
    assignment.offer_case(case, reviewer, by=admin_user)

    with pytest.raises(ValidationError):
        assignment.accept_case(case, by=other_reviewer, attestation_text="I attest.")

    assert Case.objects.get(pk=case.pk).status == Status.ASSIGNED


def test_decline_returns_the_case_to_the_queue_and_keeps_the_reason(admin_user, reviewer, profile):
    case = waiting_case()
    offer = assignment.offer_case(case, reviewer, by=admin_user)

    assignment.decline_case(case, by=reviewer, reason="I treated this patient in 2019.")

    case.refresh_from_db()
    offer.refresh_from_db()
    assert (case.status, case.reviewer_id) == (Status.RECORDS_RECEIVED, None)
    assert offer.state == Assignment.State.DECLINED
    assert offer.decline_reason == "I treated this patient in 2019."
    assert offer.ended_at is not None
    last = case.transitions.order_by("-pk").first()
    assert last.note == "Offer declined; the case is back in the assignment queue."
    # The case can be offered again, to someone else.
    other = _reviewer_user("reviewer3")
    reviewer_profile(other)
    assert assignment.offer_case(case, other, by=admin_user).state == Assignment.State.OFFERED


def test_decline_without_a_reason_is_refused(admin_user, reviewer, profile):
    case = waiting_case()
    assignment.offer_case(case, reviewer, by=admin_user)

    with pytest.raises(ValidationError) as refused:
        assignment.decline_case(case, by=reviewer, reason="")

    assert refused.value.messages == ["Say why you decline the case."]
    assert Case.objects.get(pk=case.pk).status == Status.ASSIGNED


# -- reassignment ------------------------------------------------------------------------------------------------


def test_reassignment_keeps_the_history_and_notifies_both_reviewers(
    admin_user, reviewer, profile, other_reviewer, other_profile
):
    case = waiting_case()
    first = assignment.offer_case(case, reviewer, by=admin_user)
    assignment.accept_case(case, by=reviewer, attestation_text=assignment.attestation_text(case))

    second = assignment.reassign_case(case, other_reviewer, by=admin_user, reason="Reviewer fell ill.")

    first.refresh_from_db()
    case.refresh_from_db()
    assert [(a.reviewer_id, a.state) for a in case.assignments.order_by("pk")] == [
        (reviewer.pk, Assignment.State.WITHDRAWN),
        (other_reviewer.pk, Assignment.State.OFFERED),
    ]
    assert first.end_reason == "Reviewer fell ill."
    assert first.attestation_text != ""  # the first reviewer's attestation stays on record
    assert (case.status, case.reviewer_id) == (Status.ASSIGNED, other_reviewer.pk)
    assert second.previous_status == Status.RECORDS_RECEIVED
    assert sorted(OutboxEmail.objects.values_list("template_key", flat=True)) == [
        "case_offered",
        "case_offered",
        "case_reassigned",
    ]
    assert OutboxEmail.objects.get(template_key="case_reassigned").to == [reviewer.email]


def test_reassignment_to_a_conflicted_reviewer_is_refused(admin_user, reviewer, profile, other_reviewer, other_profile):
    case = waiting_case()
    assignment.offer_case(case, reviewer, by=admin_user)
    affiliate(other_profile, case.employer)

    with pytest.raises(ValidationError):
        assignment.reassign_case(case, other_reviewer, by=admin_user, reason="Workload")

    case.refresh_from_db()
    assert case.reviewer_id == reviewer.pk
    assert list(case.assignments.values_list("state", flat=True)) == [Assignment.State.OFFERED]


# -- reminders ---------------------------------------------------------------------------------------------------


def test_reminders_go_once_a_day_for_unanswered_offers(admin_user, reviewer, profile):
    case = waiting_case()
    offer = assignment.offer_case(case, reviewer, by=admin_user)
    offered = timezone.now()
    Assignment.objects.filter(pk=offer.pk).update(offered_at=offered)

    assert assignment.remind_pending_offers(now=offered + datetime.timedelta(hours=2)) == 0
    assert assignment.remind_pending_offers(now=offered + datetime.timedelta(hours=25)) == 1
    assert assignment.remind_pending_offers(now=offered + datetime.timedelta(hours=26)) == 0
    assert assignment.remind_pending_offers(now=offered + datetime.timedelta(hours=49)) == 1
    reminders = OutboxEmail.objects.filter(template_key="offer_reminder").order_by("pk")
    assert [r.dedupe_key for r in reminders] == [f"offer-reminder:{offer.pk}:1", f"offer-reminder:{offer.pk}:2"]
    assert reminders[0].subject == f"Reminder: IMR case {case.case_number} is waiting for your answer"


def test_no_reminder_once_the_offer_is_accepted(admin_user, reviewer, profile):
    case = waiting_case()
    assignment.offer_case(case, reviewer, by=admin_user)
    assignment.accept_case(case, by=reviewer, attestation_text="I attest.")

    assert assignment.remind_pending_offers(now=timezone.now() + datetime.timedelta(days=3)) == 0


# -- the admin site's action -------------------------------------------------------------------------------------


def _admin_action(client, cases, reviewer_user):
    return client.post(
        reverse("admin:cases_case_changelist"),
        {
            "action": "offer_to_reviewer_action",
            "_selected_action": [case.pk for case in cases],
            "apply": "yes",
            "reviewer": reviewer_user.pk,
        },
        follow=True,
    )


def test_the_admin_action_offers_through_the_same_rules(admin_user, client, reviewer, profile):
    admin_user.is_staff = admin_user.is_superuser = True
    admin_user.save()
    client.force_login(admin_user)
    free, conflicted = waiting_case(), waiting_case()
    affiliate(profile, conflicted.employer)

    response = _admin_action(client, [free, conflicted], reviewer)

    assert response.status_code == 200
    free.refresh_from_db()
    conflicted.refresh_from_db()
    assert (free.status, free.reviewer_id) == (Status.ASSIGNED, reviewer.pk)
    assert (conflicted.status, conflicted.reviewer_id) == (Status.RECORDS_RECEIVED, None)
    text = response.content.decode()
    assert f"Case {free.case_number} offered." in text
    assert f"Conflict of interest: affiliated with employer {conflicted.employer.name}." in text


def test_the_admin_action_asks_for_the_reviewer_first(admin_user, client, reviewer, profile):
    admin_user.is_staff = admin_user.is_superuser = True
    admin_user.save()
    client.force_login(admin_user)
    case = waiting_case()

    response = client.post(
        reverse("admin:cases_case_changelist"),
        {"action": "offer_to_reviewer_action", "_selected_action": [case.pk]},
    )

    assert response.status_code == 200
    assert response.templates[0].name == "cases/assignment_admin_action.html"
    assert Case.objects.get(pk=case.pk).status == Status.RECORDS_RECEIVED


def test_reassignment_does_not_hand_the_previous_reviewers_draft_to_the_new_reviewer(
    admin_user, reviewer, profile, other_reviewer, other_profile
):
    """A determination is one physician's own work: the old draft is kept as superseded, the new reviewer starts
    a fresh version."""
    from cases.models import Determination
    from cases.services.determinations import start_or_get_draft

    case = waiting_case()
    assignment.offer_case(case, reviewer, by=admin_user)
    assignment.accept_case(case, by=reviewer, attestation_text=assignment.attestation_text(case))
    draft = start_or_get_draft(case, by=reviewer)
    assignment.reassign_case(case, other_reviewer, by=admin_user, reason="Reviewer fell ill.")
    assignment.accept_case(case, by=other_reviewer, attestation_text=assignment.attestation_text(case))

    new_draft = start_or_get_draft(case, by=other_reviewer)

    draft.refresh_from_db()
    assert draft.state == Determination.State.SUPERSEDED
    assert (new_draft.version, new_draft.author, new_draft.state) == (2, other_reviewer, Determination.State.DRAFT)
