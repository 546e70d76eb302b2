"""Assignment pages: a case's ranked reviewers, the bulk "assign the queue", and the reviewer's own cases."""

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, prefetch_related_objects
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from audit import log
from cases.forms import ReasonForm
from cases.lifecycle import ASSIGNABLE_STATES, REASSIGNABLE_STATES, Status
from cases.models import Assignment, Case, Determination
from cases.permissions import case_view, visible_cases
from cases.selectors import CappedPaginator
from cases.services import assignment, bulk_assignment, matching
from core import roles
from core.permissions import allowed, check_permission, permission_required
from reviewers.qualification import roster_profiles

BULK_LIMIT = 2000  # pairs applied by one confirmation at most
QUEUE_PAGE_SIZE = 50


def _reviewer_from_post(request: HttpRequest):
    try:
        user_id = int(request.POST.get("reviewer", ""))
    except ValueError:
        return None
    return get_user_model().objects.filter(pk=user_id, groups__name=roles.REVIEWER).first()


@case_view("cases.assign", queryset=matching.case_queryset)
def assign_case(request: HttpRequest, case: Case) -> HttpResponse:
    """Who can take this case, ranked with the reasons, who cannot and why; one click offers it (POST).

    The reviewers who are not qualified today are counted by rule, with a link to the roster's "not assignable"
    list, instead of a row each (``matching.rank_case``); the qualified ones who cannot take this case (a conflict,
    a full load) are listed with the reasons. A reviewer posted by hand goes through ``offer_case``'s rules all the
    same, shown or not."""
    if request.method == "POST":
        reviewer = _reviewer_from_post(request)
        action = request.POST.get("action", "offer")
        if reviewer is None:
            messages.error(request, "Choose a reviewer from the list.")
            return redirect("cases:assign", case_number=case.case_number)
        try:
            if action == "reassign":
                reason = ReasonForm(request.POST).reason_or_error()
                assignment.reassign_case(case, reviewer, by=request.user, reason=reason)
                messages.success(request, f"Case {case.case_number} reassigned; both reviewers are notified.")
            else:
                assignment.offer_case(case, reviewer, by=request.user, via="page")
                messages.success(request, f"Case {case.case_number} offered; the reviewer is notified.")
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("cases:assign", case_number=case.case_number)
        return redirect(case)
    roster = matching.rank_case(case)
    history = case.assignments.select_related("reviewer", "offered_by").order_by("offered_at", "pk")
    return render(
        request,
        "cases/assignment.html",
        {
            "case": case,
            "eligible": roster.eligible,
            "blocked": roster.blocked,
            "roster": roster,
            "history": history,
            "can_offer": case.status in ASSIGNABLE_STATES and case.reviewer_id is None,
            "can_reassign": case.status in REASSIGNABLE_STATES,
        },
    )


