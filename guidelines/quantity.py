"""How much of a treatment a disputed item asks for, and how that compares with the guidelines' quantity limits.

Pure Python, no Django: `parse_request` reads an item as the letters print it ("12 initial Physical Therapy for the
right upper leg, 2 times a week for 6 weeks", "Acupuncture 3 times a week for 2 weeks", "Flexeril 10mg #60",
"Eight (8) physical therapy sessions") into a `QuantityRequest`; `check_quantity` compares it with `QuantityLimit`s
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

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

LIBRARY_FILE = Path(__file__).resolve().parent / "data" / "library.json"

# --- numbers ----------------------------------------------------------------------------------------------------------

_UNITS_WORDS = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
}
_TENS_WORDS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80}
_FREQUENCY_WORDS = {"once": 1, "twice": 2, "thrice": 3}
NUMBER_WORDS = {**_UNITS_WORDS, **_TENS_WORDS}

_SMALL = "|".join(sorted((word for word in _UNITS_WORDS if word != "zero"), key=len, reverse=True))
_TENS = "|".join(_TENS_WORDS)
_ONES = "one|two|three|four|five|six|seven|eight|nine"
NUM = rf"(?:\d+|(?:{_TENS})(?:[- ](?:{_ONES}))?|{_SMALL})"
_FNUM = rf"(?:{NUM}|once|twice|thrice)"
_RANGE = r"\s*(?:-|–|to|or)\s*"


def number_value(token: str) -> int:
    """The value of a number as the letters write it: "12", "twelve", "twenty-four", "twice"."""
    token = token.strip().lower()
    if token.isdigit():
        return int(token)
    if token in _FREQUENCY_WORDS:
        return _FREQUENCY_WORDS[token]
    if token in NUMBER_WORDS:
        return NUMBER_WORDS[token]
    tens, _, ones = re.split(r"([- ])", token, maxsplit=1) if re.search(r"[- ]", token) else (token, "", "")
    return _TENS_WORDS[tens] + _UNITS_WORDS[ones]


# --- what is requested ------------------------------------------------------------------------------------------------

# Treatment kinds, tried in order; the first that matches names the request. Physical therapy comes before
# occupational therapy so that "PT/OT" is physical therapy; "hand therapy" is occupational therapy.
TREATMENT_PATTERNS: tuple[tuple[str, str], ...] = (
    (
        "psychotherapy",
        r"psychotherap|cognitive[- ]behavio|\bcbt\b|psycholog\w* (?:treatment|therapy|sessions?|visits?)",
    ),
    ("biofeedback", r"biofeedback"),
    ("functional_restoration", r"functional restoration|\bfrp\b|multidisciplinary pain|chronic pain program"),
    ("work_conditioning", r"work (?:hardening|conditioning)"),
    ("acupuncture", r"acupunct"),
    ("chiropractic", r"chiropract|\bchiro\b|manipulation|\bcmt\b|\bomt\b"),
    ("massage", r"massage|myofascial release"),
    ("aquatic_therapy", r"aqua|pool therap|water therap|hydrotherap"),
    (
        "physical_therapy",
        r"physical therap|physiotherap|physical medicine|\bpt(?:\b|(?=x\d))(?!/ptt|/inr)|therapeutic exercise",
    ),
    ("occupational_therapy", r"occupational therap|\bot\b|hand therap"),
    (
        "injections",
        r"injection|\besi\b|epidural|nerve block|facet|trigger point inj|\bprp\b|platelet[- ]rich|"
        r"viscosupplement|radiofrequency|rhizotomy|neurotomy|neurolytic",
    ),
    ("tens", r"\btens\b|h-wave|interferential"),
    (
        "physical_modality",
        r"electrical (?:muscle )?stimulation|e-?stim\b|\bems\b|\bultrasound\b(?! of| guid)|infrared|traction|"
        r"spinolator|ice/heat|shock ?wave|\beswt\b|laser therap|\blllt\b|diathermy|iontophoresis|paraffin|"
        r"neurostimulation",
    ),
    ("home_health", r"home (?:health|aide|care|nursing)|caregiver|attendant care"),
    ("transportation", r"transportation"),
    (
        "electrodiagnostic",
        r"\bemg\b|\bncv\b|\bncs\b|nerve conduction|electromyograph|electrodiagnost",
    ),
    (
        "imaging",
        r"\bmri\b|\bmr arthrogram|\bct\b|ct scan|x-?rays?\b|radiograph|bone scan|ultrasound of|\bdexa\b|myelogra|"
        r"discogra|arthrogra|imaging",
    ),
    (
        "lab_test",
        r"\blabs?\b|urinalysis|urine (?:drug )?(?:test|screen)|\bcbc\b|\bcmp\b|blood test|drug screen|"
        r"electrocardiogram|\bekg\b|\becg\b",
    ),
    (
        "evaluation",
        r"evaluation(?! of)|\beval\b|consult|referral|\bexam\b|office visit|follow[- ]up|re-?exam|clearance|\btest\b",
    ),
    (
        "surgery",
        r"arthroscop|arthroplasty|replacement|repair|decompression|fusion|laminectomy|discectomy|meniscectomy|"
        r"neuroplasty|surgery|surgical|tenodesis|tenotomy|release\b",
    ),
    (
        "durable_medical_equipment",
        r"\bwraps?\b|\bpads?\b|pillow|brace|support\b|splint|orthotic|orthosis|wheelchair|walker|\bcane\b|crutch|"
        r"commode|chair|scooter|gloves|wipes|workstation|hearing aids?|\bunit\b|mattress|cushion|collar|sling|"
        r"stocking|garment",
    ),
)
_STRONG_MEDICATION_RE = re.compile(
    r"\d(?:\.\d+)?\s*(?:mg|mcg|%|percent)|\b(?:tabs?|tablets?|capsules?|caps|cream|gel|ointment|lotion|patch|"
    r"patches|suspension|solution|spray|syrup|refills?|supply)\b"
)
_MEDICATION_RE = re.compile(_STRONG_MEDICATION_RE.pattern + r"|#\s*\d")
_DRUG_NAME_RE = re.compile(
    r"\w(?:pril|olol|sartan|azepam|zolam|codone|morphone|prazole|profen|coxib|caine|tidine|fenac|benzaprine|"
    r"zodone|xetine|triptyline|gesic|micin|cillin|olac|oxen|adol|phenadrine|zanidine|baclofen|pentin|gabalin)\b"
)
# Medications by strength or dosage form are recognized after the therapies and before these kinds.
_FIRST_NON_THERAPY = "home_health"
# Only kinds for which the letters quote limits in visits; the others never get a visit-count finding.
THERAPY_KINDS = frozenset(
    {
        "physical_therapy",
        "occupational_therapy",
        "aquatic_therapy",
        "acupuncture",
        "chiropractic",
        "massage",
        "psychotherapy",
        "biofeedback",
        "physical_modality",
        "functional_restoration",
        "work_conditioning",
    }
)
# Where a request kind has no limit of its own, the limits of these kinds apply.
TREATMENT_FALLBACKS: dict[str, tuple[str, ...]] = {
    "occupational_therapy": ("physical_therapy",),
    "aquatic_therapy": ("physical_therapy",),
    "physical_modality": ("physical_therapy",),
    "biofeedback": ("psychotherapy",),
}

BODY_REGION_PATTERNS: tuple[tuple[str, str], ...] = (
    ("lumbar", r"lumbar|lumbo|low(?:er)? back|(?<!upper )(?<!mid )\bback\b|sacr|\bl[1-5]\b"),
    ("cervical", r"cervical|\bneck\b|\bc[1-7]\b"),
    ("thoracic", r"thoracic|upper back|mid(?:dle)? back|\bt\d{1,2}\b"),
    ("shoulder", r"shoulder|rotator cuff|acromi"),
    ("elbow", r"elbow|epicondyl"),
    ("wrist_hand", r"wrist|\bhands?\b|finger|thumb|carpal|metacarp|phalan|forearm|radius|ulna"),
    ("hip", r"\bhips?\b|pelvi|groin"),
    ("thigh", r"upper leg|thigh|femur|femoral"),
    ("knee", r"knee|patell|menisc|\bacl\b|cruciate"),
    ("lower_leg", r"lower leg|\bcalf\b|tibia|fibula|\bshin"),
    ("ankle_foot", r"ankle|\bfoot\b|\bfeet\b|\btoes?\b|\bheel|achilles|plantar|malleol"),
    ("head", r"\bhead\b|brain|skull"),
    ("upper_extremity", r"upper extremit|\barms?\b"),
    ("lower_extremity", r"lower extremit|(?<!upper )(?<!lower )\blegs?\b"),
)

_UNIT_WORDS = (
    r"visits?|sessions?|treatments?|appointments?|tablets?|tabs?|capsules?|caps|patch(?:es)?|pads?|injections?|"
    r"units?|containers?|box(?:es)?|tubes?|bottles?|grams?|gm|ml|hours?|hrs"
)
_UNIT_NAMES = {
    "visit": "visits",
    "session": "sessions",
    "treatment": "treatments",
    "appointment": "visits",
    "tablet": "tablets",
    "tab": "tablets",
    "capsule": "capsules",
    "cap": "capsules",
    "patch": "patches",
    "patche": "patches",
    "pad": "pads",
    "injection": "injections",
    "unit": "units",
    "container": "containers",
    "boxe": "boxes",
    "box": "boxes",
    "tube": "tubes",
    "bottle": "bottles",
    "gram": "grams",
    "gm": "grams",
    "ml": "ml",
    "hour": "hours",
    "hr": "hours",
}

_INITIAL_RE = re.compile(r"\binitial\b|\btrial\b", re.IGNORECASE)
_ADDITIONAL_RE = re.compile(r"\badditional\b|\bcontinu\w*|\bmore\b|\bfurther\b|\bextra\b|\bongoing\b", re.IGNORECASE)
_POSTOPERATIVE_RE = re.compile(
    r"post[- ]?op(?:erative)?\b|post[- ]?surg|after surgery|associated surgical service", re.IGNORECASE
)
_MODIFIED_RE = re.compile(
    r"original request,\s*(?P<remaining>.+?)(?:\s+is)?\s*:?\s*(?:Upheld|Overturned)?\s*$", re.IGNORECASE | re.DOTALL
)
_OUTCOME_RE = re.compile(r"\s*:\s*(?:Upheld|Overturned)\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class QuantityRequest:
    """What a disputed item asks for. `count` is the total (visits, sessions, tablets...), stated or derived as
    frequency x duration; for a range it is the upper end and `count_min` the lower. `span` is the (start, end) of the
    text the quantity was read from, in `text`; `frequency_per_week` and `duration_weeks` are upper ends of ranges."""

    text: str
    treatment: str | None = None
    body_regions: tuple[str, ...] = ()
    count: int | None = None
    count_min: int | None = None
    frequency_per_week: int | None = None
    duration_weeks: int | None = None
    unit: str | None = None
    span: tuple[int, int] | None = None
    initial: bool = False
    additional: bool = False
    postoperative: bool = False
    refills: int | None = None
    period: tuple[int, str] | None = None
    amount: str | None = None

    @property
    def body_region(self) -> str | None:
        return self.body_regions[0] if self.body_regions else None

    @property
    def matched(self) -> str | None:
        """The text the quantity was read from ("2 times a week for 6 weeks")."""
        return self.text[self.span[0] : self.span[1]] if self.span else None

    @property
    def has_quantity(self) -> bool:
        """The item states an amount: a count, a frequency or duration, a supply period or a dispensed amount."""
        return any(
            value is not None
            for value in (self.count, self.frequency_per_week, self.duration_weeks, self.period, self.amount)
        )

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.update(body_region=self.body_region, matched=self.matched, has_quantity=self.has_quantity)
        data["body_regions"] = list(self.body_regions)
        data["span"] = list(self.span) if self.span else None
        data["period"] = {"amount": self.period[0], "unit": self.period[1]} if self.period else None
        return data


@dataclass
class _Hit:
    start: int
    end: int
    value: int
    unit: str | None
    form: str  # "parenthesized", "hash", "total", "counted", "times", "leading", "trailing", "product"
    low: int | None = None  # the lower end of a range ("8-12 visits")


class _Scanner:
    """The text, lower-cased, with every piece already read blanked out (offsets stay those of the original)."""

    def __init__(self, text: str):
        self.work = text.lower()

    def take(self, pattern: str | re.Pattern[str]) -> Iterator[re.Match[str]]:
        for match in list(re.finditer(pattern, self.work)):
            if not self.work[match.start() : match.end()].strip():
                continue
            if re.search(r"\x00", self.work[match.start() : match.end()]):
                continue
            yield match
            self.blank(match.start(), match.end())

    def blank(self, start: int, end: int) -> None:
        self.work = self.work[:start] + "\x00" * (end - start) + self.work[end:]


def remaining_portion(text: str) -> str:
    """The item to decide: for an item UR modified ("X was the original request. Y was authorized ... The remaining
    IMR eligible portion of the original request, Z is: Upheld"), Z; otherwise the text without ": Upheld"."""
    text = " ".join(text.split())
    if "original request," in text:
        match = _MODIFIED_RE.search(text)
        if match:
            return match.group("remaining").strip()
    return _OUTCOME_RE.sub("", text).strip()


def treatment_kind(text: str) -> str | None:
    """The normalized kind of treatment named in `text` ("physical_therapy", "acupuncture", ...), or None.

    Therapies are recognized first; then a medication by its strength or dosage form ("10mg", "5%", "tablet",
    "cream"); then the other kinds; last a medication by "#60" or a drug-name ending."""
    lowered = re.sub(r"^\s*associated surgical service:\s*", "", text.lower())
    for kind, pattern in TREATMENT_PATTERNS:
        if kind == _FIRST_NON_THERAPY and _STRONG_MEDICATION_RE.search(lowered):
            return "medication"
        if re.search(pattern, lowered):
            return kind
    if _MEDICATION_RE.search(lowered) or _DRUG_NAME_RE.search(lowered):
        return "medication"
    return None


def body_regions(text: str) -> tuple[str, ...]:
    """The body regions named in `text`, in the order they appear ("lumbar", "cervical", "knee", ...)."""
    lowered = text.lower()
    found = []
    for region, pattern in BODY_REGION_PATTERNS:
        match = re.search(pattern, lowered)
        if match:
            found.append((match.start(), region))
    return tuple(region for _, region in sorted(found))


def unit_label(count: int, unit: str) -> str:
    """ "visits" for 12, "visit" for 1 ("boxes" -> "box", "patches" -> "patch")."""
    if count != 1 or not unit.endswith("s"):
        return unit
    return unit[:-2] if unit.endswith(("xes", "ches")) else unit[:-1]


def _unit_name(word: str | None) -> str | None:
    if not word:
        return None
    word = word.lower().rstrip("s") if word.lower() not in ("ml", "caps") else word.lower()
    if word == "cap":
        return "capsules"
    return _UNIT_NAMES.get(word, _UNIT_NAMES.get(word.rstrip("e"), word))


def _blank_exclusions(scanner: _Scanner) -> None:
    """Blank out numbers that are never an amount of treatment."""
    exclusions = (
        r"\bdos\b:?\s*[\d/.-]+",  # date of service
        r"\b\d{1,2}[/-]\d{1,2}[/-]\d{2,4}\b",  # dates
        r"\b\d+(?:\.\d+)?\s*(?:%|percent)(?:\s*-\s*\d+(?:\.\d+)?\s*%)*",  # concentrations
        r"\d+(?:\.\d+)?(?:\s*[-/]\s*\d+(?:\.\d+)?)*\s*(?:mg/ml|mg|mcg|meq|cc|iu)\b",  # strengths
        r"\b\d+(?:\.\d+)?(?:/\d+(?:\.\d+)?)+",  # ratios: 10/325, 1/2
        r"\b[clts]\d{1,2}\s*-\s*[clts]?\d{1,2}\b|\b[clts]\d{1,2}\b",  # spinal levels
        rf"\b(?:take\s+)?{NUM}(?:{_RANGE}{NUM})?\s*(?:tabs?|tablets?|caps?|capsules?|pills?|puffs?|drops?)?"
        r"(?=\s+(?:orally|by mouth|po\b|daily|twice|once|every|at bedtime|as needed|per day|a day))",
        rf"\b{_FNUM}(?:{_RANGE}{_FNUM})?\s*(?:(?:x|times?)\s*(?:a|per|/|each)?|a|per|/|each)\s*(?:day|night)\b",
        rf"\b{_FNUM}(?:{_RANGE}{_FNUM})?\s*(?:x|times?)?\s*daily\b",
        rf"\bevery\s+{NUM}(?:{_RANGE}{NUM})?\s*(?:hours?|hrs?|days?|minutes?|mins?)\b",
        rf"\b{NUM}(?:{_RANGE}{NUM})?\s*(?:minutes?|mins?)\b",
        # Hours of a dose or of a day ("6 hours per day", "12 hours on 12 hours off", "1 hour before"); other hours
        # ("Functional restoration program 80 hours") are an amount.
        rf"\b{NUM}(?:{_RANGE}{NUM})?\s*(?:hours?|hrs?)\s*(?:a|per|each|/)\s*(?:day|night|session|visit)\b",
        rf"\b{NUM}(?:{_RANGE}{NUM})?\s*(?:hours?|hrs?)\s*(?:on|off|before|after|apart|prior|later|daily)\b",
        rf"\b{NUM}\s+in\s+{NUM}\b",  # 3 in 1 commode
        rf"\b{NUM}[- ](?:phase|view|views|level|levels|lead|channel|point|d)\b",
        r"\b\d+(?:st|nd|rd|th)\b",
        r"\bicd-?\d*\s*[\d.]+",
    )
    for pattern in exclusions:
        for _ in scanner.take(pattern):
            pass
    # "Eight (8) sessions", "three (3) times a week": the figure repeats the word; read as if it were not there.
    for match in re.finditer(rf"\b(?P<a>{NUM})\s*(?P<b>\(\s*(?P<c>{NUM})\s*\))", scanner.work):
        if number_value(match.group("a")) == number_value(match.group("c")):
            start, end = match.span("b")
            scanner.work = scanner.work[:start] + " " * (end - start) + scanner.work[end:]


def _range(match: re.Match[str], low: str, high: str) -> tuple[int, int]:
    first = number_value(match.group(low))
    second = match.group(high)
    return (first, number_value(second)) if second else (first, first)


def parse_request(text: str) -> QuantityRequest:
    """Read the treatment, body region and quantity that a disputed item asks for (see the module docstring).

    For an item UR modified, the remaining portion is read (`remaining_portion`); `text` and `span` of the result
    refer to it."""
    return _read(remaining_portion(text))[0]


_NUMBER_TOKEN_RE = re.compile(rf"\b{_FNUM}\b")


def unread_numbers(text: str) -> list[str]:
    """The numbers in an item (digits or words) that `parse_request` neither read as a quantity nor set aside as
    something else (a date, a strength, a dose, a spinal level...): what a measurement should look at."""
    _request, scanner = _read(remaining_portion(text))
    return [match.group(0) for match in _NUMBER_TOKEN_RE.finditer(scanner.work)]


def excluded_numbers(text: str) -> list[str]:
    """The numbers in an item that are not an amount of treatment (dates, strengths, doses, levels, "3 in 1")."""
    text = remaining_portion(text)
    scanner = _Scanner(text)
    _blank_exclusions(scanner)
    return [
        match.group(0)
        for match in _NUMBER_TOKEN_RE.finditer(text.lower())
        if "\x00" in scanner.work[match.start() : match.end()]
    ]


def _read(text: str) -> tuple[QuantityRequest, _Scanner]:
    original = text
    scanner = _Scanner(text)
    _blank_exclusions(scanner)
    spans: list[tuple[int, int]] = []

    refills = None
    for match in scanner.take(rf"\b(?:with\s+)?(?P<n>{NUM})\s+refills?(?:\s+of)?\b"):
        refills = number_value(match.group("n"))

    period = None
    period_patterns = (
        rf"\b(?:for\s+(?:a\s+)?)?(?P<n>{NUM}|a)[- ]?(?P<u>day|week|month)s?[- ](?:supply|rental|use|coverage|trial)\b",
        rf"\b(?P<n>{NUM})[- ]?(?P<u>day|week|month)s?\s+(?:of\s+)?(?:coverage|supply|rental)\b",
        # "one tablet twice daily 14 days #40" (but "3 days a week" is a frequency)
        rf"\b(?:for\s+)?(?P<n>{NUM})[- ]?(?P<u>day)s?\b(?!\s*(?:a|per|/|each|every)\s*(?:week|wk))",
    )
    for pattern in period_patterns:
        for match in scanner.take(pattern):
            if period is None:
                amount = 1 if match.group("n") == "a" else number_value(match.group("n"))
                period = (amount, match.group("u"))
                spans.append(match.span())

    amount = None
    for match in scanner.take(r"(?<![#\d.])(?<!# )(?P<n>\d+(?:\.\d+)?)\s*(?P<u>ml|gm|grams?|g|oz|ounces?)\b"):
        unit = {"gm": "g", "gram": "g", "grams": "g", "ounce": "oz", "ounces": "oz"}.get(match.group("u"))
        if amount is None:
            amount = f"{match.group('n')} {unit or match.group('u')}"
            spans.append(match.span())

    frequency: tuple[int, int] | None = None
    frequency_pattern = (
        rf"\b(?P<f1>{_FNUM})(?:{_RANGE}(?P<f2>{_FNUM}))?\s*"
        r"(?:(?:x|×|times?)\s*(?:a|per|/|each|every)?\s*|(?:visits?|sessions?|treatments?|days?)?\s*(?:a|per|/|each|every)\s*)"
        r"(?:week|wk)s?\b"
        rf"|\b(?P<g1>{_FNUM})(?:{_RANGE}(?P<g2>{_FNUM}))?\s*(?:x|×|times?)?\s*(?:weekly|/wk|/week)"
    )
    for match in scanner.take(frequency_pattern):
        if frequency is None:
            frequency = _range(match, "f1", "f2") if match.group("f1") else _range(match, "g1", "g2")
            spans.append(match.span())

    hits: list[_Hit] = []
    duration: tuple[int, int] | None = None
    product_pattern = (
        rf"\b(?P<a>{NUM})\s*(?:x|×|times)\s*(?P<b>{NUM})\b(?P<tail>\s*(?:weeks?|wks?|visits?|sessions?)\b)?"
    )
    for match in scanner.take(product_pattern):
        first, second = number_value(match.group("a")), number_value(match.group("b"))
        tail = (match.group("tail") or "").strip()
        if tail.startswith(("visit", "session")):
            hits.append(_Hit(match.start(), match.end(), first * second, _unit_name(tail), "product"))
        elif frequency is None and duration is None:
            frequency, duration = (first, first), (second, second)
        spans.append(match.span())

    duration_pattern = (
        rf"(?:\b(?:for|over|x|×|times|of)\s*)?(?:(?:a\s+)?(?:total|period)\s+of\s+)?"
        rf"\b(?P<d1>{NUM}|a)(?:{_RANGE}(?P<d2>{NUM}))?(?:-|\s*)(?P<u>weeks?|wks?|months?)\b"
    )
    for match in scanner.take(duration_pattern):
        if duration is None:
            low = 1 if match.group("d1") == "a" else number_value(match.group("d1"))
            high = number_value(match.group("d2")) if match.group("d2") else low
            if match.group("u").startswith("month"):
                low, high = low * 4, high * 4
            duration = (low, high)
            spans.append(match.span())

    count_patterns = (
        ("parenthesized", rf"\(\s*(?P<n>{NUM})\s*(?P<u>{_UNIT_WORDS})?\s*\)(?:\s*(?P<v>{_UNIT_WORDS})\b)?"),
        ("hash", rf"#\s*(?P<n>\d+)(?:\s*(?P<u>{_UNIT_WORDS})\b)?"),
        ("total", rf"\b(?:qty|quantity|total(?:\s+of)?)\s*[:#]?\s*(?P<n>{NUM})\b(?:\s*(?P<u>{_UNIT_WORDS})\b)?"),
        (
            "counted",
            rf"\b(?:(?P<m>{NUM}){_RANGE})?(?P<n>{NUM})\s+(?:[a-z/-]+\s+){{0,4}}?(?P<u>{_UNIT_WORDS})\b",
        ),
        ("times", rf"(?:\bx|(?<=[a-z])x(?=\s*\d)|×|\btimes)\s*(?P<n>{NUM})\b(?:\s*(?P<u>{_UNIT_WORDS})\b)?"),
        ("trailing", r"(?:,|\b(?:visits?|sessions?|treatments?))\s*(?P<n>\d{1,3})\s*\.?\s*$"),
        (
            "leading",
            r"^\s*(?:(?:retrospective|prospective|associated surgical service:|post-?op(?:erative)?|pre-?op(?:erative)?"
            rf"|purchase of|rental of|request for)\s*)*(?P<n>{NUM})\b(?!\s*[-/.]\d)",
        ),
    )
    for form, pattern in count_patterns:
        for match in scanner.take(pattern):
            groups = match.groupdict()
            unit = groups.get("u") or groups.get("v")
            low = number_value(groups["m"]) if groups.get("m") else None
            hits.append(_Hit(match.start(), match.end(), number_value(match.group("n")), _unit_name(unit), form, low))

    count, count_min, unit = _resolve_counts(text, hits)
    spans.extend((hit.start, hit.end) for hit in hits)

    freq_low, freq_high = frequency if frequency else (None, None)
    weeks_low, weeks_high = duration if duration else (None, None)
    if count is None and frequency and duration:
        count = freq_high * weeks_high
        if freq_low * weeks_low != count:
            count_min = freq_low * weeks_low
    elif count is not None and frequency and duration and count_min is None:
        # "(24 sessions)" stated for "two to three times a week for six to eight weeks": 12-24.
        low, high = freq_low * weeks_low, freq_high * weeks_high
        count_min = low if low < count == high else None

    kind = treatment_kind(text)
    if kind == "durable_medical_equipment" and (frequency or (unit in ("visits", "sessions", "treatments"))):
        kind = "physical_modality"
    if count is not None and unit is None:
        stated = re.search(r"\b(visits|sessions|treatments|tablets|tabs|capsules|patches)\b", text.lower())
        unit = _unit_name(stated.group(1)) if stated else _default_unit(kind, text)

    span = (min(start for start, _ in spans), max(end for _, end in spans)) if spans else None
    request = QuantityRequest(
        text=original,
        treatment=kind,
        body_regions=body_regions(text),
        count=count,
        count_min=count_min,
        frequency_per_week=freq_high,
        duration_weeks=weeks_high,
        unit=unit,
        span=span,
        initial=bool(_INITIAL_RE.search(text)),
        additional=bool(_ADDITIONAL_RE.search(text)),
        postoperative=bool(_POSTOPERATIVE_RE.search(text)),
        refills=refills,
        period=period,
        amount=amount,
    )
    return request, scanner


def _resolve_counts(text: str, hits: list[_Hit]) -> tuple[int | None, int | None, str | None]:
    """One count from the counts found: restatements ("Eight (8)") merge; counts for separate parts joined by "and"
    ("two ... sessions for the lumbar spine ... and eight ... sessions for the left wrist") add up; otherwise the most
    explicit form wins (a total in parentheses, then "#60", "qty", "12 visits", "x 8", a trailing or leading number)."""
    if not hits:
        return None, None, None
    hits = sorted(hits, key=lambda hit: hit.start)
    merged: list[_Hit] = []
    for hit in hits:
        if merged and merged[-1].value == hit.value and hit.start - merged[-1].end <= 3:
            previous = merged[-1]
            merged[-1] = _Hit(previous.start, hit.end, hit.value, previous.unit or hit.unit, previous.form)
            continue
        merged.append(hit)
    if len(merged) == 1:
        return merged[0].value, merged[0].low, merged[0].unit
    parts = [hit for hit in merged if hit.form in ("counted", "leading")]
    between = [text[left.end : right.start].lower() for left, right in zip(parts, parts[1:], strict=False)]
    if len(parts) == len(merged) and all(re.search(r"\band\b", gap) for gap in between):
        return sum(hit.value for hit in parts), None, next((hit.unit for hit in parts if hit.unit), None)
    order = ("parenthesized", "hash", "total", "counted", "product", "times", "trailing", "leading")
    # Of two "#" the last is the quantity ("Tylenol #3 #60"); of other forms, the first.
    best = min(merged, key=lambda hit: (order.index(hit.form), -hit.start if hit.form == "hash" else hit.start))
    same = (hit.unit for hit in merged if hit.unit and hit.value == best.value)
    return best.value, best.low, best.unit or next(same, None)


def _default_unit(kind: str | None, text: str) -> str:
    if kind in THERAPY_KINDS or kind in ("home_health", "evaluation"):
        return "visits"
    if kind == "injections":
        return "injections"
    lowered = text.lower()
    for word, unit in (
        ("patch", "patches"),
        ("pad", "pads"),
        ("capsule", "capsules"),
        ("tab", "tablets"),
        ("cream", "units"),
        ("gel", "units"),
    ):
        if word in lowered:
            return unit
    return "tablets" if kind == "medication" else "units"


# --- limits -----------------------------------------------------------------------------------------------------------

FAMILY_RANK = {"MTUS": 1, "ACOEM": 2, "ODG": 2, "OTHER": 3}

# Conditions that are not a particular diagnosis: their limits apply to any request of the treatment.
_GENERAL_CONDITION_RE = re.compile(
    r"^(?:|any|all|chronic pain|musculoskeletal(?: pain| conditions?)?|pain|myalgia.*|neuralgia.*|"
    r"time to produce functional improvement|therapeutic care|individual sessions|"
    r"(?:mild to moderate )?strains?)$"
)
# Words that name a diagnosis in a limit's condition, and the words that name it in a request or a diagnosis.
_CONDITION_SYNONYMS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (r"crps|reflex sympathetic|complex regional", ("crps", "reflex sympathetic", "complex regional", "rsd")),
    (r"arthroplasty|replacement", ("arthroplasty", "replacement", "tka", "tha")),
    (r"arthritis|arthropathy", ("arthritis", "arthropathy", "degenerative joint", "djd", "osteoarthr")),
    (r"post-injection|injection", ("injection",)),
    (r"menisc", ("menisc",)),
    (r"cruciate|\bacl\b", ("cruciate", "acl")),
    (r"rotator cuff|impingement", ("rotator cuff", "impingement", "subacromial", "acromioplasty")),
    (r"discectomy|laminectomy", ("discectomy", "laminectomy", "laminotomy", "microdiscectomy")),
    (r"fusion", ("fusion", "arthrodesis")),
    (r"carpal tunnel", ("carpal tunnel",)),
    (r"metacarpal", ("metacarpal",)),
    (r"phalan", ("phalan", "finger fracture")),
    (r"femur|femoral", ("femur", "femoral")),
    (r"radius|ulna", ("radius", "ulna", "radial")),
    (r"ankle fracture|malleol", ("ankle fracture", "malleol", "fracture of ankle")),
    (r"epicondyl", ("epicondyl",)),
    (r"severe", ("severe", "grade 3", "grade iii")),
    (r"sprain|strain", ("sprain", "strain")),
)
_REGION_WORDS_RE = re.compile(
    "|".join(pattern for _, pattern in BODY_REGION_PATTERNS) + r"|\bspine\b|\(|\)|:|,|\bof the\b|\bthe\b|\band\b"
)


