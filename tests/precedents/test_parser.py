import json
import re

import pytest

from precedents.parser import main, parse_published_letter, published_letters_document
from tests import paths

LETTERS = paths.LETTERS_TEXT
SEED_LETTER = paths.SEED_LETTER
CASE_FORMAT = paths.CASE_FORMAT


def letter(case_number: str) -> dict:
    return parse_published_letter((LETTERS / f"{case_number}.txt").read_text())


@pytest.fixture(scope="module")
def all_cases() -> dict[str, dict]:
    return {path.stem: parse_published_letter(path.read_text()) for path in sorted(LETTERS.glob("*.txt"))}


def example_case() -> dict:
    block = re.search(r"```json\n(.*?)```", CASE_FORMAT.read_text(), re.DOTALL).group(1)
    return json.loads(block)["cases"][0]


def test_every_published_letter_parses(all_cases):
    items = [item for case in all_cases.values() for item in case["items"]]
    print(
        f"{len(all_cases)} letters, {len(items)} items, "
        f"{sum(item['ur_outcome'] == 'modified' for item in items)} modified, "
        f"{sum(item['determination']['decision'] == 'overturned' for item in items)} overturned"
    )

    assert len(all_cases) == len(list(LETTERS.glob("*.txt")))
    assert len(items) == 288
    assert sum(item["ur_outcome"] == "modified" for item in items) == 33
    assert sum(item["determination"]["decision"] == "overturned" for item in items) == 26


def test_the_case_numbers_match_the_file_names(all_cases):
    assert [case["case_number"] for case in all_cases.values()] == list(all_cases)


def test_every_case_has_every_key_of_the_format_example(all_cases):
    example = example_case()
    example_item = example["items"][0]
    for case in all_cases.values():
        assert case.keys() == example.keys()
        assert case["dates"].keys() == example["dates"].keys()
        assert case["employee"].keys() == example["employee"].keys()
        assert case["reviewer"].keys() == example["reviewer"].keys()
        for item in case["items"]:
            assert item.keys() == example_item.keys()
            assert item["determination"].keys() == example_item["determination"].keys()


def test_every_item_has_a_decision_and_a_rationale(all_cases):
    items = [item for case in all_cases.values() for item in case["items"]]

    assert {item["determination"]["decision"] for item in items} == {"upheld", "overturned"}
    assert [item for item in items if not item["determination"]["rationale"]] == []
    assert [item for item in items if item["determination"]["rationale"].startswith("Decision rationale")] == []
    assert [item for item in items if not item["description"]] == []


def test_every_case_has_a_summary_dates_and_reviewer_credentials(all_cases):
    for case in all_cases.values():
        assert case["clinical_case_summary"] != ""
        assert not case["clinical_case_summary"].startswith("The expert reviewer developed")
        assert [name for name, value in case["dates"].items() if value is None] == ["records_received"]
        assert case["reviewer"]["licensure"] != []
        assert case["reviewer"]["certifications"] != []
        assert case["status"] == "closed"
        assert case["priority"] == "standard"


def test_the_redacted_fields_are_null(all_cases):
    for case in all_cases.values():
        assert [case[key] for key in ("claim_number", "employer", "claims_administrator", "diagnosis")] == [None] * 4
        assert [case["employee_attorney"], case["requesting_provider"]] == [None, None]
        assert (case["employee"]["name"], case["employee"]["date_of_birth"]) == (None, None)
        assert {item["category"] for item in case["items"]} == {None}


def test_a_two_item_letter_reads_completely():
    case = letter("CM16-0213037")

    assert case["dates"] == {
        "injury": "2016-10-13",
        "ur_determination": "2016-11-03",
        "application_received": "2016-11-03",
        "assigned": "2016-11-09",
        "records_received": None,
        "decision": "2016-12-09",
    }
    assert case["priority"] == "standard"
    assert case["employee"] == {"name": None, "date_of_birth": None, "age": 48, "sex": "male"}
    assert case["reviewer"] == {"licensure": ["California", "North Carolina"], "certifications": ["Family Practice"]}
    assert case["clinical_case_summary"].startswith("The injured worker is a 48 year old male who sustained an ")
    assert case["clinical_case_summary"].endswith(
        "MRI of the right shoulder without contrast was not medically necessary."
    )
    assert case["items"][0] == {
        "description": "MRI of the right shoulder without contrast",
        "category": None,
        "ur_outcome": "denied",
        "original_request": None,
        "authorized": None,
        "claims_administrator_basis": {
            "mtus": [{"chapter": "Shoulder Complaints 2004", "sections": []}],
            "non_mtus": [],
        },
        "determination": {
            "decision": "upheld",
            "basis": {
                "mtus": [{"chapter": "Shoulder Complaints 2004", "sections": ["Special Studies"]}],
                "non_mtus": [],
            },
            "rationale": case["items"][0]["determination"]["rationale"],
        },
    }
    assert case["items"][0]["determination"]["rationale"].startswith(
        "CA MTUS/ACOEM Guidelines state that unequivocal objective findings that identify specific nerve compromise"
    )
    assert case["items"][0]["determination"]["rationale"].endswith(
        "Therefore the request for an MRI of the shoulder is determined to be not medically necessary."
    )
    assert [item["description"] for item in case["items"]] == [
        "MRI of the right shoulder without contrast",
        "MRI of the cervical spine without contrast",
    ]


