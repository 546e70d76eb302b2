"""Offering cases to expert reviewers: offer, accept with the conflict-of-interest attestation, decline, reassign.

Every path that gives a case to a reviewer (the assignment page, the bulk proposal, the admin action, a reassignment)
goes through ``offer_case`` or ``reassign_case``, which check, under row locks, the same rules the pages show
(``cases.matching.blocking_reasons``): qualification, conflicts with any party of the case, specialty fit and
capacity. The importer never assigns reviewers: imported cases carry only the credentials printed on their letter.

Locks are taken in a fixed order: the case row, then the reviewer's profile row.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from cases import signals
from cases.lifecycle import ASSIGNABLE_STATES, REASSIGNABLE_STATES, Status, can_move
from cases.models import Assignment, Case, Determination
from cases.services.lifecycle import transition
from cases.services.matching import RosterSnapshot, blocking_reasons, case_parties, case_queryset
from core import roles
from core.models import OutboxEmail
from core.notifications import queue_email
from core.permissions import allowed
from core.services import record_event
from reviewers.models import ReviewerProfile
from reviewers.qualification import conflicting_parties, qualification_problems, roster_profiles

REMIND_AFTER = timedelta(hours=24)

ATTESTATION = (
    "I attest that I have no material professional, familial or financial affiliation with any party to IMR case "
    "{case_number}: the injured worker, the employer, the claims administrator or insurer, the employee's attorney, "
    "the requesting provider or the provider's group, the facility, or the manufacturer of any disputed treatment, "
    "and no other conflict of interest under Labor Code section 139.5. If one comes to light during the review, "
    "I will stop and tell the review organization at once."
)


class AssignmentError(ValidationError):
    """An offer, acceptance, decline or reassignment the rules refuse; the message says why."""


def attestation_text(case: Case) -> str:
    """The attestation the reviewer signs when accepting this case (shown on the page, stored with the acceptance)."""
    return ATTESTATION.format(case_number=case.case_number)


def _lock_case(case: Case) -> Case:
    return case_queryset().select_for_update(of=("self",)).get(pk=case.pk)


def _profile(reviewer, *, lock: bool) -> ReviewerProfile:
    if reviewer is None or not roles.is_reviewer(reviewer):
        raise AssignmentError("Only a member of the Reviewers group can be offered a case.", code="not_reviewer")
    queryset = ReviewerProfile.objects.filter(user=reviewer)
    if lock:
        # Lock the profile row so that two offers to the same reviewer at once cannot both pass the capacity check.
        list(queryset.select_for_update().values_list("pk", flat=True))
    profile = next(iter(roster_profiles(queryset)), None)
    if profile is None:
        raise AssignmentError(
            f"{reviewer.get_full_name() or reviewer.username} has no reviewer profile on the roster.", code="no_profile"
        )
    return profile


def _refuse(case: Case, reviewer, problems: list[str]) -> AssignmentError:
    name = reviewer.get_full_name() or reviewer.username
    return AssignmentError(
        f"{name} cannot be offered case {case.case_number}: {' '.join(problems)}", code="not_assignable"
    )


def _email_context(case: Case, reviewer, **extra) -> dict:
    return {
        "case_number": case.case_number,
        "priority": case.get_priority_display(),
        "item_count": case.items.count(),
        "due_date": f"{case.due_date:%m/%d/%Y}" if case.due_date else "",
        "reviewer_name": reviewer.get_full_name() or reviewer.username,
        "my_cases_url": settings.IMR_PUBLIC_BASE_URL.rstrip("/") + reverse("cases:my_cases"),
        "organization_name": settings.IMR_ORGANIZATION_NAME,
        **extra,
    }


def _sync(case: Case, locked: Case) -> None:
    for name in ("status", "reviewer_id", "due_date", "updated_at"):
        setattr(case, name, getattr(locked, name))
    case._state.fields_cache.pop("reviewer", None)


def _email_offer(case: Case, reviewer, assignment: Assignment) -> None:
    """The "case offered" e-mail, once per offer (after commit, through the outbox)."""
    queue_email(
        "case_offered",
        [reviewer.email],
        _email_context(case, reviewer),
        dedupe_key=f"case-offered:{assignment.pk}",
        related=assignment,
    )


@transaction.atomic
def offer_case(case: Case, reviewer, *, by, via: str = "page") -> Assignment:
    """Offer a waiting case to a reviewer: the case becomes "assigned", the offer is recorded and the reviewer is
    e-mailed (after commit). Refused, with the reason, unless the case is waiting for a reviewer and the reviewer is
    qualified, has no tie to any party of the case, fits its disputed items and has room."""
    locked = _lock_case(case)
    if locked.status not in ASSIGNABLE_STATES or locked.reviewer_id is not None:
        raise AssignmentError(
            f"Case {locked.case_number} is {locked.get_status_display().lower()}: only a case waiting for a reviewer "
            "(eligible, records requested or records received) can be offered. To change the reviewer of an "
            "assigned case, reassign it.",
            code="not_waiting",
        )
    profile = _profile(reviewer, lock=True)
    problems = blocking_reasons(locked, profile, RosterSnapshot.load([profile]))
    if problems:
        raise _refuse(locked, reviewer, problems)
    previous = locked.status
    transition(
        locked, Status.ASSIGNED, by=by, note="Offered to an expert reviewer.", extra_fields={"reviewer": reviewer}
    )
    assignment = Assignment.objects.create(
        case=locked, reviewer=reviewer, offered_by=by, previous_status=previous, via=via
    )
    _email_offer(locked, reviewer, assignment)
    record_event(by, "case_offered", locked, assignment_id=assignment.pk, reviewer_id=reviewer.pk, via=via)
    _sync(case, locked)
    return assignment


@transaction.atomic
def accept_case(case: Case, *, by, attestation_text: str) -> Assignment:
    """The reviewer accepts an offered case, attesting that they have no conflict of interest. The attestation's text
    and time are stored with the offer; the case goes into review."""
    locked = _lock_case(case)
    assignment = (
        Assignment.objects.select_for_update().filter(case=locked, state=Assignment.State.OFFERED, reviewer=by).first()
    )
    if assignment is None or not allowed(by, "cases.answer_offer", locked):
        raise AssignmentError(f"Case {locked.case_number} is not waiting for your answer.", code="not_offered")
    text = (attestation_text or "").strip()
    if not text:
        raise AssignmentError("Accepting a case requires the conflict-of-interest attestation.", code="no_attestation")
    profile = _profile(by, lock=False)
    conflicts = conflicting_parties(profile, case_parties(locked).keys())
    if conflicts:
        names = ", ".join(f"{party.get_kind_display().lower()} {party.name}" for party in conflicts)
        raise AssignmentError(
            f"Your affiliation with {names} conflicts with case {locked.case_number}: decline it instead.",
            code="conflict",
        )
    problems = qualification_problems(profile)
    if problems:
        raise AssignmentError(f"You cannot accept a case at the moment: {' '.join(problems)}", code="not_qualified")
    now = timezone.now()
    assignment.state = Assignment.State.ACCEPTED
    assignment.responded_at = now
    assignment.attested_at = now
    assignment.attestation_text = text
    assignment.save(update_fields=["state", "responded_at", "attested_at", "attestation_text"])
    transition(
        locked,
        Status.IN_REVIEW,
        by=by,
        note="Accepted by the expert reviewer, with the conflict-of-interest attestation.",
    )
    record_event(by, "case_accepted", locked, assignment_id=assignment.pk)
    signals.case_event.send(Case, case=locked, event=signals.CASE_ASSIGNED)
    _sync(case, locked)
    return assignment


def _queue_status(assignment: Assignment) -> str:
    """Where a declined or withdrawn offer sends the case back: the waiting state it was offered from, when the
    lifecycle allows that move, else records received."""
    previous = assignment.previous_status or Status.RECORDS_RECEIVED
    return previous if can_move(Status.ASSIGNED, previous) else Status.RECORDS_RECEIVED


@transaction.atomic
def decline_case(case: Case, *, by, reason: str) -> Assignment:
    """The reviewer (or an administrator for them) declines an offer, with a reason; the case goes back to the queue.

    The reason stays with the offer, for administrators: the case's timeline does not repeat it, because it may say
    who the reviewer is.
    """
    reason = (reason or "").strip()
    if not reason:
        raise AssignmentError("Say why you decline the case.", code="no_reason")
    locked = _lock_case(case)
    assignment = Assignment.objects.select_for_update().filter(case=locked, state=Assignment.State.OFFERED).first()
    if assignment is None or not allowed(by, "cases.decline_offer", locked):
        raise AssignmentError(f"Case {locked.case_number} is not waiting for your answer.", code="not_offered")
    now = timezone.now()
    assignment.state = Assignment.State.DECLINED
    assignment.responded_at = now
    assignment.decline_reason = reason
    assignment.ended_at = now
    assignment.end_reason = (
        "Declined by the reviewer." if assignment.reviewer_id == by.pk else "Declined for the reviewer."
    )
    assignment.save(update_fields=["state", "responded_at", "decline_reason", "ended_at", "end_reason"])
    transition(
        locked,
        _queue_status(assignment),
        by=by,
        note="Offer declined; the case is back in the assignment queue.",
        extra_fields={"reviewer": None},
    )
    record_event(by, "case_declined", locked, assignment_id=assignment.pk, reason=reason)
    _sync(case, locked)
    return assignment


@transaction.atomic
def _live_assignment_for_reassignment(locked: Case) -> Assignment:
    """The case's live (offered or accepted) assignment, locked; refused when there is none to hand on."""
    current = (
        Assignment.objects.select_for_update()
        .filter(case=locked, state__in=[Assignment.State.OFFERED, Assignment.State.ACCEPTED])
        .first()
    )
    if locked.status not in REASSIGNABLE_STATES or current is None:
        raise AssignmentError(
            f"Case {locked.case_number} is {locked.get_status_display().lower()}: only an offered or accepted case "
            "can be reassigned; offer a waiting case instead.",
            code="not_assigned",
        )
    return current


