"""The quantity parser (guidelines.quantity.parse_request) and the check against the seeded limits."""

import pytest

from guidelines.quantity import (
    QuantityRule,
    check_quantity,
    default_limits,
    exceeds_guidelines,
    excluded_numbers,
    limits_from_library,
    parse_request,
    remaining_portion,
    unread_numbers,
)
from tests import paths
from tools.extract_library import letter_text
from tools.quantity_report import item_headings, letter_files

LETTERS = paths.LETTERS_TEXT
SEED_LETTER = paths.SEED_LETTER
SEED_REQUEST = "12 initial Physical Therapy for the right upper leg, 2 times a week for 6 weeks, as an outpatient"


def quantity(text):
    request = parse_request(text)
    return (request.treatment, request.count, request.unit, request.frequency_per_week, request.duration_weeks)


def messages(findings):
    return [(finding.exceeds, finding.message) for finding in findings]


# --- the forms the letters use ----------------------------------------------------------------------------------------


def test_the_seed_request_gives_twelve_initial_visits_twice_a_week_for_six_weeks_to_the_thigh():
    request = parse_request(SEED_REQUEST)

    assert (request.treatment, request.count, request.frequency_per_week, request.duration_weeks) == (
        "physical_therapy",
        12,
        2,
        6,
    )
    assert (request.unit, request.initial, request.body_regions, request.has_quantity) == (
        "visits",
        True,
        ("thigh",),
        True,
    )
    assert request.matched == "12 initial Physical Therapy for the right upper leg, 2 times a week for 6 weeks"


def test_times_a_week_for_weeks_gives_the_count_as_frequency_times_duration():
    request = parse_request("Acupuncture 3 times a week for 2 weeks")

    assert quantity("Acupuncture 3 times a week for 2 weeks") == ("acupuncture", 6, "visits", 3, 2)
    assert request.matched == "3 times a week for 2 weeks"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Chiropractic 6 visits", ("chiropractic", 6, "visits", None, None)),
        ("Physical therapy x 8", ("physical_therapy", 8, "visits", None, None)),
        ("Physical therapy 2x4", ("physical_therapy", 8, "visits", 2, 4)),
        ("Acupuncture 3x6", ("acupuncture", 18, "visits", 3, 6)),
        ("#60", ("medication", 60, "tablets", None, None)),
        ("Flexeril 10mg #60", ("medication", 60, "tablets", None, None)),
        ("Physical therapy eight sessions", ("physical_therapy", 8, "sessions", None, None)),
        ("Chiropractic 12 visits", ("chiropractic", 12, "visits", None, None)),
        ("Physical therapy twice weekly for four weeks", ("physical_therapy", 8, "visits", 2, 4)),
        ("Physical therapy (8) sessions", ("physical_therapy", 8, "sessions", None, None)),
        ("Physical therapy 2x/week x 6 weeks", ("physical_therapy", 12, "visits", 2, 6)),
        ("Physical therapy 12 visits over 6 weeks", ("physical_therapy", 12, "visits", None, 6)),
        ("Massage therapy x12 sessions", ("massage", 12, "sessions", None, None)),
        ("Aquatic therapy 2 times per week for 1 month", ("aquatic_therapy", 8, "visits", 2, 4)),
        ("Cognitive behavioral therapy, qty: 6", ("psychotherapy", 6, "visits", None, None)),
        ("Physical therapy, three (3) times a week for four (4) weeks", ("physical_therapy", 12, "visits", 3, 4)),
        ("Home health care 4 hours a day, 3 days a week for 4 weeks", ("home_health", 12, "visits", 3, 4)),
        ("Tylenol #3 #60", ("medication", 60, "tablets", None, None)),
        ("Norco 10/325 mg 1 tablet every 6 hours as needed #120", ("medication", 120, "tablets", None, None)),
        ("Functional restoration program 160 hours", ("functional_restoration", 160, "hours", None, None)),
    ],
)
def test_each_form_of_quantity_is_read(text, expected):
    assert quantity(text) == expected