def test_a_heading_after_a_page_break_without_a_blank_line_starts_a_new_item():
    case = letter("CM16-0232543")

    assert [(item["description"], item["determination"]["decision"]) for item in case["items"]] == [
        ("Norflex 100mg #60", "upheld"),
        ("Pepcid 20mg", "upheld"),
        ("X-ray of the pelvis", "upheld"),
        ("X-rays of the lumbar spine", "upheld"),
        ("X-rays of the left shoulder", "upheld"),
        ("Physical therapy 2-3 times a week for 6 weeks", "upheld"),
    ]
    assert case["items"][2]["determination"]["rationale"].endswith(
        "to warrant the requested x-ray. As such, the request is not medically necessary."
    )
    assert case["items"][3]["determination"]["rationale"].startswith(
        "The ACOEM Guidelines state that lumbar spine x-rays"
    )
    assert case["items"][2]["determination"]["basis"] == {
        "mtus": [],
        "non_mtus": ["Official Disability Guidelines (ODG) Hips & Pelvis Chapter, X-Ray"],
    }


def test_a_heading_that_follows_the_rationale_without_a_blank_line_or_page_break_is_found():
    text = (LETTERS / "CM16-0213037.txt").read_text()
    squeezed = text.replace("necessary.\n\nMRI of the cervical spine", "necessary.\nMRI of the cervical spine")

    assert squeezed != text
    assert parse_published_letter(squeezed) == parse_published_letter(text)


def test_a_modified_request_keeps_the_original_and_the_authorized_portion():
    item = letter("CM16-0239190")["items"][0]

    assert (item["ur_outcome"], item["original_request"], item["authorized"], item["description"]) == (
        "modified",
        "Occupational therapy for nine sessions",
        "Occupational therapy for three sessions",
        "Occupational therapy for six sessions",
    )
    assert item["determination"]["decision"] == "upheld"


def test_a_modification_that_left_the_whole_request_eligible_is_read_too():
    items = letter("CM16-0249724")["items"]

    assert [(item["original_request"], item["authorized"], item["description"]) for item in items] == [
        (
            "Standard wheelchair for a 3 month rental",
            "Standard wheelchair for a 1 month rental",
            "standard wheelchair for a 2 month rental",
        ),
        (
            "Purchase of a bedside 3 in 1 commode",
            "a bedside 3 in 1 commode for 1 month",
            "purchase of a bedside 3 in 1 commode",
        ),
        ("Purchase of a bath/shower chair", "a bath/shower chair for 1 month", "purchase of a bath/shower chair"),
    ]


def test_an_overturned_item_with_two_mtus_chapters():
    case = letter("CM16-0240259")

    assert case["employee"] == {"name": None, "date_of_birth": None, "age": 40, "sex": "female"}
    assert case["reviewer"]["licensure"] == ["Texas", "New York", "California"]
    assert len(case["items"]) == 1
    assert case["items"][0]["description"] == "EMG/NCS of the bilateral hand"
    assert case["items"][0]["determination"]["decision"] == "overturned"
    assert case["items"][0]["determination"]["basis"] == {
        "mtus": [
            {"chapter": "Elbow Complaints 2007", "sections": ["Diagnostic Criteria"]},
            {"chapter": "Forearm, Wrist, and Hand Complaints 2004", "sections": ["Special Studies", "Summary"]},
        ],
        "non_mtus": [],
    }
    assert case["items"][0]["determination"]["rationale"].startswith(
        "Yes, the request for electrodiagnostic testing (EMG-NCS) of"
    )


def test_the_2014_letter_reads_without_a_header_table():
    case = parse_published_letter(SEED_LETTER.read_text())

    assert case["case_number"] is None
    assert case["priority"] is None
    assert set(case["dates"].values()) == {None}
    assert case["employee"] == {"name": None, "date_of_birth": None, "age": 57, "sex": None}
    assert case["reviewer"] == {
        "licensure": ["California"],
        "certifications": ["Physical Medicine & Rehabilitation", "Interventional Spine"],
    }
    assert case["clinical_case_summary"].startswith("The patient is a 57 year old with an injury date on 7/14/95. ")
    assert len(case["items"]) == 1
    item = case["items"][0]
    assert item["description"] == (
        "12 initial Physical Therapy for the right upper leg, 2 times a week for 6 weeks, as an outpatient"
    )
    assert item["claims_administrator_basis"] == {
        "mtus": [],
        "non_mtus": [
            "ACOEM-https://www.acoempracguides.org/Low Back; Table 2, Summary of Recommendations, Low Back Disorders"
        ],
    }
    assert item["determination"]["decision"] == "upheld"
    assert item["determination"]["basis"] == {
        "mtus": [{"chapter": "Chronic Pain Treatment Guidelines", "sections": ["Physical Medicine"], "pages": "98-99"}],
        "non_mtus": [],
    }
    assert item["determination"]["rationale"].endswith("as an outpatient is not medically necessary and appropriate.")


def test_running_page_headers_and_footers_are_ignored():
    text = (LETTERS / "CM16-0239569.txt").read_text()
    pages = text.rstrip("\f").split("\f")
    furnished = "\f".join(
        (f"IMR Case CM16-0239569\n\n{page}" if number else page) + f"\nPage {number + 1} of {len(pages)}\n"
        for number, page in enumerate(pages)
    )

    assert len(pages) >= 3
    assert parse_published_letter(furnished) == parse_published_letter(text)


def test_text_that_is_not_a_letter_is_refused():
    with pytest.raises(ValueError):
        parse_published_letter("Dear Sir,\nThis is not a determination.\n")


def test_the_script_converts_a_folder_into_one_document(tmp_path):
    output = tmp_path / "cases.json"

    status = main([str(LETTERS), "-o", str(output)])

    document = json.loads(output.read_text())
    assert status == 0
    assert document["format"] == "imr-case/1"
    assert [case["case_number"] for case in document["cases"]] == sorted(path.stem for path in LETTERS.glob("*.txt"))
    assert document == published_letters_document(sorted(LETTERS.glob("*.txt")))
