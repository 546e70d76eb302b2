"""The seeded guideline library, guidelines/data/library.json, and the script that builds it."""

import json
from collections import Counter

from guidelines.quantity import LIBRARY_FILE, limits_from_library
from tests import paths
from tools.extract_library import build_library, extract, letter_paths

LETTERS = paths.LETTERS_TEXT

# The MTUS chapters that DOMAIN.md lists, with their year, read from DOMAIN.md itself.
DOMAIN_MTUS_CHAPTERS = paths.domain_mtus_chapters()


def library():
    return json.loads(LIBRARY_FILE.read_text(encoding="utf-8"))


def source(key):
    return next(entry for entry in library()["sources"] if entry["key"] == key)


def limit(key, treatment, condition):
    return next(
        entry
        for entry in source(key)["quantity_limits"]
        if (entry["treatment"], entry["condition"]) == (treatment, condition)
    )


def test_the_library_is_in_the_imr_guidelines_format():
    assert library()["format"] == "imr-guidelines/1"


def test_the_library_has_every_mtus_chapter_of_the_domain_notes_ranked_first():
    mtus = {f"{entry['chapter']} {entry['year']}": entry for entry in library()["sources"] if entry["family"] == "MTUS"}

    assert DOMAIN_MTUS_CHAPTERS - set(mtus) == set()
    assert {mtus[label]["evidence_rank"] for label in DOMAIN_MTUS_CHAPTERS} == {1}


def test_odg_and_acoem_sources_rank_after_the_mtus():
    ranks = {(entry["family"], entry["evidence_rank"]) for entry in library()["sources"]}

    assert ranks == {("MTUS", 1), ("ODG", 2), ("ACOEM", 2)}


def test_every_section_has_a_name_unique_in_its_source():
    for entry in library()["sources"]:
        names = [section["name"] for section in entry["sections"]]
        assert [name for name in names if not name.strip()] == []
        assert [name for name, number in Counter(names).items() if number > 1] == []


def test_every_limit_names_a_section_of_its_own_source():
    for entry in library()["sources"]:
        names = {section["name"] for section in entry["sections"]}
        missing = [item["section"] for item in entry.get("quantity_limits", []) if item["section"] not in names]
        assert (entry["key"], missing) == (entry["key"], [])


def test_the_physical_medicine_limits_of_the_domain_notes_are_there():
    myalgia = limit("mtus-chronic-pain-2016", "physical medicine", "myalgia and myositis")
    neuralgia = limit("mtus-chronic-pain-2016", "physical medicine", "neuralgia, neuritis, and radiculitis")

    assert (myalgia["min_units"], myalgia["max_units"], myalgia["weeks_max"], myalgia["section"]) == (
        9,
        10,
        8,
        "Physical medicine treatment",
    )
    assert (neuralgia["min_units"], neuralgia["max_units"], neuralgia["weeks_max"]) == (8, 10, 4)


def test_the_acupuncture_limit_of_the_domain_notes_is_there():
    acupuncture = limit("mtus-acupuncture-2007", "acupuncture", "")

    assert (
        acupuncture["min_units"],
        acupuncture["max_units"],
        acupuncture["unit"],
        acupuncture["frequency"],
        acupuncture["weeks_min"],
        acupuncture["weeks_max"],
    ) == (3, 6, "treatments", "1 to 3 times a week", 4, 8)


def test_the_chiropractic_limit_of_the_domain_notes_is_there():
    chiropractic = limit("mtus-chronic-pain-2016", "chiropractic manipulation", "low back pain")

    assert (
        chiropractic["initial_trial"],
        chiropractic["total_max"],
        chiropractic["weeks_min"],
        chiropractic["weeks_max"],
        chiropractic["section"],
    ) == (6, 18, 6, 8, "Manual therapy & manipulation")


def test_every_limit_reads_as_a_quantity_limit():
    limits = limits_from_library(library())

    assert len(limits) == sum(len(entry.get("quantity_limits", [])) for entry in library()["sources"])
    assert [item.treatment for item in limits if item.kind is None] == []


def test_the_file_is_exactly_what_the_extraction_builds_from_the_letters():
    rebuilt = build_library(extract(letter_paths(LETTERS)))

    assert rebuilt == library()


def test_times_cited_add_up_to_the_section_citations_found():
    data = library()
    total = sum(section["times_cited"] for entry in data["sources"] for section in entry["sections"])

    assert total == data["generated_from"]["section_citations"]
    assert data["generated_from"]["letters"] == len(letter_paths(LETTERS))


def test_the_most_cited_sections_are_counted_per_guideline_line():
    rebuilt = build_library(extract(letter_paths(LETTERS)))
    cited = {
        (entry["key"], section["name"]): section["times_cited"]
        for entry in rebuilt["sources"]
        for section in entry["sections"]
    }

    assert cited[("mtus-chronic-pain-2016", "Physical medicine treatment")] == 44
    assert cited[("mtus-neck-upper-back-2004", "Special Studies")] == 39
    assert cited[("mtus-low-back-2004", "Initial Care")] == 6  # "Inital Care" once, counted here


def test_sections_with_commas_in_their_names_come_out_whole(tmp_path):
    letter = tmp_path / "CM00-0000001.txt"
    letter.write_text(
        "Claims Administrator guideline: Decision based on MTUS Chronic Pain Medical Treatment 2016,\n"
        "Section(s): TENS, chronic pain (transcutaneous electrical nerve stimulation), NSAIDs, GI symptoms &\n"
        "cardiovascular risk.\n"
        "\n"
        "MAXIMUS guideline: Decision based on MTUS Postsurgical Treatment 2009, Section(s): Knee, Forearm, Wrist, &\n"
        "Hand. Decision based on Non-MTUS Citation Official Disability Guidelines (ODG) Neck and Upper Back\n"
        "(Acute and Chronic) Manipulation and ODG Chiropractic Guidelines.\n"
        "Decision rationale: ...\n",
        encoding="utf-8",
    )

    extraction = extract([letter])

    assert dict(extraction.sections) == {
        ("mtus-chronic-pain-2016", "TENS, chronic pain (transcutaneous electrical nerve stimulation)"): 1,
        ("mtus-chronic-pain-2016", "NSAIDs, GI symptoms & cardiovascular risk"): 1,
        ("mtus-postsurgical-2009", "Knee"): 1,
        ("mtus-postsurgical-2009", "Forearm, Wrist, & Hand"): 1,
        ("odg-neck-upper-back", "Manipulation"): 1,
    }
    assert dict(extraction.sources) == {
        "mtus-chronic-pain-2016": 1,
        "mtus-postsurgical-2009": 1,
        "odg-neck-upper-back": 1,
    }
