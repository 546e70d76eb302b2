"""The pre-submit checks: every item decided, a basis or the explicit none, a rationale that agrees with the
decision, a summary. The rationale check is run over every real published letter: no false alarm on any."""

import pytest

from cases.consistency import consistency_problems, decision_agrees_with_rationale, rationale_conclusion
from cases.services import determinations
from precedents.parser import published_letters_document
from tests import paths
from tests.factories import case_in_review

SEED_LETTER = paths.SEED_LETTER
LETTERS_DIR = paths.LETTERS_TEXT
BASIS = {
    "mtus": [{"chapter": "Chronic Pain Medical Treatment 2016", "sections": ["Physical Medicine"]}],
    "non_mtus": [],
}


def _real_rationales() -> list[tuple[str, str, str]]:
    paths = sorted(LETTERS_DIR.glob("*.txt")) + [SEED_LETTER]
    document = published_letters_document(paths)
    return [
        (case["case_number"], item["determination"]["decision"], item["determination"]["rationale"])
        for case in document["cases"]
        for item in case["items"]
    ]


def test_every_real_letter_rationale_agrees_with_its_decision():
    rationales = _real_rationales()
    disagreements = [
        case_number
        for case_number, decision, rationale in rationales
        if decision_agrees_with_rationale(decision, rationale) is not True
    ]
    assert len(rationales) >= 280
    assert disagreements == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Therefore, the request is medically necessary.", "necessary"),
        ("Therefore, the request is not medically necessary.", "not_necessary"),
        ("The request for MRI is determined to be medically necessary.", "necessary"),
        ("The request for Viagra is determined to not be medically necessary.", "not_necessary"),
        ("The request for MRI is not medically necessary and appropriate.", "not_necessary"),
        ("The request for CT is medically necessary and appropriate.", "necessary"),
        ("The request is not, at this time, medically necessary.", "not_necessary"),
        ("Physical therapy is not a medical necessity to the patient at this time.", "not_necessary"),
        ("As such the request is not necessary.", "not_necessary"),
        ("The MRI is not supported by the records as being medically necessary.", "not_necessary"),
        (
            "The request is not medically necessary. This medical necessity decision should not be interpreted as a "
            "recommendation to stop opioids; if necessary, consult other guidelines.",
            "not_necessary",
        ),
        ("The guidelines recommend imaging for red flags.", None),
    ],
)
def test_rationale_conclusion_reads_the_forms_of_the_letters(text, expected):
    assert rationale_conclusion(text) == expected


def _draft(reviewer, items=2):
    case = case_in_review(reviewer, items=items)
    draft = determinations.start_or_get_draft(case, by=reviewer)
    return case, draft


def _complete(draft, reviewer, case, overrides=None, summary="A 45 year old worker."):
    overrides = overrides or {}
    decisions = {}
    for item in case.items.all():
        values = {
            "decision": "upheld",
            "basis": BASIS,
            "basis_none": False,
            "rationale": "No functional improvement is documented. The request is not medically necessary.",
        }
        values.update(overrides.get(item.pk, {}))
        decisions[item.pk] = values
    return determinations.save_draft(
        draft,
        by=reviewer,
        revision=draft.revision,
        summary=summary,
        decisions=decisions,
    )


@pytest.mark.django_db
def test_a_complete_determination_has_no_problems(reviewer):
    case, draft = _draft(reviewer)
    draft = _complete(draft, reviewer, case)
    assert consistency_problems(draft) == []


@pytest.mark.django_db
def test_an_undecided_item_is_a_problem(reviewer):
    case, draft = _draft(reviewer)
    first, second = case.items.all()
    draft = _complete(draft, reviewer, case, {second.pk: {"decision": ""}})
    problems = consistency_problems(draft)
    assert [(p.item_id, p.field) for p in problems] == [(second.pk, "decision")]
    assert problems[0].message == "Item 2 (Physical therapy 3 visits): decide Upheld or Overturned."


@pytest.mark.django_db
def test_an_item_without_basis_or_the_explicit_none_is_a_problem(reviewer):
    case, draft = _draft(reviewer)
    first, second = case.items.all()
    draft = _complete(draft, reviewer, case, {first.pk: {"basis": {"mtus": [], "non_mtus": []}}})
    assert [(p.item_id, p.field) for p in consistency_problems(draft)] == [(first.pk, "basis")]


@pytest.mark.django_db
def test_no_medical_evidence_cited_ticked_explicitly_is_accepted(reviewer):
    case, draft = _draft(reviewer)
    first, second = case.items.all()
    draft = _complete(draft, reviewer, case, {first.pk: {"basis": {}, "basis_none": True}})
    assert consistency_problems(draft) == []


@pytest.mark.django_db
def test_a_basis_cited_and_none_ticked_together_is_a_problem(reviewer):
    case, draft = _draft(reviewer)
    first, second = case.items.all()
    draft = _complete(draft, reviewer, case, {first.pk: {"basis_none": True}})
    problems = consistency_problems(draft)
    assert [(p.item_id, p.field) for p in problems] == [(first.pk, "basis")]
    assert "keep one of the two" in problems[0].message


@pytest.mark.django_db
def test_an_upheld_item_whose_rationale_concludes_medically_necessary_is_flagged(reviewer):
    case, draft = _draft(reviewer)
    first, second = case.items.all()
    draft = _complete(
        draft, reviewer, case, {first.pk: {"rationale": "Therefore, the request is medically necessary."}}
    )
    problems = consistency_problems(draft)
    assert [(p.item_id, p.field) for p in problems] == [(first.pk, "rationale")]
    assert problems[0].message == (
        "Item 1 (Physical therapy 2 visits) is Upheld, but its rationale concludes that the request is medically "
        "necessary."
    )


@pytest.mark.django_db
def test_an_overturned_item_whose_rationale_concludes_not_medically_necessary_is_flagged(reviewer):
    case, draft = _draft(reviewer)
    first, second = case.items.all()
    draft = _complete(draft, reviewer, case, {second.pk: {"decision": "overturned"}})
    problems = consistency_problems(draft)
    assert [(p.item_id, p.field) for p in problems] == [(second.pk, "rationale")]
    assert problems[0].message == (
        "Item 2 (Physical therapy 3 visits) is Overturned, but its rationale concludes that the request is not "
        "medically necessary."
    )


@pytest.mark.django_db
def test_a_rationale_that_concludes_nothing_is_a_problem(reviewer):
    case, draft = _draft(reviewer, items=1)
    (item,) = case.items.all()
    draft = _complete(draft, reviewer, case, {item.pk: {"rationale": "Guidelines recommend a trial."}})
    assert [(p.item_id, p.field) for p in consistency_problems(draft)] == [(item.pk, "rationale")]


@pytest.mark.django_db
def test_an_empty_rationale_is_a_problem(reviewer):
    case, draft = _draft(reviewer, items=1)
    (item,) = case.items.all()
    draft = _complete(draft, reviewer, case, {item.pk: {"rationale": "  "}})
    problems = consistency_problems(draft)
    assert [(p.item_id, p.field, p.message) for p in problems] == [
        (item.pk, "rationale", "Item 1 (Physical therapy 2 visits): write the decision rationale.")
    ]


@pytest.mark.django_db
def test_a_missing_summary_is_a_problem(reviewer):
    case, draft = _draft(reviewer, items=1)
    draft = _complete(draft, reviewer, case, summary="   ")
    assert [(p.item_id, p.field, p.message) for p in consistency_problems(draft)] == [
        (None, "summary", "Write the clinical case summary.")
    ]