def reassign_case(case: Case, new_reviewer, *, by, reason: str) -> Assignment:
    """Give an offered or accepted case to another reviewer: the live offer ends as withdrawn (kept, with the
    reason), a new offer starts, both reviewers are e-mailed. The new reviewer must pass every rule of an offer."""
    reason = (reason or "").strip()
    if not reason:
        raise AssignmentError("Say why the case is reassigned.", code="no_reason")
    locked = _lock_case(case)
    current = _live_assignment_for_reassignment(locked)
    if current.reviewer_id == new_reviewer.pk:
        raise AssignmentError("The case is already with this reviewer.", code="same_reviewer")
    profile = _profile(new_reviewer, lock=True)
    problems = blocking_reasons(locked, profile, RosterSnapshot.load([profile]))
    if problems:
        raise _refuse(locked, new_reviewer, problems)
    now = timezone.now()
    current.state = Assignment.State.WITHDRAWN
    current.ended_at = now
    current.end_reason = reason
    current.save(update_fields=["state", "ended_at", "end_reason"])
    previous_reviewer = current.reviewer
    # The previous reviewer's unfinished draft is kept in the history but is not handed to the new reviewer: a
    # determination is one physician's own work. The new reviewer starts a fresh version.
    Determination.objects.filter(case=locked, state=Determination.State.DRAFT).update(
        state=Determination.State.SUPERSEDED
    )
    transition(
        locked,
        Status.ASSIGNED,
        by=by,
        note="Reassigned to another expert reviewer.",
        extra_fields={"reviewer": new_reviewer},
    )
    assignment = Assignment.objects.create(
        case=locked,
        reviewer=new_reviewer,
        offered_by=by,
        previous_status=current.previous_status,
        via="reassignment",
    )
    _email_offer(locked, new_reviewer, assignment)
    queue_email(
        "case_reassigned",
        [previous_reviewer.email],
        _email_context(locked, previous_reviewer, reason=reason),
        dedupe_key=f"case-reassigned:{current.pk}",
        related=current,
    )
    record_event(
        by,
        "case_reassigned",
        locked,
        from_assignment_id=current.pk,
        assignment_id=assignment.pk,
        reviewer_id=new_reviewer.pk,
        reason=reason,
    )
    _sync(case, locked)
    return assignment


