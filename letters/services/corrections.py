"""A corrected version of a case's signed letters, from its approved determination as it stands now.

Corrections of one case are serialized: the case row is locked for the whole correction (claim, render, sign and
register of every rendition), so a second correction at the same moment waits and builds on the first, and both
renditions of a correction share one version and one reason.
"""

from __future__ import annotations

from django.db import transaction

from cases.models import Case
from letters.models import Letter, Rendition
from letters.services.errors import LetterError
from letters.services.generation import generate_rendition, next_version


def issue_correction(case: Case, *, by, reason: str, renditions: tuple[str, ...] | None = None) -> list[Letter]:
    """A new signed version of the case's letters (both renditions unless told), with the reason kept on each.

    The old versions stay in the register, marked superseded (by which version, when). A failure to render or sign
    leaves nothing behind (the whole correction is one transaction) and is raised."""
    reason = (reason or "").strip()
    if not reason:
        raise LetterError("Say why the letter is corrected: the reason is kept with the new version.")
    renditions = renditions or (Rendition.PARTIES, Rendition.PUBLIC)
    with transaction.atomic():
        # The lock a concurrent correction (and the letter task) waits on; taken first, as everywhere in letters.
        locked = Case.objects.select_for_update().get(pk=case.pk)
        current = set(Letter.objects.current().filter(case=locked).values_list("rendition", flat=True))
        missing = [rendition for rendition in renditions if rendition not in current]
        if missing:
            raise LetterError(
                f"Case {case.case_number} has no signed {' or '.join(missing)} letter to correct; generate it first."
            )
        version = next_version(locked)  # one number for every rendition of this correction
        return [
            generate_rendition(locked, rendition=rendition, by=by, reason=reason, version=version)
            for rendition in renditions
        ]