@dataclass(frozen=True)
class QuantityLimit:
    """How much of a treatment a guideline allows for a condition, e.g. MTUS Chronic Pain Medical Treatment 2016,
    Physical medicine treatment: 9-10 visits over 8 weeks for myalgia and myositis.

    `max_visits` 0 means the guideline does not recommend the treatment for the condition (a region, e.g. knee).
    `total_with_improvement` is the most with documented functional improvement after the `initial_trial`.
    `treatment` and `condition` are plain words ("physical medicine", "meniscectomy (knee)"): the request's kind, a
    postsurgical limit, the body region and the diagnosis a limit is for are all read from them."""

    treatment: str
    condition: str
    min_visits: int | None
    max_visits: int
    weeks: int | None
    initial_trial: int | None
    total_with_improvement: int | None
    source_chapter: str
    source_section: str | None
    note: str = ""
    min_weeks: int | None = None
    unit: str = "visits"
    frequency: str = ""
    source_family: str = "MTUS"
    # False for a limit entered from secondary sources and not yet checked against the guideline's own text.
    verified: bool = True

    @property
    def kind(self) -> str | None:
        return treatment_kind(self.treatment)

    @property
    def postoperative(self) -> bool:
        return bool(_POSTOPERATIVE_RE.search(self.treatment) or _POSTOPERATIVE_RE.search(self.condition))

    @property
    def body_regions(self) -> tuple[str, ...]:
        return body_regions(self.condition)

    @property
    def condition_terms(self) -> tuple[str, ...]:
        """Words that must appear in the request or the diagnosis for this limit to apply; () for any."""
        condition = self.condition.lower()
        remainder = _POSTOPERATIVE_RE.sub(" ", condition)
        remainder = re.sub(r"\b(?:post-?surgical|treatment|surgery|surgical|open|arthroscopic)\b", " ", remainder)
        remainder = " ".join(_REGION_WORDS_RE.sub(" ", remainder).split())
        if _GENERAL_CONDITION_RE.match(remainder) or remainder in ("not recommended", "manipulation"):
            return ()
        terms: list[str] = []
        for pattern, words in _CONDITION_SYNONYMS:
            if re.search(pattern, condition):
                terms.extend(words)
        if terms:
            return tuple(dict.fromkeys(terms))
        return tuple(word for word in re.findall(r"[a-z]{5,}", remainder) if word not in ("visits", "weeks"))

    @property
    def evidence_rank(self) -> int:
        return FAMILY_RANK.get(self.source_family, 3)

    @property
    def source_label(self) -> str:
        chapter = f"{self.source_family} {self.source_chapter}".strip()
        return f"{chapter}, {self.source_section}" if self.source_section else chapter

    def allowance(self, *, initial: bool = False) -> int:
        """The most this limit allows: the initial trial for an initial request, otherwise the largest number."""
        if initial and self.initial_trial is not None:
            return self.initial_trial
        return max(
            value for value in (self.max_visits, self.total_with_improvement, self.initial_trial) if value is not None
        )

    def describe(self) -> str:
        """The allowance in words: "9-10 visits over 8 weeks", "an initial trial of 6 visits, up to 18 visits over
        6-8 weeks with functional improvement"."""
        unit = self.unit or "visits"
        weeks = ""
        if self.weeks:
            span = f"{self.min_weeks}-{self.weeks}" if self.min_weeks and self.min_weeks != self.weeks else self.weeks
            weeks = f" over {span} week" + ("" if span == 1 else "s")
        visits = (
            f"{self.min_visits}-{self.max_visits}"
            if self.min_visits is not None and self.min_visits != self.max_visits
            else f"{self.max_visits}"
        )
        if self.initial_trial is not None and self.total_with_improvement:
            return (
                f"an initial trial of {self.initial_trial} {unit}, up to {self.total_with_improvement} {unit}{weeks} "
                "with functional improvement"
            )
        if self.initial_trial is not None and self.initial_trial < self.max_visits:
            return f"{visits} {unit}{weeks}, an initial course of {self.initial_trial}"
        return f"{visits} {unit}{weeks}"