@pytest.mark.parametrize(
    ("heading", "expected"),
    [
        ("Continue physical therapy 3 times a week for 2 weeks", ("physical_therapy", 6, "visits", 3, 2)),
        (
            "Electro acupuncture to the low back two times a week times six weeks",
            ("acupuncture", 12, "visits", 2, 6),
        ),
        (
            "Referral to chiropractor for evaluation of low back pain and left groin pain, twice a week for 3 weeks",
            ("chiropractic", 6, "visits", 2, 3),
        ),
        ("Physical exam 2 times 8", ("evaluation", 16, "visits", 2, 8)),
        ("Spinal manipulation 1 times 8", ("chiropractic", 8, "visits", 1, 8)),
        (
            "Additional physical therapy two times four visits (8) for the lumbar and bilateral knees",
            ("physical_therapy", 8, "visits", None, None),
        ),
        ("Chiropractic spinal manipulation times 6", ("chiropractic", 6, "visits", None, None)),
        ("Ice/Heat pads therapy times 6", ("physical_modality", 6, "visits", None, None)),
        ("Acupuncture therapy sessions lumbar spine #6", ("acupuncture", 6, "sessions", None, None)),
        ("Eight (8) physical therapy sessions", ("physical_therapy", 8, "sessions", None, None)),
        ("One (1) x-ray of the thoracic spine", ("imaging", 1, "units", None, None)),
        ("Three sessions of physical therapy of the right knee", ("physical_therapy", 3, "sessions", None, None)),
        ("continuation for left hand therapy for 6 sessions", ("occupational_therapy", 6, "sessions", None, None)),
        ("Physical therapy, 6 sessions, cervical and thoracic spine", ("physical_therapy", 6, "sessions", None, None)),
        (
            "Physical therapy 6 sessions 2 times a week for 3 weeks to the lumbar and cervical spine",
            ("physical_therapy", 6, "sessions", 2, 3),
        ),
        (
            "Associated surgical service: Physical Therapy sessions, 12",
            ("physical_therapy", 12, "sessions", None, None),
        ),
        ("PT/OT 18 sessions left hand, right lower leg", ("physical_therapy", 18, "sessions", None, None)),
        (
            "Twelve infrared acupuncture visits, 2 times weekly for 6 weeks",
            ("acupuncture", 12, "visits", 2, 6),
        ),
        (
            "Physical therapy additional 3 visits per week for 2 weeks",
            ("physical_therapy", 6, "visits", 3, 2),
        ),
        (
            "Physical therapy to the lumbar spine 2 times a week for 2 weeks (4)",
            ("physical_therapy", 4, "visits", 2, 2),
        ),
        (
            "Home aide 6 hours per day, 5 times a week for 4 weeks to assist with mobility",
            ("home_health", 20, "visits", 5, 4),
        ),
        ("1 platelet rich plasma injection to left foot", ("injections", 1, "injections", None, None)),
        ("NCV of the bilateral lower extremities, 2", ("electrodiagnostic", 2, "units", None, None)),
        ("Follow up office visit times 2", ("evaluation", 2, "visits", None, None)),
        ("Norco 10/325mg #35", ("medication", 35, "tablets", None, None)),
        ("Retrospective Cyclobenzaprine 5mg tab #30 DOS: 11/14/16", ("medication", 30, "tablets", None, None)),
        ("Lorzone 750mg one by mouth three times a day #45", ("medication", 45, "tablets", None, None)),
        (
            "Post-op Norco 5/325mg #60, 1-2 tabs orally every 4-6 hrs as needed",
            ("medication", 60, "tablets", None, None),
        ),
        (
            "Voltaren gel apply to affected area 4 times a day, #60 grams with 1 refill, DOS: 11/11/2016",
            ("medication", 60, "grams", None, None),
        ),
        ("Wrist braces #2", ("durable_medical_equipment", 2, "units", None, None)),
    ],
)
def test_real_headings_are_read(heading, expected):
    assert quantity(heading) == expected


def test_a_range_of_frequency_gives_the_upper_count_and_keeps_the_lower():
    request = parse_request("Physical therapy 2-3 times a week for 6 weeks")

    assert (request.count_min, request.count, request.frequency_per_week, request.duration_weeks) == (12, 18, 3, 6)


