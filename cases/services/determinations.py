"""The reviewer's determination: drafts, submission and clinical QA.

Every version of a determination is kept. A reviewer writes a draft (saved as they type, with a revision number so
that two tabs never overwrite each other silently), submits it (the version is locked and the case goes to QA), QA
returns it (a new draft version is copied from it for the reviewer) or approves it (QA may edit the wording: the
edit is a new version authored by QA, so the diff shows who changed what and when). What a determination must hold
before it is submitted is ``cases/consistency.py``.

Approval asks for the letter through ``cases.hooks.ask_for_letters``: ``cases`` never imports ``letters`` (letters →
cases, never back); the letters app registers its one way of asking for letters there when it starts, and a system
check fails if nothing is registered.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone

from cases import hooks
from cases.consistency import Problem, consistency_problems
from cases.lifecycle import Status
from cases.models import Assignment, Case, Determination, ItemDecision
from cases.services.draft_input import COMMENT_LIMIT, clean_basis, clean_refs, clean_text
from cases.services.lifecycle import transition
from core.permissions import allowed
from core.services import record_event
from guidelines.services import cite_versions
from reviewers.selectors import letter_credentials

DECISIONS = tuple(ItemDecision.Decision.values)


# -- errors ------------------------------------------------------------------------------------------------------


class DeterminationError(ValidationError):
    """A determination action refused: the message says why."""


class DeterminationLocked(DeterminationError):
    """The version is no longer a draft (submitted, returned, approved): it cannot be changed."""


class DraftConflict(DeterminationError):
    """The draft was saved elsewhere (another tab) since this copy was loaded."""

    def __init__(self, *, revision: int, saved_at: datetime, saved_by: str):
        self.revision = revision
        self.saved_at = saved_at
        self.saved_by = saved_by
        local = timezone.localtime(saved_at)
        super().__init__(
            f"This determination was saved in another tab or window by {saved_by} at "
            f"{local:%m/%d/%Y} {local.hour % 12 or 12}:{local:%M %p %Z} (revision {revision}). Reload to see that "
            "version; "
            "your own text is kept in this browser and offered again after the reload.",
            code="conflict",
        )


class IncompleteDetermination(DeterminationError):
    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__([problem.message for problem in problems], code="incomplete")


def _name(user) -> str:
    if user is None:
        return "someone"
    return user.get_full_name() or user.get_username()


def _check_reviewer(case: Case, user) -> None:
    if user is None or not allowed(user, "cases.write_determination", case):
        raise PermissionDenied("Only the reviewer the case is assigned to writes its determination.")


def _check_qa(user) -> None:
    if user is None or not allowed(user, "cases.review_determination"):
        raise PermissionDenied("Only clinical QA reviews determinations.")


# -- drafts ------------------------------------------------------------------------------------------------------


def _ensure_decisions(determination: Determination) -> None:
    """One decision row per disputed item, also for an item added to the case after the draft began."""
    existing = set(determination.decisions.values_list("item_id", flat=True))
    missing = [item for item in determination.case.items.all() if item.pk not in existing]
    ItemDecision.objects.bulk_create([ItemDecision(determination=determination, item=item) for item in missing])


@transaction.atomic
def start_or_get_draft(case: Case, *, by) -> Determination:
    """The reviewer's current draft of the case's determination, started if there is none.

    Only the assigned reviewer, only while the case is in review. The case row is locked so that two tabs opening
    the workspace at once get the same draft.
    """
    _check_reviewer(case, by)
    locked = Case.objects.select_for_update().get(pk=case.pk)
    draft = locked.determinations.filter(state=Determination.State.DRAFT).first()
    if draft is None:
        if locked.status != Status.IN_REVIEW:
            raise DeterminationError(
                f"Case {locked.case_number} is {locked.get_status_display().lower()}: "
                "a determination is written while the case is in review."
            )
        version = (locked.determinations.aggregate(last=Max("version"))["last"] or 0) + 1
        try:
            with transaction.atomic():
                draft = Determination.objects.create(case=locked, version=version, author=by, saved_by=by)
        except IntegrityError:
            draft = locked.determinations.get(state=Determination.State.DRAFT)
        else:
            record_event(by, "determination.started", draft, case=locked.case_number, version=version)
    _ensure_decisions(draft)
    return draft


def _clean_decisions(determination: Determination, decisions: dict) -> dict[int, dict[str, Any]]:
    """Check every value before anything is written: a bad value refuses the whole save."""
    if not isinstance(decisions, dict):
        raise ValidationError("decisions: expected an object keyed by item id.", code="invalid")
    item_ids = set(determination.case.items.values_list("pk", flat=True))
    cleaned: dict[int, dict[str, Any]] = {}
    for raw_id, values in decisions.items():
        try:
            item_id = int(raw_id)
        except (TypeError, ValueError):
            raise ValidationError(f"decisions: {raw_id!r} is not an item id.", code="invalid") from None
        where = f"decisions[{item_id}]"
        if item_id not in item_ids:
            raise ValidationError(f"{where}: no such disputed item on case {determination.case}.", code="invalid")
        if not isinstance(values, dict):
            raise ValidationError(f"{where}: expected an object.", code="invalid")
        fields: dict[str, Any] = {}
        if "decision" in values:
            decision = values["decision"] or ""
            if decision not in ("", *DECISIONS):
                raise ValidationError(f"{where}.decision: must be 'upheld', 'overturned' or empty.", code="invalid")
            fields["decision"] = decision
        if "basis" in values:
            fields["basis"] = clean_basis(values["basis"], where=f"{where}.basis")
        if "basis_none" in values:
            if not isinstance(values["basis_none"], bool):
                raise ValidationError(f"{where}.basis_none: must be true or false.", code="invalid")
            fields["basis_none"] = values["basis_none"]
        if "rationale" in values:
            fields["rationale"] = clean_text(values["rationale"], where=f"{where}.rationale")
        if "guideline_refs" in values:
            fields["guideline_refs"] = clean_refs(values["guideline_refs"], where=f"{where}.guideline_refs")
        cleaned[item_id] = fields
    return cleaned


def save_draft(
    determination: Determination,
    *,
    by,
    revision: int,
    summary: str | None = None,
    decisions: dict | None = None,
) -> Determination:
    """Save the reviewer's draft if ``revision`` is still the stored one; bump the revision.

    Refuses with ``DraftConflict`` (the other save's revision, time and author) when the draft was saved since the
    caller loaded it, and with ``DeterminationLocked`` once the version is submitted. Values are checked first:
    a bad value saves nothing.
    """
    case = determination.case
    _check_reviewer(case, by)
    summary = None if summary is None else clean_text(summary, where="summary")
    cleaned = _clean_decisions(determination, decisions or {})
    with transaction.atomic():
        changes: dict[str, Any] = {"revision": F("revision") + 1, "saved_by": by, "updated_at": timezone.now()}
        if summary is not None:
            changes["clinical_case_summary"] = summary
        # A conditional UPDATE claims the revision: of two saves carrying the same revision, one wins.
        claimed = Determination.objects.filter(
            pk=determination.pk, state=Determination.State.DRAFT, revision=revision
        ).update(**changes)
        if not claimed:
            current = Determination.objects.select_related("saved_by").get(pk=determination.pk)
            if current.state != Determination.State.DRAFT:
                raise DeterminationLocked(
                    f"This determination was already submitted (version {current.version}, "
                    f"{current.get_state_display()}): it can no longer be changed.",
                    code="locked",
                )
            raise DraftConflict(
                revision=current.revision, saved_at=current.updated_at, saved_by=_name(current.saved_by)
            )
        if cleaned:
            rows = list(determination.decisions.filter(item_id__in=cleaned))
            changed_fields: set[str] = set()
            for row in rows:
                for name, value in cleaned[row.item_id].items():
                    setattr(row, name, value)
                    changed_fields.add(name)
            if changed_fields:
                ItemDecision.objects.bulk_update(rows, sorted(changed_fields))
    determination.refresh_from_db()
    return determination


# -- submission and QA -------------------------------------------------------------------------------------------


@transaction.atomic
def submit_determination(determination: Determination, *, by) -> Determination:
    """Lock the draft and send the case to clinical QA, if nothing is missing or inconsistent.

    The reviewer's credentials are copied onto the case as they stand today: the letter prints them even if the
    profile changes later.
    """
    case = determination.case
    _check_reviewer(case, by)
    locked = Determination.objects.select_for_update().get(pk=determination.pk)
    if locked.state != Determination.State.DRAFT:
        raise DeterminationLocked(
            f"Version {locked.version} is {locked.get_state_display().lower()}: it was submitted already.",
            code="locked",
        )
    problems = consistency_problems(locked)
    if problems:
        raise IncompleteDetermination(problems)
    _pin_citations(locked, by=by)
    now = timezone.now()
    locked.state = Determination.State.SUBMITTED
    locked.submitted_at = now
    locked.save(update_fields=["state", "submitted_at", "updated_at"])
    credentials = letter_credentials(by) or case.reviewer_credentials
    transition(
        case,
        Status.QA,
        by=by,
        note=f"Determination version {locked.version} submitted to clinical QA.",
        extra_fields={"reviewer_credentials": credentials},
    )
    record_event(by, "determination.submitted", locked, case=case.case_number, version=locked.version)
    determination.refresh_from_db()
    return determination


def _pin_citations(determination: Determination, *, by) -> None:
    """Pin each item's cited library sections to the versions the reviewer picked."""
    for row in determination.decisions.all():
        version_ids = [ref["version_id"] for ref in row.guideline_refs or [] if ref.get("version_id")]
        row.citations.set(cite_versions(version_ids, by=by))


def _copy(source: Determination, *, version: int, state: str, author, origin: str) -> Determination:
    copy = Determination.objects.create(
        case=source.case,
        version=version,
        state=state,
        clinical_case_summary=source.clinical_case_summary,
        author=author,
        saved_by=author,
        based_on=source,
        origin=origin,
    )
    ItemDecision.objects.bulk_create(
        [
            ItemDecision(
                determination=copy,
                item_id=row.item_id,
                decision=row.decision,
                basis=row.basis,
                basis_none=row.basis_none,
                rationale=row.rationale,
                guideline_refs=row.guideline_refs,
            )
            for row in source.decisions.all()
        ]
    )
    # The copy cites what its source cited (a QA wording edit does not re-pick guideline versions).
    copied = {row.item_id: row for row in copy.decisions.all()}
    for row in source.decisions.prefetch_related("citations"):
        copied[row.item_id].citations.set(row.citations.all())
    return copy


def _lock_submitted(determination: Determination) -> Determination:
    locked = Determination.objects.select_for_update().get(pk=determination.pk)
    if locked.state != Determination.State.SUBMITTED:
        raise DeterminationLocked(
            f"Version {locked.version} is {locked.get_state_display().lower()}: only a submitted determination "
            "is returned or approved.",
            code="locked",
        )
    return locked


@transaction.atomic
def return_determination(
    determination: Determination, *, by, comment: str, item_comments: dict | None = None
) -> Determination:
    """QA sends the determination back with comments; the reviewer gets a new draft version copied from it.

    Returns the new draft.
    """
    _check_qa(by)
    comment = clean_text(comment, where="comment", limit=COMMENT_LIMIT).strip()
    item_comments = {
        int(key): clean_text(value, where=f"comment on item {key}", limit=COMMENT_LIMIT).strip()
        for key, value in (item_comments or {}).items()
    }
    if not comment and not any(item_comments.values()):
        raise DeterminationError("Say what the reviewer should change: a comment, or one on an item.", code="empty")
    locked = _lock_submitted(determination)
    rows = list(locked.decisions.all())
    unknown = set(item_comments) - {row.item_id for row in rows}
    if unknown:
        raise DeterminationError(f"No such item on this determination: {sorted(unknown)}.", code="invalid")
    now = timezone.now()
    locked.state = Determination.State.RETURNED
    locked.qa_by, locked.qa_at, locked.qa_comment = by, now, comment
    locked.save(update_fields=["state", "qa_by", "qa_at", "qa_comment", "updated_at"])
    for row in rows:
        row.qa_comment = item_comments.get(row.item_id, "")
    ItemDecision.objects.bulk_update(rows, ["qa_comment"])
    draft = _copy(
        locked,
        version=locked.version + 1,
        state=Determination.State.DRAFT,
        author=locked.author,
        origin=Determination.Origin.REVISION,
    )
    transition(locked.case, Status.IN_REVIEW, by=by, note=f"Returned to the reviewer by QA: {comment or 'see items'}")
    record_event(by, "determination.returned", locked, case=locked.case.case_number, version=locked.version)
    determination.refresh_from_db()
    return draft


def _approve_as_qa_edit(
    locked: Determination, *, by, now, summary: str | None, rationales: dict[int, str]
) -> Determination:
    """QA's wording edits become a new, approved version authored by QA; the submitted one is superseded. The edited
    version must still pass the consistency checks."""
    locked.state = Determination.State.SUPERSEDED
    locked.save(update_fields=["state", "qa_by", "qa_at", "updated_at"])
    approved = _copy(
        locked,
        version=locked.version + 1,
        state=Determination.State.APPROVED,
        author=by,
        origin=Determination.Origin.QA_EDIT,
    )
    if summary is not None:
        approved.clinical_case_summary = summary
    approved.qa_by, approved.qa_at, approved.submitted_at = by, now, locked.submitted_at
    approved.save(update_fields=["clinical_case_summary", "qa_by", "qa_at", "submitted_at"])
    edited = [row for row in approved.decisions.all() if row.item_id in rationales]
    for row in edited:
        row.rationale = clean_text(rationales[row.item_id], where=f"rationales[{row.item_id}]")
    ItemDecision.objects.bulk_update(edited, ["rationale"])
    problems = consistency_problems(approved)
    if problems:
        raise IncompleteDetermination(problems)
    return approved


@transaction.atomic
def approve_determination(determination: Determination, *, by, edits: dict | None = None) -> Determination:
    """QA approves: the case is determined (decision date today) and its letter is queued after commit.

    ``edits`` may change wording only: ``{"summary": text, "rationales": {item_id: text}}``. An edit is kept as a new
    version authored by QA (the submitted one is superseded), and must still pass the consistency checks.
    Returns the approved version.
    """
    _check_qa(by)
    locked = _lock_submitted(determination)
    case = locked.case
    now = timezone.now()
    approved = locked
    edits = edits or {}
    summary = edits.get("summary")
    summary = None if summary is None else clean_text(summary, where="summary")
    rationales = {
        int(key): clean_text(value, where=f"rationale of item {key}")
        for key, value in (edits.get("rationales") or {}).items()
    }
    rows = {row.item_id: row for row in locked.decisions.all()}
    if set(rationales) - set(rows):
        raise DeterminationError(f"No such item on this determination: {sorted(set(rationales) - set(rows))}.")
    changed = (summary is not None and summary != locked.clinical_case_summary) or any(
        text != rows[item_id].rationale for item_id, text in rationales.items()
    )
    locked.qa_by, locked.qa_at = by, now
    if changed:
        approved = _approve_as_qa_edit(locked, by=by, now=now, summary=summary, rationales=rationales)
    else:
        locked.state = Determination.State.APPROVED
        locked.save(update_fields=["state", "qa_by", "qa_at", "updated_at"])
    transition(
        case,
        Status.DETERMINED,
        by=by,
        note=f"Determination version {approved.version} approved by clinical QA.",
        extra_fields={"decision_date": timezone.localdate()},
    )
    Assignment.objects.filter(case=case, state=Assignment.State.ACCEPTED).update(
        state=Assignment.State.COMPLETED, ended_at=now, end_reason="Determination approved by clinical QA."
    )
    record_event(
        by, "determination.approved", approved, case=case.case_number, version=approved.version, edited=changed
    )
    # The letters app checks the case, audits the request and queues its task after the commit (robustly: the
    # approval stands if the broker is down, and beat's sweep asks again later).
    hooks.ask_for_letters(case, by=by)
    determination.refresh_from_db()
    return approved