@dataclass(frozen=True)
class QuantityFinding:
    """How a request compares with one limit. `exceeds`: the count is above the limit's allowance (for an initial
    request, the initial trial). `exceeds_initial_trial`: above the trial, where the limit has one."""

    limit: QuantityLimit
    requested: int
    requested_min: int | None
    unit: str
    allowance: int
    exceeds: bool
    exceeds_initial_trial: bool | None
    frequency_exceeds: bool
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "exceeds": self.exceeds,
            "message": self.message,
            "requested": self.requested,
            "requested_min": self.requested_min,
            "unit": self.unit,
            "allowance": self.allowance,
            "exceeds_initial_trial": self.exceeds_initial_trial,
            "frequency_exceeds": self.frequency_exceeds,
            "source": self.limit.source_label,
            "treatment": self.limit.treatment,
            "condition": self.limit.condition,
            "verified": self.limit.verified,
        }


def _kind_candidates(request: QuantityRequest, limits: Iterable[QuantityLimit]) -> list[QuantityLimit]:
    limits = list(limits)
    for kind in (request.treatment, *TREATMENT_FALLBACKS.get(request.treatment or "", ())):
        matching = [limit for limit in limits if limit.kind == kind]
        if matching:
            return matching
    return []


def _region_applies(limit: QuantityLimit, region: str | None) -> bool:
    regions = limit.body_regions
    if not regions:
        return True
    if region is not None:
        return region in regions
    # With no region stated, a region's allowance may apply, but never a "not recommended for this region".
    return limit.max_visits > 0