def test_a_range_in_words_with_the_total_in_parentheses_keeps_the_total():
    request = parse_request("PT/OT two to three times a week for six to eight weeks (24 sessions) left hand")

    assert (request.count_min, request.count, request.unit) == (12, 24, "sessions")


def test_counts_for_separate_parts_joined_by_and_add_up():
    request = parse_request(
        "two physical therapy sessions for the lumbar spine, left shoulder and left knee and eight physical therapy "
        "sessions for the left wrist"
    )

    assert (request.count, request.body_regions) == (10, ("lumbar", "shoulder", "knee", "wrist_hand"))


def test_a_modified_item_is_read_from_its_remaining_portion():
    heading = (
        "Physical therapy to the low back eight sessions was the original request. Physical therapy to the low back "
        "six sessions was authorized by the Claims Administrator. The remaining IMR eligible portion of the original "
        "request, Physical therapy to the low back two sessions is: Upheld"
    )

    request = parse_request(heading)

    assert remaining_portion(heading) == "Physical therapy to the low back two sessions"
    assert (request.text, request.count, request.unit) == (
        "Physical therapy to the low back two sessions",
        2,
        "sessions",
    )


def test_refills_supply_periods_and_dispensed_amounts_are_kept_apart_from_the_count():
    refills = parse_request("Two refills of Ibuprofen 600mg #90")
    supply = parse_request("Norco 5/325mg oral tablet, one tablet twice daily 14 days #40")
    rental = parse_request("standard wheelchair for a 2 month rental")
    amount = parse_request("Fanatrex 25mg/ml oral suspension 420ml")

    assert (refills.count, refills.refills) == (90, 2)
    assert (supply.count, supply.period, supply.frequency_per_week) == (40, (14, "day"), None)
    assert (rental.count, rental.period, rental.has_quantity) == (None, (2, "month"), True)
    assert (amount.count, amount.amount, amount.has_quantity) == (None, "420 ml", True)


@pytest.mark.parametrize(
    "heading",
    [
        "MRI of the right shoulder without contrast",
        "Acupuncture treatments (unspecified quantity)",
        "Physical therapy treatments for the left shoulder wrist and hip",
        "Right L5-S1 epidural steroid injection",
        "purchase of a bedside 3 in 1 commode",
        "Three phase bone scan to the left foot",
        "Retrospective CT scan of the cervical spine (DOS 11/18/16)",
        "Flurbiprofen 20%, Baclofen 5%, Dexamethasone 2%, Menthol 2%, Capsaicin 0.025% in cream base",
        "Diazepam (Valium) 5mg take 1 tab orally 1 hour before exam, may repeat dose 1/2 hour after first dose",
    ],
)
def test_a_heading_without_a_quantity_has_none_and_raises_no_finding(heading):
    request = parse_request(heading)

    assert (request.count, request.has_quantity, unread_numbers(heading)) == (None, False, [])
    assert check_quantity(request, default_limits()) == []


def test_numbers_that_are_not_amounts_are_set_aside_and_named():
    assert excluded_numbers("purchase of a bedside 3 in 1 commode") == ["3", "1"]
    assert excluded_numbers("Lumbar Spine Epidural Injection at L4-5 under fluoroscopy") == ["5"]
    assert unread_numbers("Lidoderm patch, 12 hours on 12 hours off, #1 box with 1 refill") == []


# --- the check against the seeded limits ------------------------------------------------------------------------------


def test_the_seed_request_is_flagged_against_both_mtus_physical_medicine_limits():
    findings = check_quantity(parse_request(SEED_REQUEST), default_limits())

    assert messages(findings) == [
        (
            True,
            "requested 12 visits; MTUS Chronic Pain Medical Treatment 2016, Physical medicine treatment allows 9-10 "
            "visits over 8 weeks for myalgia and myositis (fading from up to 3 visits a week to 1 or less)",
        ),
        (
            True,
            "requested 12 visits; MTUS Chronic Pain Medical Treatment 2016, Physical medicine treatment allows 8-10 "
            "visits over 4 weeks for neuralgia, neuritis, and radiculitis (fading from up to 3 visits a week to 1 or "
            "less)",
        ),
    ]
    assert [finding.allowance for finding in findings] == [10, 10]
    assert exceeds_guidelines(findings) is True


