"""Replacing cases the portal already holds (an import asked to update): which cases may be replaced, and the
replacement itself.

A review organization's history is never rewritten by a file. A case that has work on it — an assignment (offered,
accepted, declined or ended: who was asked and what they answered), a determination written in the portal (any
version, any state), a letter, a case joined into it — is refused, naming what it has; such a case is corrected in the
portal, where every change is a transition on its timeline. A case nobody has worked on yet (intake facts from a
state feed) and a historical case whose only determination came from an import are replaced: their facts, items and
imported determination; documents and timeline stay.

Changes when what counts as a case's history changes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db.models import PROTECT, Count, ProtectedError, Q

from cases.interchange.parties import Parties
from cases.interchange.saving import case_fields
from cases.interchange.spec import FORMAT, InterchangeError
from cases.models import Assignment, Case, Determination
from cases.services import lifecycle
from core.services import record_event

# The determination an import writes for a decided case (saving.save_items): the only one a replacement may drop.
IMPORTED_DETERMINATION = Q(version=1, state=Determination.State.APPROVED, author__isnull=True, qa_by__isnull=True)


def lock_existing(numbers: Iterable[str]) -> dict[str, Case]:
    """The cases of these numbers the portal holds, locked (in key order) until the import's transaction ends, so
    that no offer or determination starts on them between the check and the replacement."""
    found = Case.objects.select_for_update().filter(case_number__in=list(numbers)).order_by("pk")
    return {case.case_number: case for case in found}


def refusal(case: Case, reasons: list[str], at: str) -> str:
    """The error of a case that may not be replaced, at its JSON path."""
    listed = reasons[0] if len(reasons) == 1 else ", ".join(reasons[:-1]) + " and " + reasons[-1]
    return (
        f"{at}.case_number: case {case.case_number} cannot be replaced: it has {listed}, history that a "
        "replacement would erase or contradict; correct the case in the portal instead"
    )


def work_on(cases: Iterable[Case]) -> dict[int, list[str]]:
    """For each case that has work on it, by key, what it has in words ("an assignment (accepted)",
    "determination v1 (draft)", "2 letters"); cases with none are left out."""
    keys = [case.pk for case in cases]
    found: dict[int, list[str]] = defaultdict(list)
    for case_id, states in _assignment_states(keys).items():
        found[case_id].append(f"an assignment ({states[0]})" if len(states) == 1 else _assignments(states))
    determinations = (
        Determination.objects.filter(case__in=keys).exclude(IMPORTED_DETERMINATION).order_by("case_id", "version")
    )
    for case_id, version, state in determinations.values_list("case_id", "version", "state"):
        found[case_id].append(f"determination v{version} ({state})")
    for case_id, words in _protected_rows(keys):
        found[case_id].append(words)
    return dict(found)


def _assignment_states(keys: list[int]) -> dict[int, list[str]]:
    states: dict[int, list[str]] = defaultdict(list)
    for case_id, state in Assignment.objects.filter(case__in=keys).order_by("pk").values_list("case_id", "state"):
        states[case_id].append(state)
    return states


def _assignments(states: list[str]) -> str:
    return f"{len(states)} assignments ({', '.join(states)})"


def _protected_rows(keys: list[int]) -> Iterable[tuple[int, str]]:
    """Rows that protect a case from deletion (letters, cases joined into it), whichever app holds them: ``cases``
    knows them only through the model registry, never by import."""
    for relation in Case._meta.related_objects:
        if relation.on_delete is not PROTECT:
            continue
        model, column = relation.related_model, relation.field.name
        counts = model._base_manager.filter(**{f"{column}__in": keys}).values(column).annotate(count=Count("pk"))
        for row in counts.order_by(column):
            yield row[column], _counted(model, row["count"])


def _counted(model: Any, count: int) -> str:
    if model is Case:
        return "a case joined into it" if count == 1 else f"{count} cases joined into it"
    meta = model._meta
    return f"a {meta.verbose_name}" if count == 1 else f"{count} {meta.verbose_name_plural}"


def replace_case(case: Case, data: dict[str, Any], parties: Parties, *, by, at: str) -> Case:
    """Replace the facts, items and imported determination of a case nobody has worked on (see ``work_on``) by the
    document's; its documents and timeline stay."""
    previous_status = case.status
    try:
        for determination in case.determinations.all():
            determination.delete()
        case.items.all().delete()
    except ProtectedError:  # written between the check and now by something that does not lock the case
        raise InterchangeError(
            [f"{at}.case_number: case {case.case_number} has signed letters and cannot be replaced"]
        ) from None
    for name, value in case_fields(data, parties).items():
        setattr(case, name, value)
    case.save()
    if case.status != previous_status:
        lifecycle.record_transition(
            case, case.status, by=by, note=f"Replaced by import ({FORMAT}).", from_status=previous_status
        )
    record_event(by, "case.replaced_by_import", case)
    return case