def applicable_limits(
    request: QuantityRequest, limits: Iterable[QuantityLimit], *, diagnosis: str | None = None
) -> list[QuantityLimit]:
    """The limits that apply to `request` (see the module docstring). For each body region of the request, the
    limits come from the highest-ranked guideline family that has any for it: the MTUS first, ACOEM and ODG where the
    MTUS is silent (MTUS manipulation limits cover the low back; the neck's come from the ODG)."""
    if request.treatment not in THERAPY_KINDS:
        return []
    candidates = [limit for limit in _kind_candidates(request, limits) if limit.postoperative == request.postoperative]
    words = f"{request.text} {diagnosis or ''}".lower()
    chosen: list[QuantityLimit] = []
    for region in request.body_regions or (None,):
        in_region = [limit for limit in candidates if _region_applies(limit, region)]
        for rank in sorted({limit.evidence_rank for limit in in_region}):
            family = [limit for limit in in_region if limit.evidence_rank == rank]
            specific = [
                limit for limit in family if limit.condition_terms and any(t in words for t in limit.condition_terms)
            ]
            general = [limit for limit in family if not limit.condition_terms]
            if specific or general or family:
                chosen.extend(limit for limit in specific or general or family if limit not in chosen)
                break
    return chosen


def _frequency_bounds(text: str) -> tuple[int, int] | None:
    match = re.search(
        rf"(?P<f1>{_FNUM})(?:{_RANGE}(?P<f2>{_FNUM}))?\s*(?:x|times?|visits?)?\s*(?:a|per|/)\s*week", text
    )
    return _range(match, "f1", "f2") if match else None