def test_ten_visits_of_physical_therapy_are_within_the_physical_medicine_limits():
    findings = check_quantity(parse_request("Physical therapy 2 times a week for 5 weeks"), default_limits())

    assert [(finding.exceeds, finding.allowance) for finding in findings] == [(False, 10), (False, 10)]
    assert exceeds_guidelines(findings) is False


def test_acupuncture_three_times_a_week_for_two_weeks_is_within_the_acupuncture_limits():
    findings = check_quantity(parse_request("Acupuncture 3 times a week for 2 weeks"), default_limits())

    assert messages(findings) == [
        (
            False,
            "requested 6 visits; MTUS Acupuncture Treatment 2007, Acupuncture Medical Treatment Guidelines allows 3-6 "
            "treatments over 4-8 weeks (1 to 3 times a week)",
        )
    ]


def test_twelve_acupuncture_visits_exceed_the_acupuncture_limits():
    findings = check_quantity(parse_request("Twelve acupuncture visits, 2 times weekly for 6 weeks"), default_limits())

    assert [(finding.exceeds, finding.allowance) for finding in findings] == [(True, 6)]


def test_acupuncture_four_times_a_week_is_more_often_than_allowed():
    [finding] = check_quantity(parse_request("Acupuncture 4 times a week for 1 week"), default_limits())

    assert (finding.exceeds, finding.frequency_exceeds) == (False, True)
    assert finding.message.endswith("(1 to 3 times a week); 4 times a week is more often than that")


def test_six_chiropractic_visits_are_the_initial_trial():
    [finding] = check_quantity(parse_request("Chiropractic 6 visits"), default_limits())

    assert (finding.exceeds, finding.exceeds_initial_trial, finding.allowance) == (False, False, 18)
    assert finding.message == (
        "requested 6 visits; MTUS Chronic Pain Medical Treatment 2016, Manual therapy & manipulation allows an initial "
        "trial of 6 visits, up to 18 visits over 6-8 weeks with functional improvement for low back pain"
    )


def test_eight_chiropractic_visits_exceed_the_trial_but_not_the_total_with_improvement():
    [finding] = check_quantity(
        parse_request("Chiropractic care to the low back two times a week for four weeks"), default_limits()
    )

    assert (finding.exceeds, finding.exceeds_initial_trial) == (False, True)


def test_an_initial_chiropractic_request_is_held_to_the_initial_trial():
    [finding] = check_quantity(parse_request("Initial chiropractic 8 visits"), default_limits())

    assert (finding.exceeds, finding.allowance) == (True, 6)


def test_twenty_chiropractic_visits_exceed_the_eighteen_allowed_with_improvement():
    [finding] = check_quantity(parse_request("Chiropractic 20 visits for the lumbar spine"), default_limits())

    assert (finding.exceeds, finding.allowance) == (True, 18)


def test_chiropractic_for_the_knee_is_not_recommended_by_the_mtus():
    findings = check_quantity(parse_request("Chiropractic for the left hip and left knee, 12 visits"), default_limits())

    assert messages(findings) == [
        (
            True,
            "requested 12 visits; MTUS Chronic Pain Medical Treatment 2016, Manual therapy & manipulation does not "
            "recommend chiropractic manipulation for knee",
        )
    ]


def test_neck_manipulation_falls_back_on_the_odg_where_the_mtus_is_silent():
    findings = check_quantity(
        parse_request("Chiropractic physiotherapy treatment 12 visits for the cervical spine"), default_limits()
    )

    assert [(finding.limit.source_label, finding.exceeds, finding.exceeds_initial_trial) for finding in findings] == [
        ("ODG Neck and Upper Back (Acute & Chronic), Manipulation", False, True)
    ]


