"""The one way to ask for a case's letters: QA's approval (through ``cases.hooks``), the staff's and the
administrator's buttons, beat's sweep and any later API all call :func:`request_letters`.

It checks the case awaits its letters, writes the ``letter.requested`` audit row, and queues the letter task after the
commit (``core.events.after_commit``). Asking twice makes no second letter: the task is idempotent
(``letters.services.generation``). The task is registered here when the app starts (``letters/apps.py``), so that the
services never import the tasks (the tasks call the services).
"""

from __future__ import annotations

from collections.abc import Callable

from cases.lifecycle import Status
from cases.models import Case, Determination
from core.events import after_commit
from core.services import record_event
from letters.services.errors import LetterError

_letter_task: Callable[[int], object] | None = None


def register_letter_task(queue: Callable[[int], object]) -> None:
    """``queue(case_id)`` sends the letter task (``letters.tasks.generate_letters_task.delay``)."""
    global _letter_task
    _letter_task = queue


def awaits_letters(case: Case) -> bool:
    """The case is determined and its letters are still to be made: the one state in which letters are asked for."""
    return case.status == Status.DETERMINED


def request_letters(case: Case, *, by) -> None:
    """Ask for the letters of a determined case: checked, audited, and the task queued once the caller commits.

    Refused (:class:`LetterError`) once the letters are signed, and for a case with no approved determination.
    ``by`` is who asked: QA for an approval, the staff member or administrator, None for the sweep."""
    if not awaits_letters(case):
        raise LetterError(f"{case.case_number} is {case.get_status_display().lower()}: its letters are made already.")
    if not case.determinations.filter(state=Determination.State.APPROVED).exists():
        raise LetterError(f"{case.case_number} has no approved determination: there is no letter to make.")
    if _letter_task is None:
        raise RuntimeError("No letter task is registered: letters/apps.py registers it when the app starts.")
    record_event(by, "letter.requested", case, case=case.case_number)
    # robust (after_commit): a broker that is down leaves the request in the audit log and the case DETERMINED, and
    # beat's sweep (letters.tasks.generate_missing_letters) asks again.
    after_commit(_letter_task, case.pk)