_VISIT_UNITS = frozenset({"visits", "sessions", "treatments", "full-day sessions"})


def _comparable(requested: str | None, allowed: str) -> bool:
    """Visits, sessions and treatments count alike; hours or tablets are not compared with visits."""
    return requested is None or requested == allowed or (requested in _VISIT_UNITS and allowed in _VISIT_UNITS)


def check_quantity(
    request: QuantityRequest, limits: Iterable[QuantityLimit], *, diagnosis: str | None = None
) -> list[QuantityFinding]:
    """One finding per applicable limit; none when the request states no count or no limit applies.

    A finding reads "requested 12 visits; MTUS Chronic Pain Medical Treatment 2016, Physical medicine treatment
    allows 9-10 visits over 8 weeks for myalgia and myositis". `diagnosis` (free text) selects the limits written for
    a particular diagnosis (CRPS, arthritis, a surgery)."""
    if request.count is None:
        return []
    findings = []
    for limit in applicable_limits(request, limits, diagnosis=diagnosis):
        if not _comparable(request.unit, limit.unit):
            continue
        unit = unit_label(request.count, request.unit or limit.unit)
        requested = f"{request.count_min}-{request.count}" if request.count_min else f"{request.count}"
        condition = re.sub(r"\s*\(not recommended\)", "", limit.condition)
        if limit.max_visits == 0 and not limit.total_with_improvement and not limit.initial_trial:
            allowance = 0
            message = f"requested {requested} {unit}; {limit.source_label} does not recommend {limit.treatment}"
            message += f" for {condition}" if condition else ""
        else:
            allowance = limit.allowance(initial=request.initial)
            message = f"requested {requested} {unit}; {limit.source_label} allows {limit.describe()}"
            message += f" for {condition}" if condition else ""
            message += f" ({limit.frequency})" if limit.frequency else ""
        frequency_exceeds = False
        bounds = _frequency_bounds(limit.frequency) if limit.frequency else None
        if bounds and request.frequency_per_week and request.frequency_per_week > bounds[1]:
            frequency_exceeds = True
            message += f"; {request.frequency_per_week} times a week is more often than that"
        if not limit.verified:
            message += " (this limit is not yet verified against the guideline's text)"
        trial = limit.initial_trial
        findings.append(
            QuantityFinding(
                limit=limit,
                requested=request.count,
                requested_min=request.count_min,
                unit=unit,
                allowance=allowance,
                exceeds=request.count > allowance,
                exceeds_initial_trial=None if trial is None else request.count > trial,
                frequency_exceeds=frequency_exceeds,
                message=message,
            )
        )
    return findings


