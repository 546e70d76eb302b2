import re

import pytest

from guidelines.citations import (
    MTUS_CHAPTERS,
    Basis,
    MtusCitation,
    format_basis,
    format_guideline_line,
    normalize_whitespace,
    parse_basis,
    parse_guideline_line,
)
from tests import paths

LETTERS = paths.LETTERS_TEXT
SEED_LETTER = paths.SEED_LETTER
LABEL = re.compile(r"^[A-Z][A-Za-z0-9&.,'/ -]{0,80}? guideline:")


def guideline_lines(text: str) -> list[str]:
    """Every guideline line of a letter, its wrapped continuation lines joined on."""
    lines = text.replace("\f", "").split("\n")
    if sum(1 for line in lines if line == "") > 0.8 * sum(1 for line in lines if line.strip()):
        # Double-spaced text (the 2014 letter): empty lines sit between wrapped lines, paragraphs end with " ".
        lines = [line for line in lines if line != ""]
    found = []
    index = 0
    while index < len(lines):
        if not LABEL.match(lines[index]):
            index += 1
            continue
        parts = [lines[index]]
        index += 1
        while (
            index < len(lines)
            and lines[index].strip()
            and not lines[index].startswith("Decision rationale:")
            and not LABEL.match(lines[index])
        ):
            parts.append(lines[index])
            index += 1
        found.append("\n".join(parts))
    return found


def letter_guideline_lines() -> list[tuple[str, str]]:
    return [(path.name, line) for path in sorted(LETTERS.glob("*.txt")) for line in guideline_lines(path.read_text())]


def test_every_guideline_line_of_the_published_letters_formats_back_to_the_same_text():
    lines = letter_guideline_lines()
    mismatches = []
    for name, line in lines:
        party, organization, basis = parse_guideline_line(line)
        formatted = format_guideline_line(basis, party=party, organization=organization or "MAXIMUS")
        if formatted != normalize_whitespace(line):
            mismatches.append((name, line, formatted))
    print(f"{len(lines)} guideline lines in {len(list(LETTERS.glob('*.txt')))} letters round-tripped")
    assert mismatches == []
    assert len(lines) == 2 * len(re.findall(r"^Claims Administrator guideline:", _all_letters(), re.MULTILINE))


def _all_letters() -> str:
    return "\n".join(path.read_text().replace("\f", "") for path in sorted(LETTERS.glob("*.txt")))