def apply_bulk_assignment(pairs: list[tuple[int, int]], *, by) -> tuple[list[Assignment], list[tuple[str, str]]]:
    """Offer each (case id, reviewer user id) of a confirmed proposal through ``offer_case``, one transaction each, so
    that one case that changed meanwhile does not undo the others. Returns (offers made, [(case, why not)])."""
    cases = {case.pk: case for case in Case.objects.filter(pk__in=[case_id for case_id, _ in pairs])}
    users = {user.pk: user for user in get_user_model().objects.filter(pk__in=[user_id for _, user_id in pairs])}
    made: list[Assignment] = []
    failed: list[tuple[str, str]] = []
    for case_id, user_id in pairs:
        case, reviewer = cases.get(case_id), users.get(user_id)
        if case is None or reviewer is None:
            failed.append((str(case.case_number if case else case_id), "The case or the reviewer no longer exists."))
            continue
        try:
            made.append(offer_case(case, reviewer, by=by, via="bulk"))
        except ValidationError as error:
            failed.append((case.case_number, " ".join(error.messages)))
    return made, failed


def remind_pending_offers(now: datetime | None = None, *, after: timedelta = REMIND_AFTER) -> int:
    """E-mail reviewers about offers left unanswered for ``after`` (a day): at most one reminder per offer per day,
    however often this runs (the outbox's dedupe key). Returns how many reminders were queued.

    Called by the beat task ``cases.tasks.run_statutory_clock``.
    """
    now = now or timezone.now()
    pending = Assignment.objects.filter(
        state=Assignment.State.OFFERED, offered_at__lte=now - after, case__status=Status.ASSIGNED
    ).select_related("case", "reviewer")
    queued = 0
    for assignment in pending:
        day = int((now - assignment.offered_at) / timedelta(days=1))
        key = f"offer-reminder:{assignment.pk}:{day}"
        if OutboxEmail.objects.filter(dedupe_key=key).exists():
            continue
        with transaction.atomic():
            queue_email(
                "offer_reminder",
                [assignment.reviewer.email],
                _email_context(
                    assignment.case,
                    assignment.reviewer,
                    offered_on=f"{timezone.localtime(assignment.offered_at):%m/%d/%Y}",
                ),
                dedupe_key=key,
                related=assignment,
            )
        queued += 1
    return queued