def exceeds_guidelines(findings: list[QuantityFinding]) -> bool:
    """True when the request is above the largest applicable allowance, i.e. above every applicable limit."""
    return bool(findings) and all(finding.exceeds for finding in findings)


def check_request_text(text: str, limits: Iterable[QuantityLimit], *, diagnosis: str | None = None) -> dict[str, Any]:
    """The request read from `text` and its findings, as JSON-ready data ({"request": ..., "findings": [...],
    "exceeds": bool})."""
    request = parse_request(text)
    findings = check_quantity(request, limits, diagnosis=diagnosis)
    return {
        "request": request.as_dict(),
        "findings": [finding.as_dict() for finding in findings],
        "exceeds": exceeds_guidelines(findings),
    }


# --- the library's limits ---------------------------------------------------------------------------------------------


def limit_from_library(limit: dict[str, Any], source: dict[str, Any]) -> QuantityLimit:
    """A `QuantityLimit` from one "quantity_limits" entry of an "imr-guidelines/1" source (the loader's field names:
    min_units, max_units, weeks_min, weeks_max, initial_trial, total_max, frequency, quote, section)."""
    chapter = source["chapter"] + (f" {source['year']}" if source.get("year") else "")
    return QuantityLimit(
        treatment=limit["treatment"],
        condition=limit.get("condition") or "",
        min_visits=limit.get("min_units"),
        max_visits=limit["max_units"],
        weeks=limit.get("weeks_max"),
        initial_trial=limit.get("initial_trial"),
        total_with_improvement=limit.get("total_max"),
        source_chapter=chapter,
        source_section=limit.get("section"),
        note=limit.get("quote") or "",
        min_weeks=limit.get("weeks_min"),
        unit=limit.get("unit") or "visits",
        frequency=limit.get("frequency") or "",
        source_family=source.get("family", "MTUS"),
    )


def limits_from_library(document: dict[str, Any]) -> list[QuantityLimit]:
    """Every quantity limit of an "imr-guidelines/1" document, but those of a source marked inactive."""
    return [
        limit_from_library(limit, source)
        for source in document.get("sources", [])
        if source.get("active", True)
        for limit in source.get("quantity_limits", [])
    ]


def default_limits(path: Path = LIBRARY_FILE) -> list[QuantityLimit]:
    """The limits of the seeded library file (guidelines/data/library.json)."""
    return limits_from_library(json.loads(path.read_text(encoding="utf-8")))


__all__ = [
    "QuantityFinding",
    "QuantityLimit",
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
