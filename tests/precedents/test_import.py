"""The precedent importer: every real published decision imports exactly (measured against an independent reading of
the text files), each tricky form of the letter on synthetic input, and the command's per-file report."""

import io

import pytest
from django.core.management import CommandError, call_command

from cases.lifecycle import Status
from cases.models import Case, DisputedItem
from precedents.accuracy import FIELDS, measure
from precedents.importer import import_letter
from precedents.models import Precedent, PrecedentCitation, PrecedentItem
from precedents.parser import parse_published_letter
from tests import paths
from tests.precedents.letters import CHRONIC_PAIN_NSAIDS, NO_EVIDENCE, Item, letter

LETTERS = paths.LETTERS
PDFS = sorted(paths.LETTERS_PDF.glob("*.pdf"))


def imported(text: str, name: str = "letter.txt"):
    report = import_letter(text.encode("utf-8"), name)
    assert report.problems == []
    return report


def headings(report) -> list[tuple[str, str]]:
    return [(row.description, row.decision) for row in report.precedent.items.order_by("position")]


@pytest.mark.django_db
def test_every_real_decision_imports_and_every_field_matches_the_independent_reading():
    result = measure(LETTERS)

    assert result.letters == len(PDFS) == 136
    assert result.failures == []
    assert result.imported == 136
    assert result.items == 288
    assert result.wrong == {}
    assert {name: result.right[name] for name in FIELDS} == {name: result.totals[name] for name in FIELDS}
    assert result.right["item heading"] == result.right["item outcome"] == 288
    assert Case.objects.count() == 0  # the measurement rolls back


# -- the tricky forms, on synthetic letters ---------------------------------------------------------------------

