"""Making a case's letter: render, sign, store and register each rendition; idempotent.

Locks: the case row first (``select_for_update``), then letter rows, always in that order. The case lock is held only
to claim a row and to register the signed file, never while rendering, so two workers on one case both render and
the first to register wins (a correction holds it throughout: ``letters.services.corrections``).
"""

from __future__ import annotations

import hashlib
import logging

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from cases import signals
from cases.lifecycle import Status
from cases.models import Case, Determination
from cases.services.lifecycle import transition
from core.services import record_event
from letters import rendering
from letters.models import Letter, Rendition
from letters.services.errors import LetterError
from letters.services.signer import sign_rendered, signing_setup

logger = logging.getLogger(__name__)


def _claim(
    case: Case, rendition: str, determination: Determination, *, by, reason: str, version: int | None
) -> tuple[Letter, bool]:
    """Under the case lock: the letter row to fill, or the signed letter that already answers (``done`` True).

    ``version``: the number a new row takes (a correction gives all its renditions one); the rendition's next by
    default."""
    Case.objects.select_for_update().get(pk=case.pk)
    current = Letter.objects.current().filter(case=case, rendition=rendition).first()
    if current is not None and current.determination_id == determination.pk and not reason:
        return current, True
    pending = (
        Letter.objects.filter(case=case, rendition=rendition)
        .exclude(state=Letter.State.SIGNED)
        .order_by("-version")
        .first()
    )
    if pending is not None:
        if reason:
            pending.correction_reason = reason
        pending.state = Letter.State.GENERATING
        pending.error = ""
        pending.determination = determination
        pending.save(update_fields=["state", "error", "determination", "correction_reason"])
        return pending, False
    if version is None:
        version = next_version(case, rendition)
    letter = Letter.objects.create(
        case=case,
        determination=determination,
        version=version,
        rendition=rendition,
        state=Letter.State.GENERATING,
        supersedes=current,
        correction_reason=reason,
        approved_by=determination.qa_by,
        approved_at=determination.qa_at,
        created_by=by if by is not None and by.is_authenticated else None,
    )
    return letter, False


def _maybe_mark_signed(case: Case, *, by) -> None:
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if locked.status != Status.DETERMINED:
        return
    renditions = set(Letter.objects.current().filter(case=locked).values_list("rendition", flat=True))
    if renditions >= set(Rendition.values):
        transition(locked, Status.LETTER_SIGNED, by=by, note="Determination letter signed.")
        signals.case_event.send(Case, case=locked, event=signals.DETERMINATION_ISSUED)
        case.status = locked.status


def next_version(case: Case, rendition: str | None = None) -> int:
    """The version after the last letter of the case (of one rendition, or of any)."""
    letters = Letter.objects.filter(case=case)
    if rendition is not None:
        letters = letters.filter(rendition=rendition)
    return (letters.aggregate(last=Max("version"))["last"] or 0) + 1


def generate_rendition(case: Case, *, rendition: str, by=None, reason: str = "", version: int | None = None) -> Letter:
    """Render, sign, store and register one rendition of the case's letter; idempotent.

    If a current signed letter of the same approved determination exists it is returned untouched. A letter for an
    older determination, or a ``reason`` (a correction), gives a new version that supersedes the current one.
    Two workers racing may both render, but only the first to register wins; the other's work is discarded.
    ``version``: the number of a new version (a correction gives both renditions the same); the rendition's next one
    by default.
    The case moves DETERMINED → LETTER_SIGNED once both renditions are signed.
    """
    if rendition not in Rendition.values:
        raise LetterError(f"Unknown rendition {rendition!r}: use {' or '.join(Rendition.values)}.")
    determination = rendering.approved_determination(case)
    with transaction.atomic():
        letter, done = _claim(case, rendition, determination, by=by, reason=reason, version=version)
    if done:
        return letter
    rendered, data, setup = _render_and_sign(case, determination, letter, rendition)
    return _store_signed(case, determination, letter, rendered, data, setup, by=by)


def generate_letters(case: Case, *, by=None) -> list[Letter]:
    """Both renditions (the parties' letter first), made now in this process; what the letter task runs."""
    return [generate_rendition(case, rendition=rendition, by=by) for rendition in (Rendition.PARTIES, Rendition.PUBLIC)]


def _render_and_sign(case: Case, determination, letter: Letter, rendition: str):
    """The letter's PDF, rendered and signed. A failure is recorded on the letter row (FAILED, with the error) and
    raised again."""
    try:
        setup = signing_setup()
        rendered = rendering.render_letter_pdf(
            case,
            determination,
            rendition=rendition,
            verification_code=letter.verification_code,
            version=letter.version,
            signed_on=timezone.localdate(),
            pdf_variant=setup.pdf_variant,
        )
        data = sign_rendered(rendered, setup=setup)
    except Exception as error:
        Letter.objects.filter(pk=letter.pk, state=Letter.State.GENERATING).update(
            state=Letter.State.FAILED, error=f"{type(error).__name__}: {error}"[:2000]
        )
        logger.exception("Letter %s of case %s failed", rendition, case.case_number)
        raise
    return rendered, data, setup


@transaction.atomic
def _store_signed(case: Case, determination, letter: Letter, rendered, data: bytes, setup, *, by) -> Letter:
    """Register the signed PDF on its claimed row (under the case's lock), unless another worker finished it first."""
    Case.objects.select_for_update().get(pk=case.pk)
    fresh = Letter.objects.select_for_update().get(pk=letter.pk)
    if fresh.state == Letter.State.SIGNED:
        return fresh  # another worker finished this very row first
    now = timezone.now()
    if fresh.supersedes_id:
        Letter.objects.filter(pk=fresh.supersedes_id, superseded_at__isnull=True).update(superseded_at=now)
    # A worker killed after writing this row's file but before its commit left the file behind: replace it.
    name = fresh.file.field.generate_filename(fresh, letter_upload_name(fresh))
    if fresh.file.storage.exists(name):
        fresh.file.storage.delete(name)
    fresh.file.save(letter_upload_name(fresh), ContentFile(data), save=False)
    fresh.sha256 = hashlib.sha256(data).hexdigest()
    fresh.size = len(data)
    fresh.page_count = rendered.page_count
    fresh.certificate_fingerprint = setup.fingerprint
    fresh.signed_at = now
    fresh.timestamped = bool(settings.TIMESTAMP_URL)
    fresh.state = Letter.State.SIGNED
    fresh.error = ""
    fresh.save()
    record_event(
        by,
        "letter.signed",
        fresh,
        case=case.case_number,
        rendition=fresh.rendition,
        version=fresh.version,
        sha256=fresh.sha256,
    )
    # The letter of an approval is signed in the name of the QA who approved it (the task has no user).
    _maybe_mark_signed(case, by=by or determination.qa_by)
    return fresh


def letter_upload_name(letter: Letter) -> str:
    return f"{letter.case.case_number}-{letter.rendition}-v{letter.version}.pdf"