@permission_required("cases.assign")
def assign_queue(request: HttpRequest) -> HttpResponse:
    """Propose a reviewer for each waiting case of the page, the most urgent first (hard rules, balanced loads, best
    fit tier with room; see ``bulk_assignment.plan_bulk_assignment``), with the reason for each case left out; apply
    the proposal on confirmation. A page of ``QUEUE_PAGE_SIZE`` cases at a time, against the roster's loads now:
    what an administrator confirms at once, and a cost that does not grow with years of waiting cases."""
    if request.method == "POST":
        pairs: list[tuple[int, int]] = []
        for value in request.POST.getlist("pair")[:BULK_LIMIT]:
            case_id, _, user_id = value.partition(":")
            if case_id.isdigit() and user_id.isdigit():
                pairs.append((int(case_id), int(user_id)))
        if not pairs:
            messages.error(request, "Nothing to apply: the proposal was empty.")
            return redirect("cases:assign_queue")
        made, failed = assignment.apply_bulk_assignment(pairs, by=request.user)
        if made:
            messages.success(request, f"{len(made)} case{'s' if len(made) != 1 else ''} offered to reviewers.")
        for case_number, why in failed:
            messages.error(request, f"{case_number} not offered: {why}")
        return redirect("cases:assign_queue")
    page = CappedPaginator(visible_cases(request.user, matching.assignment_queue()), QUEUE_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    waiting = list(page.object_list)
    log.record_cases(request, waiting)
    snapshot = matching.RosterSnapshot.load_qualified()
    plan = bulk_assignment.plan_bulk_assignment(waiting, snapshot=snapshot)
    proposal = plan.pairs
    why_unplaced = {case.pk: reason for case, reason in plan.unplaced}
    loads_after: dict[int, int] = dict(snapshot.loads)
    for _, profile in proposal:
        loads_after[profile.user_id] = loads_after.get(profile.user_id, 0) + 1
    per_reviewer = sorted(
        (
            (profile, snapshot.loads.get(profile.user_id, 0), loads_after.get(profile.user_id, 0))
            for profile in snapshot.profiles
            if loads_after.get(profile.user_id, 0) != snapshot.loads.get(profile.user_id, 0)
        ),
        key=lambda row: row[0].display_name,
    )
    return render(
        request,
        "cases/assignment_queue.html",
        {
            "page": page,
            "proposal": proposal,
            "rows": plan.rows,
            "unmatched": [case for case in waiting if case.pk in why_unplaced],
            "unplaced": [(case, why_unplaced[case.pk]) for case in waiting if case.pk in why_unplaced],
            "per_reviewer": per_reviewer,
            "waiting_count": page.paginator.count,
        },
    )


def _section(case: Case, latest: Determination | None) -> str:
    if case.status == Status.ASSIGNED:
        return "offered"
    if case.status == Status.IN_REVIEW:
        returned = latest is not None and (
            latest.state == Determination.State.RETURNED or latest.origin == Determination.Origin.REVISION
        )
        return "returned" if returned else "in_review"
    return "done"


@permission_required("cases.view_own_cases")
def my_cases(request: HttpRequest) -> HttpResponse:
    """The reviewer's home: offers to accept or decline, cases in review, cases QA returned, and done, each with the
    statutory clock, most urgent first."""
    mine = (
        visible_cases(request.user)
        .filter(reviewer=request.user)
        .exclude(status__in=[Status.WITHDRAWN, Status.TERMINATED, Status.INELIGIBLE])
    )
    # Offered and in review in full; of the done ones (years of them), the 50 most recent. The prefetches run once
    # for both.
    working = [Status.ASSIGNED, Status.IN_REVIEW]
    cases = [
        *mine.filter(status__in=working).order_by("due_date", "case_number"),
        *mine.exclude(status__in=working).order_by("-updated_at", "-pk")[:50],
    ]
    prefetch_related_objects(
        cases,
        "items",
        Prefetch("determinations", queryset=Determination.objects.order_by("-version"), to_attr="versions"),
        Prefetch(
            "assignments",
            queryset=Assignment.objects.filter(reviewer=request.user).order_by("-offered_at"),
            to_attr="my_assignments",
        ),
    )
    log.record_cases(request, cases)
    sections: dict[str, list] = {"offered": [], "in_review": [], "returned": [], "done": []}
    for case in cases:
        latest = case.versions[0] if case.versions else None
        offer = case.my_assignments[0] if case.my_assignments else None
        sections[_section(case, latest)].append(
            {
                "case": case,
                "offer": offer,
                "latest": latest,
                "attestation": assignment.attestation_text(case) if case.status == Status.ASSIGNED else "",
            }
        )
    # The most urgent first: open sections by due date (no clock last); done ones most recent first.
    for key in ("offered", "in_review", "returned"):
        sections[key].sort(key=lambda row: (row["case"].due_date is None, row["case"].due_date, row["case"].pk))
    sections["done"].sort(key=lambda row: row["case"].updated_at, reverse=True)
    return render(
        request,
        "cases/my_cases.html",
        {
            "sections": [
                ("offered", "Offered to you", sections["offered"]),
                ("returned", "Returned by QA", sections["returned"]),
                ("in_review", "In review", sections["in_review"]),
                ("done", "Submitted and done", sections["done"][:50]),
            ],
            "counts": {key: len(rows) for key, rows in sections.items()},
        },
    )


@require_POST
@case_view("cases.answer_offer")
def accept(request: HttpRequest, case: Case) -> HttpResponse:
    """Accept an offered case with the conflict-of-interest attestation (the box must be ticked). Only the
    physician the case is offered to (``cases.answer_offer``)."""
    if request.POST.get("attest") != "yes":
        messages.error(request, f"To accept {case.case_number}, tick the box to attest that you have no conflict.")
        return redirect(reverse("cases:my_cases") + f"#case-{case.case_number}")
    try:
        assignment.accept_case(case, by=request.user, attestation_text=assignment.attestation_text(case))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("cases:my_cases")
    messages.success(request, f"You accepted case {case.case_number}. Your attestation is recorded.")
    return redirect(case)


@require_POST
@case_view("cases.decline_offer")
def decline(request: HttpRequest, case: Case) -> HttpResponse:
    """Decline an offered case with a reason; it goes back to the assignment queue. The physician it is offered
    to, or an administrator for them (``cases.decline_offer``)."""
    try:
        reason = ReasonForm(request.POST).reason_or_error()
        assignment.decline_case(case, by=request.user, reason=reason)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"You declined case {case.case_number}; it goes back to the assignment team.")
    if allowed(request.user, "cases.assign"):
        return redirect(case)
    return redirect("cases:my_cases")


@admin.action(description="Offer the selected cases to a reviewer")
def offer_to_reviewer_action(modeladmin, request: HttpRequest, queryset) -> HttpResponse | None:
    """Django admin action on cases: choose a reviewer on an intermediate page, then offer each selected case through
    ``offer_case`` (so the admin site obeys the same rules as the assignment page)."""
    check_permission(request.user, "cases.assign")
    reviewers = roster_profiles()
    if request.POST.get("apply") == "yes":
        reviewer = _reviewer_from_post(request)
        if reviewer is None:
            modeladmin.message_user(request, "Choose a reviewer.", level=messages.ERROR)
            return None
        for case in queryset.order_by("pk"):
            try:
                assignment.offer_case(case, reviewer, by=request.user, via="admin")
            except ValidationError as error:
                modeladmin.message_user(request, " ".join(error.messages), level=messages.ERROR)
            else:
                modeladmin.message_user(request, f"Case {case.case_number} offered.", level=messages.SUCCESS)
        return None
    return render(
        request,
        "cases/assignment_admin_action.html",
        {
            **modeladmin.admin_site.each_context(request),
            "title": "Offer cases to a reviewer",
            "cases": queryset.order_by("pk"),
            "reviewers": reviewers,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            "opts": modeladmin.model._meta,
        },
    )
