"""How much of a treatment a disputed item asks for, and how that compares with the guidelines' quantity limits.

Pure Python, no Django: `parse_request` reads an item as the letters print it ("12 initial Physical Therapy for the
right upper leg, 2 times a week for 6 weeks", "Acupuncture 3 times a week for 2 weeks", "Flexeril 10mg #60",
"Eight (8) physical therapy sessions") into a `QuantityRequest`; `check_quantity` compares it with `QuantityRule`s
(the library's, see `limits_from_library`) and returns one `QuantityFinding` per applicable limit.

Reading a request. The text is scanned on a working copy in which every piece already read, and every number that is
not an amount of treatment (dates, strengths such as "10/325mg" or "5%", spinal levels such as "L5-S1", doses such as
"1 tab orally every 4-6 hours", "3 in 1 commode"), is blanked out, so that offsets still point into the original
text and nothing is read twice. Order: exclusions, refills, supply periods ("2 month rental"), dispensed amounts
("121gm"), frequency per week ("2-3 times a week", "twice weekly"), products without a unit ("2x4", "2 times 8"),
durations ("for 6 weeks"), then explicit counts ("(8)", "#60", "12 visits", "x 8", "times 6", a leading "12 ...").
When no count is stated, the count is frequency x duration; a range ("2-3 times a week for 6 weeks") gives
`count` = the upper end (18) and `count_min` = the lower end (12).

Checking a request. A limit applies when its treatment matches the request's (occupational therapy, aquatic therapy
and passive modalities fall back on physical medicine limits; biofeedback on psychotherapy), when both are or both
are not postsurgical, and when its body region (read from the limit's condition, "meniscectomy (knee)") overlaps the
request's. A limit whose condition is a particular diagnosis (CRPS, arthritis, a surgery) applies only when the
request or the diagnosis names it; the general ones (myalgia, neuralgia) apply otherwise. The evidence hierarchy
(8 CCR 9792.21.1) is kept: MTUS limits are used when any applies, ACOEM/ODG only where the MTUS is silent.
"""

from guidelines.quantity.check import (
    QuantityFinding,
    applicable_limits,
    check_quantity,
    check_request_text,
    exceeds_guidelines,
)
from guidelines.quantity.kinds import (
    BODY_REGION_PATTERNS,
    THERAPY_KINDS,
    TREATMENT_FALLBACKS,
    TREATMENT_PATTERNS,
    body_regions,
    treatment_kind,
)
from guidelines.quantity.library import LIBRARY_FILE, default_limits, limit_from_library, limits_from_library
from guidelines.quantity.limits import FAMILY_RANK, QuantityRule
from guidelines.quantity.numbers import NUM, NUMBER_WORDS, number_value
from guidelines.quantity.parsing import excluded_numbers, parse_request, remaining_portion, unread_numbers
from guidelines.quantity.request import QuantityRequest, unit_label

__all__ = [
    "BODY_REGION_PATTERNS",
    "FAMILY_RANK",
    "LIBRARY_FILE",
    "NUM",
    "NUMBER_WORDS",
    "THERAPY_KINDS",
    "TREATMENT_FALLBACKS",
    "TREATMENT_PATTERNS",
    "QuantityFinding",
    "QuantityRule",
    "QuantityRequest",
    "applicable_limits",
    "body_regions",
    "check_quantity",
    "check_request_text",
    "default_limits",
    "exceeds_guidelines",
    "excluded_numbers",
    "limit_from_library",
    "limits_from_library",
    "number_value",
    "parse_request",
    "remaining_portion",
    "treatment_kind",
    "unit_label",
    "unread_numbers",
]