def test_every_letter_has_a_claims_administrator_and_a_maximus_line_per_item():
    parties = [parse_guideline_line(line)[:2] for _, line in letter_guideline_lines()]

    assert parties[0::2] == [("claims_administrator", None)] * (len(parties) // 2)
    assert parties[1::2] == [("reviewer", "MAXIMUS")] * (len(parties) // 2)


def test_the_guideline_lines_of_the_2014_letter_format_back_in_the_2014_style():
    lines = guideline_lines(SEED_LETTER.read_text())

    formatted = []
    for line in lines:
        party, organization, basis = parse_guideline_line(line)
        formatted.append(format_guideline_line(basis, party=party, organization=organization or "", style="2014"))

    assert formatted == [normalize_whitespace(line) for line in lines]
    assert parse_guideline_line(lines[0])[2] == Basis(
        non_mtus=[
            "ACOEM-https://www.acoempracguides.org/Low Back; Table 2, Summary of Recommendations, Low Back Disorders"
        ]
    )
    assert parse_guideline_line(lines[1])[2] == Basis(
        mtus=[MtusCitation("Chronic Pain Treatment Guidelines", ["Physical Medicine"], "98-99")]
    )


def test_an_mtus_chapter_without_sections_is_cited_by_its_name():
    basis = Basis(mtus=[MtusCitation("Shoulder Complaints 2004", [])])

    assert format_basis(basis, party="claims_administrator") == "Decision based on MTUS Shoulder Complaints 2004."


def test_sections_follow_the_chapter_after_section_s():
    basis = Basis(
        mtus=[MtusCitation("Neck and Upper Back Complaints 2004", ["Diagnostic Criteria", "Special Studies"])]
    )

    assert format_guideline_line(basis, party="reviewer") == (
        "MAXIMUS guideline: Decision based on MTUS Neck and Upper Back Complaints 2004, "
        "Section(s): Diagnostic Criteria, Special Studies."
    )


def test_several_chapters_are_joined_with_and():
    text = (
        "Decision based on MTUS Shoulder Complaints 2004, Section(s): Initial Care, and Elbow Complaints 2007, "
        "and Forearm, Wrist, and Hand Complaints 2004."
    )

    basis = parse_basis(text)

    assert basis == Basis(
        mtus=[
            MtusCitation("Shoulder Complaints 2004", ["Initial Care"]),
            MtusCitation("Elbow Complaints 2007", []),
            MtusCitation("Forearm, Wrist, and Hand Complaints 2004", []),
        ]
    )
    assert format_basis(basis, party="reviewer") == text


def test_sections_holding_commas_are_kept_whole():
    text = (
        "Decision based on MTUS Chronic Pain Medical Treatment 2016, Section(s): NSAIDs (non-steroidal "
        "anti-inflammatory drugs), NSAIDs, GI symptoms & cardiovascular risk, NSAIDs, specific drug list & adverse "
        "effects, and Postsurgical Treatment 2009, Section(s): Knee, Forearm, Wrist, & Hand."
    )

    assert parse_basis(text).mtus == [
        MtusCitation(
            "Chronic Pain Medical Treatment 2016",
            [
                "NSAIDs (non-steroidal anti-inflammatory drugs)",
                "NSAIDs, GI symptoms & cardiovascular risk",
                "NSAIDs, specific drug list & adverse effects",
            ],
        ),
        MtusCitation("Postsurgical Treatment 2009", ["Knee", "Forearm, Wrist, & Hand"]),
    ]


def test_numbered_opioid_sections_split_only_before_the_next_number():
    text = (
        "Decision based on MTUS Opioid Treatment 2016, Section(s): 3. Opioids for Chronic Pain and Chronic Opioid "
        "Treatment: Overview, 3.3.1.1 Opioids for Chronic Pain and Chronic Opioid Treatment: Screening for Risk of "
        "Addiction or Adverse Events, Prior to Chronic Opioid Treatment: Screening for Drug Misuse/Abuse."
    )

    assert parse_basis(text).mtus[0].sections == [
        "3. Opioids for Chronic Pain and Chronic Opioid Treatment: Overview",
        "3.3.1.1 Opioids for Chronic Pain and Chronic Opioid Treatment: Screening for Risk of Addiction or Adverse "
        "Events, Prior to Chronic Opioid Treatment: Screening for Drug Misuse/Abuse",
    ]


def test_a_chapter_missing_from_the_known_list_still_parses_by_its_year():
    text = "Decision based on MTUS Eye Complaints 2004, Section(s): Red Flags, and Knee Complaints 2004."

    assert parse_basis(text) == Basis(
        mtus=[MtusCitation("Eye Complaints 2004", ["Red Flags"]), MtusCitation("Knee Complaints 2004", [])]
    )
    assert "Eye Complaints 2004" not in MTUS_CHAPTERS


@pytest.mark.parametrize(
    ("party", "subject"),
    [("claims_administrator", "The Claims Administrator"), ("reviewer", "The Expert Reviewer")],
)
def test_a_basis_outside_the_mtus_names_the_party(party, subject):
    basis = Basis(non_mtus=["Official Disability Guidelines (ODG), Low Back Chapter"])

    assert format_basis(basis, party=party) == (
        f"{subject} based their decision on recommendation(s) outside of the MTUS Guidelines. "
        "Decision based on Non-MTUS Citation Official Disability Guidelines (ODG), Low Back Chapter."
    )


def test_the_2014_style_says_the_party_did_not_base_its_decision_on_the_mtus():
    basis = Basis(non_mtus=["ACOEM, Low Back"])

    assert format_basis(basis, party="claims_administrator", style="2014") == (
        "The Claims Administrator did not base their decision on the MTUS. "
        "Decision based on Non-MTUS Citation ACOEM, Low Back."
    )


def test_mtus_and_non_mtus_citations_are_printed_one_after_the_other():
    text = (
        "Decision based on MTUS Shoulder Complaints 2004, Section(s): Special Studies. "
        "Decision based on Non-MTUS Citation Official Disability Guidelines (ODG) Shoulder, MRI."
    )

    basis = parse_basis(text)

    assert basis == Basis(
        mtus=[MtusCitation("Shoulder Complaints 2004", ["Special Studies"])],
        non_mtus=["Official Disability Guidelines (ODG) Shoulder, MRI"],
    )
    assert format_basis(basis, party="reviewer") == text


def test_several_non_mtus_citations_each_get_their_own_sentence():
    basis = Basis(non_mtus=["ODG, Pain", "ACOEM, Chapter 3"])

    text = format_basis(basis, party="reviewer")

    assert text == (
        "The Expert Reviewer based their decision on recommendation(s) outside of the MTUS Guidelines. "
        "Decision based on Non-MTUS Citation ODG, Pain. Decision based on Non-MTUS Citation ACOEM, Chapter 3."
    )
    assert parse_basis(text) == basis


@pytest.mark.parametrize(
    ("party", "line"),
    [
        (
            "claims_administrator",
            "Claims Administrator guideline: The Claims Administrator did not cite any medical evidence for its "
            "decision.",
        ),
        ("reviewer", "MAXIMUS guideline: The Expert Reviewer did not cite any medical evidence for its decision."),
    ],
)
def test_an_empty_basis_says_no_medical_evidence_was_cited(party, line):
    assert format_guideline_line(Basis(), party=party) == line
    assert parse_guideline_line(line)[2].is_empty is True


def test_the_2014_page_form_keeps_the_pages():
    basis = Basis(mtus=[MtusCitation("Chronic Pain Treatment Guidelines", ["Physical Medicine"], "98-99")])

    assert format_basis(basis, party="reviewer") == (
        "Decision based on MTUS Chronic Pain Treatment Guidelines Physical Medicine Page(s): 98-99."
    )


def test_the_organization_names_the_reviewer_line():
    party, organization, basis = parse_guideline_line(
        "Acme Review guideline: Decision based on MTUS Knee Complaints 2004,\nSection(s): Special Studies."
    )

    assert (party, organization) == ("reviewer", "Acme Review")
    assert format_guideline_line(basis, party=party, organization=organization) == (
        "Acme Review guideline: Decision based on MTUS Knee Complaints 2004, Section(s): Special Studies."
    )


def test_the_json_form_omits_absent_pages_and_round_trips():
    data = {
        "mtus": [
            {"chapter": "Shoulder Complaints 2004", "sections": ["Special Studies"]},
            {"chapter": "Chronic Pain Treatment Guidelines", "sections": [], "pages": "98-99"},
        ],
        "non_mtus": ["Official Disability Guidelines (ODG), Shoulder"],
    }

    assert Basis.from_dict(data).to_dict() == data
    assert Basis.from_dict({"mtus": [], "non_mtus": []}).is_empty is True


def test_text_that_is_not_a_guideline_citation_is_refused():
    with pytest.raises(ValueError):
        parse_guideline_line("MAXIMUS guideline: The reviewer liked it.")
    with pytest.raises(ValueError):
        format_basis(Basis(), party="employer")