def test_a_diagnosis_of_crps_selects_the_crps_limit():
    findings = check_quantity(
        parse_request("Physical therapy 2 times a week for 6 weeks"), default_limits(), diagnosis="CRPS, right hand"
    )

    assert [(finding.limit.condition, finding.exceeds, finding.allowance) for finding in findings] == [
        ("reflex sympathetic dystrophy (CRPS)", False, 26)
    ]


def test_postoperative_therapy_after_a_meniscectomy_uses_the_postsurgical_limit():
    findings = check_quantity(
        parse_request("Post operative physical therapy for the right knee 2 times a week for 6 weeks"),
        default_limits(),
        diagnosis="status post left knee meniscectomy",
    )

    assert [(finding.limit.condition, finding.exceeds, finding.exceeds_initial_trial) for finding in findings] == [
        ("meniscectomy (knee)", False, True)
    ]


def test_massage_beyond_six_visits_exceeds_the_massage_limit():
    [finding] = check_quantity(parse_request("Massage therapy 2x4"), default_limits())

    assert (finding.exceeds, finding.allowance, finding.limit.source_section) == (True, 6, "Massage therapy")


def test_hours_of_a_program_are_not_compared_with_its_limit_in_sessions():
    assert check_quantity(parse_request("Functional restoration program 160 hours"), default_limits()) == []


def test_a_treatment_without_a_limit_raises_no_finding():
    assert check_quantity(parse_request("Flexeril 10mg #60"), default_limits()) == []
    assert check_quantity(parse_request("MRI of the thoracic spine without contrast, #1"), default_limits()) == []


def test_limits_are_read_from_a_library_document():
    document = {
        "format": "imr-guidelines/1",
        "sources": [
            {
                "key": "x",
                "family": "ODG",
                "chapter": "Knee & Leg",
                "year": None,
                "quantity_limits": [
                    {
                        "treatment": "physical medicine",
                        "condition": "sprains and strains (knee)",
                        "section": "Physical therapy (PT)",
                        "min_units": None,
                        "max_units": 12,
                        "weeks_max": 8,
                        "quote": "12 visits over 8 weeks",
                    }
                ],
            }
        ],
    }

    assert limits_from_library(document) == [
        QuantityRule(
            treatment="physical medicine",
            condition="sprains and strains (knee)",
            min_visits=None,
            max_visits=12,
            weeks=8,
            initial_trial=None,
            total_with_improvement=None,
            source_chapter="Knee & Leg",
            source_section="Physical therapy (PT)",
            note="12 visits over 8 weeks",
            source_family="ODG",
        )
    ]


# --- headings of the published letters --------------------------------------------------------------------------------


def test_headings_are_found_when_wrapped_modified_or_following_a_rationale():
    text = (
        "The Final Determination was based on decisions for the disputed items/services set forth below:\n"
        "Additional physical therapy two times four visits (8) for the lumbar and bilateral knees:\n"
        "Upheld\n"
        "Claims Administrator guideline: Decision based on MTUS Chronic Pain Medical Treatment 2016.\n"
        "Decision rationale: ... the request is not medically necessary.\n"
        "Norco 10/325mg #60 was the original request. Norco 10/325mg #25 was authorized by the\n"
        "Claims Administrator. The remaining IMR eligible portion of the original request, Norco\n"
        "10/325mg #35 is: Upheld\n"
        "\n"
        "MAXIMUS guideline: Decision based on MTUS Opioid Treatment 2016.\n"
    )

    headings = item_headings(text, "CM00-0000000")

    assert [heading.item for heading in headings] == [
        "Additional physical therapy two times four visits (8) for the lumbar and bilateral knees",
        "Norco 10/325mg #35",
    ]


def test_the_seed_letter_heading_is_found_in_its_double_spaced_text():
    [heading] = item_headings(letter_text(SEED_LETTER), SEED_LETTER.stem)

    assert heading.item == SEED_REQUEST


def test_every_number_in_the_published_headings_is_read_or_set_aside():
    headings = [
        heading for path in letter_files([LETTERS, SEED_LETTER]) for heading in item_headings(letter_text(path))
    ]
    missed = [heading.item for heading in headings if unread_numbers(heading.text)]

    assert (len(headings), missed) == (289, [])