MODIFIED_WORDINGS = [
    (
        [
            "Physical therapy 12 sessions was the original request. Physical therapy 6 sessions was authorized by",
            "the Claims Administrator. The remaining IMR eligible portion of the original request, Physical",
            "therapy 6 sessions is: Overturned",
        ],
        ("Physical therapy 12 sessions", "Physical therapy 6 sessions", "Physical therapy 6 sessions", "overturned"),
    ),
    (
        [
            "Standard wheelchair for a 3 month rental was the original request. The Claims Administrator",
            "authorized Standard wheelchair for a 1 month rental, leaving the original request IMR eligible. The",
            "original request, standard wheelchair for a 2 month rental is: Upheld",
        ],
        (
            "Standard wheelchair for a 3 month rental",
            "Standard wheelchair for a 1 month rental",
            "standard wheelchair for a 2 month rental",
            "upheld",
        ),
    ),
    (
        [
            "Norco 10/325mg #60 was the original request. Norco 10/325mg #25 was authorized by the Claims",
            "Administrator. The remaining IMR eligible portion of the original request is Norco 10/325mg #35:",
            "Upheld",
        ],
        ("Norco 10/325mg #60", "Norco 10/325mg #25", "Norco 10/325mg #35", "upheld"),
    ),
    (
        [
            "Acupuncture 8 visits was the original request. Acupuncture 4 visits was authorized by the Claims",
            "Administrator. The remaining IMR eligible portion of the original request, Acupuncture 4 visits, is:",
            "Upheld",
        ],
        ("Acupuncture 8 visits", "Acupuncture 4 visits", "Acupuncture 4 visits", "upheld"),
    ),
    (
        [
            "Chiropractic care 12 visits was the original request. The Claims Administrator authorized",
            "Chiropractic care 6 visits. The remaining IMR eligible portion, Chiropractic care 6 visits is: Upheld",
        ],
        ("Chiropractic care 12 visits", "Chiropractic care 6 visits", "Chiropractic care 6 visits", "upheld"),
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("heading", "expected"), MODIFIED_WORDINGS, ids=["authorized-by", "leaving", "is-Z", "Z-comma", "authorized-Y"]
)
def test_a_ur_modified_item_in_each_wording(heading, expected):
    report = imported(letter([Item(["Naproxen sodium 550mg #60: Upheld"]), Item(heading)]))

    row = report.precedent.items.get(position=1)
    assert (row.original_request, row.authorized, row.description, row.decision) == expected
    assert row.ur_outcome == "modified"
    assert DisputedItem.objects.get(pk=row.item_id).ur_outcome == "modified"
    assert headings(report)[0] == ("Naproxen sodium 550mg #60", "upheld")


@pytest.mark.django_db
def test_a_heading_over_two_lines():
    report = imported(
        letter(
            [
                Item(["Naproxen sodium 550mg #60: Upheld"]),
                Item(
                    [
                        "Transcutaneous electrical nerve stimulation (TENS) unit, 30-day rental, for the lumbar",
                        "spine: Overturned",
                    ]
                ),
            ]
        )
    )

    assert headings(report) == [
        ("Naproxen sodium 550mg #60", "upheld"),
        ("Transcutaneous electrical nerve stimulation (TENS) unit, 30-day rental, for the lumbar spine", "overturned"),
    ]


@pytest.mark.django_db
def test_a_heading_split_over_a_page_break():
    report = imported(
        letter(
            [
                Item(["Naproxen sodium 550mg #60: Upheld"]),
                Item(
                    ["Lumbar epidural steroid injection at L4-L5 and L5-S1 under fluoroscopic", "guidance: Upheld"],
                    page_break_at=1,
                ),
                Item(["MRI of the lumbar spine: Overturned"], before="none", page_break_at=0),
            ]
        )
    )

    assert headings(report) == [
        ("Naproxen sodium 550mg #60", "upheld"),
        ("Lumbar epidural steroid injection at L4-L5 and L5-S1 under fluoroscopic guidance", "upheld"),
        ("MRI of the lumbar spine", "overturned"),
    ]
    rationale = report.precedent.items.get(position=1).rationale
    assert rationale.endswith("Therefore, the request is not medically necessary.")


@pytest.mark.django_db
def test_a_heading_with_no_blank_line_before_it():
    report = imported(
        letter(
            [
                Item(["Naproxen sodium 550mg #60: Upheld"]),
                Item(["Norco 10/325mg #90: Upheld"], before="none"),
                Item(
                    [
                        "Home exercise kit for the lumbar spine, purchase, as requested by the treating",
                        "physician: Overturned",
                    ],
                    before="none",
                ),
            ]
        )
    )

    assert headings(report) == [
        ("Naproxen sodium 550mg #60", "upheld"),
        ("Norco 10/325mg #90", "upheld"),
        ("Home exercise kit for the lumbar spine, purchase, as requested by the treating physician", "overturned"),
    ]
    rows = list(report.precedent.items.order_by("position"))
    assert [row.rationale.endswith("the request is not medically necessary.") for row in rows] == [True] * 3


@pytest.mark.django_db
def test_twenty_one_items_in_one_letter():
    items = [
        Item(
            [
                f"Physical therapy visit number {number} for the cervical spine: "
                + ("Overturned" if number % 7 == 0 else "Upheld")
            ],
            before="none" if number % 2 else "blank",
        )
        for number in range(1, 22)
    ]

    report = imported(letter(items))

    assert headings(report) == [
        (
            f"Physical therapy visit number {number} for the cervical spine",
            "overturned" if number % 7 == 0 else "upheld",
        )
        for number in range(1, 22)
    ]
    assert report.read[3] == "21 items: 18 upheld, 3 overturned"
    assert Case.objects.get(case_number="CM16-0999001").items.count() == 21


@pytest.mark.django_db
def test_a_guideline_line_that_cites_no_medical_evidence():
    reviewer = ["MAXIMUS guideline: The expert reviewer did not cite any medical evidence for its decision."]
    report = imported(
        letter([Item(["Naproxen sodium 550mg #60: Overturned"], claims_administrator=NO_EVIDENCE, reviewer=reviewer)])
    )

    row = report.precedent.items.get()
    assert (row.no_evidence_cited, row.guidelines, row.claims_administrator_guidelines) == (True, "", "")
    assert row.citations.count() == 0
    decision = row.item.decisions.get()
    assert (decision.basis, decision.basis_none) == ({"mtus": [], "non_mtus": []}, True)
    assert row.item.claims_administrator_basis == {"mtus": [], "non_mtus": []}


@pytest.mark.django_db
def test_both_guideline_lines_the_rationale_header_credentials_and_summary_are_stored():
    both = [
        "MAXIMUS guideline: Decision based on MTUS Chronic Pain Medical Treatment 2016, Section(s): NSAIDs",
        "(non-steroidal anti-inflammatory drugs). Decision based on Non-MTUS Citation Official Disability",
        "Guidelines (ODG) Pain Chapter, NSAIDs.",
    ]
    report = imported(letter([Item(["Anaprox DS 550mg #60: Upheld"], reviewer=both)]))

    precedent = report.precedent
    case = precedent.case
    row = precedent.items.get()
    assert case.status == Status.CLOSED
    assert (case.case_number, case.decision_date.isoformat(), case.assigned_date.isoformat()) == (
        "CM16-0999001",
        "2016-12-09",
        "2016-11-09",
    )
    assert (case.date_of_injury.isoformat(), case.ur_determination_date.isoformat()) == ("2016-10-13", "2016-11-03")
    assert case.application_received.isoformat() == "2016-11-03"
    assert (precedent.reviewer_licensure, precedent.reviewer_specialty) == (
        "California, Oregon",
        "Physical Medicine & Rehabilitation",
    )
    assert precedent.summary == (
        "The injured worker is a 51 year old female who sustained an industrial injury on 10-13-16. She reported "
        "low back pain radiating to the left leg."
    )
    assert row.guidelines == (
        "Chronic Pain Medical Treatment 2016 — NSAIDs (non-steroidal anti-inflammatory drugs); "
        "Official Disability Guidelines (ODG) Pain Chapter, NSAIDs"
    )
    assert row.claims_administrator_guidelines == (
        "Chronic Pain Medical Treatment 2016 — NSAIDs (non-steroidal anti-inflammatory drugs)"
    )
    assert list(row.citations.values_list("by", "kind", "section")) == [
        ("reviewer", "mtus", "NSAIDs (non-steroidal anti-inflammatory drugs)"),
        ("reviewer", "non_mtus", ""),
        ("claims_administrator", "mtus", "NSAIDs (non-steroidal anti-inflammatory drugs)"),
    ]
    assert row.rationale == (
        "The MTUS recommends NSAIDs at the lowest dose for the shortest period in patients with moderate to severe "
        "pain. Therefore, the request is not medically necessary."
    )
    assert (row.category, row.body_region) == ("medication", "")
    assert case.employee_name == "" and case.claim_number == ""


def test_the_parser_reads_the_synthetic_letter_as_it_stands():
    case = parse_published_letter(
        letter([Item(["Naproxen sodium 550mg #60: Upheld"], reviewer=list(CHRONIC_PAIN_NSAIDS))])
    )

    assert case["items"][0]["determination"]["basis"] == {
        "mtus": [
            {
                "chapter": "Chronic Pain Medical Treatment 2016",
                "sections": ["NSAIDs (non-steroidal anti-inflammatory drugs)"],
            }
        ],
        "non_mtus": [],
    }


# -- the command and the report ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_command_imports_a_folder_and_a_second_run_changes_nothing(tmp_path):
    folder = tmp_path / "letters"
    folder.mkdir()
    for pdf in PDFS[:3]:
        (folder / pdf.name).write_bytes(pdf.read_bytes())
    (folder / "CM16-0999001.txt").write_text(letter([Item(["Naproxen sodium 550mg #60: Upheld"])]))
    out = io.StringIO()

    call_command("import_published", str(folder), stdout=out)

    assert out.getvalue().splitlines()[-1] == "4 files: 4 imported, 0 linked, 0 unchanged, 0 not imported"
    assert Precedent.objects.count() == 4
    items = PrecedentItem.objects.count()
    citations = PrecedentCitation.objects.count()
    again = io.StringIO()

    call_command("import_published", str(folder), stdout=again)

    assert again.getvalue().splitlines()[-1] == "4 files: 0 imported, 0 linked, 4 unchanged, 0 not imported"
    assert (
        f"{folder / PDFS[0].name}: {PDFS[0].stem} is already in the precedent library, identical: nothing updated"
        in again.getvalue()
    )
    assert (Precedent.objects.count(), PrecedentItem.objects.count(), PrecedentCitation.objects.count()) == (
        4,
        items,
        citations,
    )


@pytest.mark.django_db
def test_a_broken_file_is_refused_with_its_reason_and_leaves_nothing(tmp_path):
    good = tmp_path / "good.txt"
    good.write_text(letter([Item(["Naproxen sodium 550mg #60: Upheld"])], case_number="CM16-0999002"))
    broken = tmp_path / "broken.txt"
    text = letter(
        [Item(["Naproxen sodium 550mg #60: Upheld"]), Item(["Norco 10/325mg #90: Upheld"])], case_number="CM16-0999003"
    )
    broken.write_text(
        text.replace("Decision rationale:", "Decision reasoning:", 2).replace(
            "Decision reasoning:", "Decision rationale:", 1
        )
    )
    not_pdf = tmp_path / "scan.pdf"
    not_pdf.write_bytes(b"\x89PNG not a pdf")
    out = io.StringIO()

    with pytest.raises(CommandError) as error:
        call_command("import_published", str(good), str(broken), str(not_pdf), stdout=out)

    assert str(error.value) == "2 of 3 files were not imported (see above)."
    lines = out.getvalue().splitlines()
    assert f"{good}: imported CM16-0999002" in lines
    assert f"{broken}: not imported: not read as a published IMR decision: item 2: no 'Decision rationale:'" in lines
    assert f"{not_pdf}: not imported: not a PDF file (it does not start with %PDF-)" in lines
    assert list(Case.objects.values_list("case_number", flat=True)) == ["CM16-0999002"]
    assert DisputedItem.objects.count() == 1


@pytest.mark.django_db
def test_an_open_case_with_the_same_number_is_never_overwritten(admin_user):
    from tests import factories

    factories.CaseFactory(case_number="CM16-0999004", status=Status.IN_REVIEW)
    report = import_letter(
        letter([Item(["Naproxen sodium 550mg #60: Upheld"])], case_number="CM16-0999004").encode(), "x.txt"
    )

    assert report.problems == [
        "CM16-0999004 is a case of the portal in status “In review”, not a closed historical case: nothing was imported"
    ]
    assert Precedent.objects.count() == 0
