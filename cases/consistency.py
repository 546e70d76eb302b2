"""The consistency checks a determination must pass before it is submitted (and again after QA edits its wording):
a clinical case summary, a decision, a basis and a rationale for every item, and a rationale whose conclusion agrees
with the decision.

And the warnings that do not stop it (``consistency_warnings``): a cited guideline edition that was not in force on
the date of the UR decision. A warning, not a refusal: a reviewer may cite a later edition on purpose (the real
letters of 12/2016-02/2017 cite the 2016 Chronic Pain edition for UR decisions of November 2016, before it took
effect), but should do it knowingly."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django.utils import timezone

from cases.models import Case, Determination, ItemDecision
from guidelines.citations import Basis
from guidelines.cited import sections_cited_many
from guidelines.selectors import sources_not_in_force

NECESSARY = "necessary"
NOT_NECESSARY = "not_necessary"


@dataclass(frozen=True)
class Problem:
    """One thing to fix before submitting, and where (``item_id`` None: the summary)."""

    item_id: int | None
    field: str
    message: str
    # For a warning about a cited edition: the chapter as the basis cites it ("Chronic Pain Medical Treatment 2016").
    chapter: str = ""


# The conclusion of a rationale, in the forms of the real letters: "is (not) medically necessary", "is determined
# to (not) be medically necessary", "is not medically necessary and appropriate", "is not a medical necessity",
# "is not medically appropriate". "The medical necessity of ..." is not a conclusion (the opioid disclaimer).
_CONCLUSION_RE = re.compile(
    r"\bmedically[\s-]+(?P<un>un)?(?:necessary|appropriate|reasonable|indicated|warranted)\b|\ba\s+medical\s+necessity\b",
    re.IGNORECASE,
)
# Without "medically": "the request is not necessary" (a verb shortly before; "if necessary" is no conclusion).
_BARE_CONCLUSION_RE = re.compile(
    r"\b(?:is|are|was|were|be)\b(?:\s+[\w-]+){0,3}?\s+(?P<phrase>(?P<un>un)?necessary)\b", re.IGNORECASE
)
# The finite verb that carries the conclusion ("the request IS not ..."); the negation sits between it and the phrase.
_VERB_RE = re.compile(r"\b(?:is|are|was|were|remains?|seems?|appears?)\b", re.IGNORECASE)
_NEGATION_RE = re.compile(r"\b(?:not|no\s+longer|never|cannot)\b|n't\b", re.IGNORECASE)
_SENTENCE_END_RE = re.compile(r"[.!?;](?=\s|$)")


def rationale_conclusion(rationale: str) -> str | None:
    """What the rationale concludes: ``"necessary"``, ``"not_necessary"``, or None when it concludes nothing.

    The conclusion is the last "medically necessary"-type phrase; it is negative when a negation stands between
    the verb that carries it and the phrase ("is not medically necessary", "is determined to not be medically
    necessary", "is not supported ... as being medically necessary"), or when the phrase is "unnecessary".
    """
    matches = list(_CONCLUSION_RE.finditer(rationale or "")) or list(_BARE_CONCLUSION_RE.finditer(rationale or ""))
    if not matches:
        return None
    match = matches[-1]
    if match.group("un"):
        return NOT_NECESSARY
    before = rationale[: match.start("phrase") if "phrase" in match.re.groupindex else match.start()]
    sentence_ends = list(_SENTENCE_END_RE.finditer(before))
    sentence = before[sentence_ends[-1].end() :] if sentence_ends else before
    verbs = list(_VERB_RE.finditer(sentence))
    scope = sentence[verbs[-1].start() :] if verbs else sentence
    return NOT_NECESSARY if _NEGATION_RE.search(scope) else NECESSARY


def decision_agrees_with_rationale(decision: str, rationale: str) -> bool | None:
    """True or False for a rationale that concludes; None when it concludes nothing."""
    conclusion = rationale_conclusion(rationale)
    if conclusion is None:
        return None
    expected = NOT_NECESSARY if decision == ItemDecision.Decision.UPHELD else NECESSARY
    return conclusion == expected


def consistency_problems(determination: Determination) -> list[Problem]:
    """Everything that stops the determination from being submitted, in the order of the page."""
    problems: list[Problem] = []
    if not determination.clinical_case_summary.strip():
        problems.append(Problem(None, "summary", "Write the clinical case summary."))
    decisions = {row.item_id: row for row in determination.decisions.all()}
    for number, item in enumerate(determination.case.items.all(), start=1):
        label = f"Item {number} ({_short(item.description)})"
        row = decisions.get(item.pk)
        if row is None or not row.decision:
            problems.append(Problem(item.pk, "decision", f"{label}: decide Upheld or Overturned."))
        basis = Basis.from_dict(row.basis) if row is not None and row.basis else Basis()
        basis_none = row is not None and row.basis_none
        if basis.is_empty and not basis_none:
            problems.append(
                Problem(item.pk, "basis", f"{label}: cite the guideline basis, or tick 'no medical evidence cited'.")
            )
        if not basis.is_empty and basis_none:
            problems.append(
                Problem(
                    item.pk,
                    "basis",
                    f"{label}: sources are cited and 'no medical evidence cited' is ticked; keep one of the two.",
                )
            )
        rationale = row.rationale if row is not None else ""
        if not rationale.strip():
            problems.append(Problem(item.pk, "rationale", f"{label}: write the decision rationale."))
            continue
        conclusion = rationale_conclusion(rationale)
        if conclusion is None:
            problems.append(
                Problem(
                    item.pk,
                    "rationale",
                    f"{label}: the rationale should end by concluding that the request is (not) medically necessary.",
                )
            )
        elif row is not None and row.decision:
            if row.decision == ItemDecision.Decision.UPHELD and conclusion == NECESSARY:
                problems.append(
                    Problem(
                        item.pk,
                        "rationale",
                        f"{label} is Upheld, but its rationale concludes that the request is medically necessary.",
                    )
                )
            if row.decision == ItemDecision.Decision.OVERTURNED and conclusion == NOT_NECESSARY:
                problems.append(
                    Problem(
                        item.pk,
                        "rationale",
                        f"{label} is Overturned, but its rationale concludes that the request is not medically "
                        "necessary.",
                    )
                )
    return problems


def guideline_date(case: Case) -> tuple[datetime.date, str]:
    """The date whose guideline editions apply to the case, and what it is: the UR decision's date; without one, the
    application's; without either, today."""
    if case.ur_determination_date is not None:
        return case.ur_determination_date, "the UR decision date"
    if case.application_received is not None:
        return case.application_received, "the application date (no UR decision date on file)"
    return timezone.localdate(), "today (no UR decision or application date on file)"


def consistency_warnings(determination: Determination) -> list[Problem]:
    """What the reviewer should look at before submitting but may keep: each cited guideline edition that was not in
    force on the case's guideline date (``guideline_date``), once per item and edition."""
    case = determination.case
    on, what = guideline_date(case)
    items = list(case.items.all())
    rows = {row.item_id: row for row in determination.decisions.all()}
    bases = [rows[item.pk].basis if item.pk in rows else None for item in items]
    cited = sections_cited_many(bases)
    for index, item in enumerate(items):
        refs = rows[item.pk].guideline_refs if item.pk in rows else []
        cited[index] += [ref["id"] for ref in refs or [] if isinstance(ref, dict) and isinstance(ref.get("id"), int)]
    not_in_force = sources_not_in_force({pk for ids in cited for pk in ids}, on)
    warnings: list[Problem] = []
    for number, (item, ids) in enumerate(zip(items, cited, strict=True), start=1):
        editions = {not_in_force[pk].pk: not_in_force[pk] for pk in ids if pk in not_in_force}
        for source in editions.values():
            warnings.append(
                Problem(
                    item.pk,
                    "basis",
                    f"Item {number} ({_short(item.description)}): {source.edition} was not in force on {what}, "
                    f"{on:%m/%d/%Y} (in force {source.period}). Keep it only if you cite it on purpose.",
                    chapter=source.label,
                )
            )
    return warnings


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
