"""Reading a disputed item: `parse_request` and the numbers it reads or sets aside (see the package docstring)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from guidelines.quantity.kinds import POSTOPERATIVE_RE, THERAPY_KINDS, body_regions, treatment_kind
from guidelines.quantity.numbers import FNUM, NUM, RANGE, number_range, number_value
from guidelines.quantity.request import QuantityRequest

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


_MODIFIED_RE = re.compile(
    r"original request,\s*(?P<remaining>.+?)(?:\s+is)?\s*:?\s*(?:Upheld|Overturned)?\s*$", re.IGNORECASE | re.DOTALL
)
_OUTCOME_RE = re.compile(r"\s*:\s*(?:Upheld|Overturned)\s*$", re.IGNORECASE)


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
        rf"\b(?:take\s+)?{NUM}(?:{RANGE}{NUM})?\s*(?:tabs?|tablets?|caps?|capsules?|pills?|puffs?|drops?)?"
        r"(?=\s+(?:orally|by mouth|po\b|daily|twice|once|every|at bedtime|as needed|per day|a day))",
        rf"\b{FNUM}(?:{RANGE}{FNUM})?\s*(?:(?:x|times?)\s*(?:a|per|/|each)?|a|per|/|each)\s*(?:day|night)\b",
        rf"\b{FNUM}(?:{RANGE}{FNUM})?\s*(?:x|times?)?\s*daily\b",
        rf"\bevery\s+{NUM}(?:{RANGE}{NUM})?\s*(?:hours?|hrs?|days?|minutes?|mins?)\b",
        rf"\b{NUM}(?:{RANGE}{NUM})?\s*(?:minutes?|mins?)\b",
        # Hours of a dose or of a day ("6 hours per day", "12 hours on 12 hours off", "1 hour before"); other hours
        # ("Functional restoration program 80 hours") are an amount.
        rf"\b{NUM}(?:{RANGE}{NUM})?\s*(?:hours?|hrs?)\s*(?:a|per|each|/)\s*(?:day|night|session|visit)\b",
        rf"\b{NUM}(?:{RANGE}{NUM})?\s*(?:hours?|hrs?)\s*(?:on|off|before|after|apart|prior|later|daily)\b",
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


def parse_request(text: str) -> QuantityRequest:
    """Read the treatment, body region and quantity that a disputed item asks for (see the `guidelines.quantity`
    docstring).

    For an item UR modified, the remaining portion is read (`remaining_portion`); `text` and `span` of the result
    refer to it."""
    return _read(remaining_portion(text))[0]


_NUMBER_TOKEN_RE = re.compile(rf"\b{FNUM}\b")


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


_REFILLS_PATTERN = rf"\b(?:with\s+)?(?P<n>{NUM})\s+refills?(?:\s+of)?\b"
_PERIOD_PATTERNS = (
    rf"\b(?:for\s+(?:a\s+)?)?(?P<n>{NUM}|a)[- ]?(?P<u>day|week|month)s?[- ](?:supply|rental|use|coverage|trial)\b",
    rf"\b(?P<n>{NUM})[- ]?(?P<u>day|week|month)s?\s+(?:of\s+)?(?:coverage|supply|rental)\b",
    # "one tablet twice daily 14 days #40" (but "3 days a week" is a frequency)
    rf"\b(?:for\s+)?(?P<n>{NUM})[- ]?(?P<u>day)s?\b(?!\s*(?:a|per|/|each|every)\s*(?:week|wk))",
)
_AMOUNT_PATTERN = r"(?<![#\d.])(?<!# )(?P<n>\d+(?:\.\d+)?)\s*(?P<u>ml|gm|grams?|g|oz|ounces?)\b"
_AMOUNT_UNITS = {"gm": "g", "gram": "g", "grams": "g", "ounce": "oz", "ounces": "oz"}
_FREQUENCY_PATTERN = (
    rf"\b(?P<f1>{FNUM})(?:{RANGE}(?P<f2>{FNUM}))?\s*"
    r"(?:(?:x|×|times?)\s*(?:a|per|/|each|every)?\s*|(?:visits?|sessions?|treatments?|days?)?\s*(?:a|per|/|each|every)\s*)"
    r"(?:week|wk)s?\b"
    rf"|\b(?P<g1>{FNUM})(?:{RANGE}(?P<g2>{FNUM}))?\s*(?:x|×|times?)?\s*(?:weekly|/wk|/week)"
)
_PRODUCT_PATTERN = rf"\b(?P<a>{NUM})\s*(?:x|×|times)\s*(?P<b>{NUM})\b(?P<tail>\s*(?:weeks?|wks?|visits?|sessions?)\b)?"
_DURATION_PATTERN = (
    rf"(?:\b(?:for|over|x|×|times|of)\s*)?(?:(?:a\s+)?(?:total|period)\s+of\s+)?"
    rf"\b(?P<d1>{NUM}|a)(?:{RANGE}(?P<d2>{NUM}))?(?:-|\s*)(?P<u>weeks?|wks?|months?)\b"
)
# Explicit counts, by form, tried in this order.
_COUNT_PATTERNS = (
    ("parenthesized", rf"\(\s*(?P<n>{NUM})\s*(?P<u>{_UNIT_WORDS})?\s*\)(?:\s*(?P<v>{_UNIT_WORDS})\b)?"),
    ("hash", rf"#\s*(?P<n>\d+)(?:\s*(?P<u>{_UNIT_WORDS})\b)?"),
    ("total", rf"\b(?:qty|quantity|total(?:\s+of)?)\s*[:#]?\s*(?P<n>{NUM})\b(?:\s*(?P<u>{_UNIT_WORDS})\b)?"),
    (
        "counted",
        rf"\b(?:(?P<m>{NUM}){RANGE})?(?P<n>{NUM})\s+(?:[a-z/-]+\s+){{0,4}}?(?P<u>{_UNIT_WORDS})\b",
    ),
    ("times", rf"(?:\bx|(?<=[a-z])x(?=\s*\d)|×|\btimes)\s*(?P<n>{NUM})\b(?:\s*(?P<u>{_UNIT_WORDS})\b)?"),
    ("trailing", r"(?:,|\b(?:visits?|sessions?|treatments?))\s*(?P<n>\d{1,3})\s*\.?\s*$"),
    (
        "leading",
        r"^\s*(?:(?:retrospective|prospective|associated surgical service:|post-?op(?:erative)?|pre-?op(?:erative)?"
        rf"|purchase of|rental of|request for)\s*)*(?P<n>{NUM})\b(?!\s*[-/.]\d)",
    ),
)


@dataclass
class _Reading:
    """What the steps of `_read` have found so far; `spans` are the pieces of text they read."""

    spans: list[tuple[int, int]] = field(default_factory=list)
    hits: list[_Hit] = field(default_factory=list)
    refills: int | None = None
    period: tuple[int, str] | None = None
    amount: str | None = None
    frequency: tuple[int, int] | None = None
    duration: tuple[int, int] | None = None


def _read_refills(scanner: _Scanner, reading: _Reading) -> None:
    for match in scanner.take(_REFILLS_PATTERN):
        reading.refills = number_value(match.group("n"))


def _read_period(scanner: _Scanner, reading: _Reading) -> None:
    """A supply or rental period: "30 day supply", "2 month rental", "14 days"."""
    for pattern in _PERIOD_PATTERNS:
        for match in scanner.take(pattern):
            if reading.period is None:
                amount = 1 if match.group("n") == "a" else number_value(match.group("n"))
                reading.period = (amount, match.group("u"))
                reading.spans.append(match.span())


def _read_amount(scanner: _Scanner, reading: _Reading) -> None:
    """A dispensed amount: "121gm", "420 ml"."""
    for match in scanner.take(_AMOUNT_PATTERN):
        unit = _AMOUNT_UNITS.get(match.group("u"))
        if reading.amount is None:
            reading.amount = f"{match.group('n')} {unit or match.group('u')}"
            reading.spans.append(match.span())


def _read_frequency(scanner: _Scanner, reading: _Reading) -> None:
    """Times a week: "2-3 times a week", "twice weekly", "3x/wk"."""
    for match in scanner.take(_FREQUENCY_PATTERN):
        if reading.frequency is None:
            first = ("f1", "f2") if match.group("f1") else ("g1", "g2")
            reading.frequency = number_range(match, *first)
            reading.spans.append(match.span())


def _read_products(scanner: _Scanner, reading: _Reading) -> None:
    """A product without a unit ("2x4": frequency x weeks) or with visits or sessions ("2 x 6 visits": a count)."""
    for match in scanner.take(_PRODUCT_PATTERN):
        first, second = number_value(match.group("a")), number_value(match.group("b"))
        tail = (match.group("tail") or "").strip()
        if tail.startswith(("visit", "session")):
            reading.hits.append(_Hit(match.start(), match.end(), first * second, _unit_name(tail), "product"))
        elif reading.frequency is None and reading.duration is None:
            reading.frequency, reading.duration = (first, first), (second, second)
        reading.spans.append(match.span())


def _read_duration(scanner: _Scanner, reading: _Reading) -> None:
    """Weeks (a month counts 4): "for 6 weeks", "x 4-6 wks", "for a total of 2 months"."""
    for match in scanner.take(_DURATION_PATTERN):
        if reading.duration is None:
            low = 1 if match.group("d1") == "a" else number_value(match.group("d1"))
            high = number_value(match.group("d2")) if match.group("d2") else low
            if match.group("u").startswith("month"):
                low, high = low * 4, high * 4
            reading.duration = (low, high)
            reading.spans.append(match.span())


def _read_counts(scanner: _Scanner, reading: _Reading) -> None:
    """Every explicit count ("(8)", "#60", "qty 30", "12 visits", "x 8", a trailing or leading number)."""
    for form, pattern in _COUNT_PATTERNS:
        for match in scanner.take(pattern):
            groups = match.groupdict()
            unit = groups.get("u") or groups.get("v")
            low = number_value(groups["m"]) if groups.get("m") else None
            value = number_value(match.group("n"))
            reading.hits.append(_Hit(match.start(), match.end(), value, _unit_name(unit), form, low))


# The steps of `_read`, in order: each blanks out what it read, so that the later ones do not read it again.
_STEPS = (_read_refills, _read_period, _read_amount, _read_frequency, _read_products, _read_duration, _read_counts)


def _derive_count(count: int | None, count_min: int | None, reading: _Reading) -> tuple[int | None, int | None]:
    """With no count stated, frequency x duration (a range gives both ends); with one stated for a range of
    frequency and duration, its lower end where the count is the upper."""
    if not (reading.frequency and reading.duration):
        return count, count_min
    (freq_low, freq_high), (weeks_low, weeks_high) = reading.frequency, reading.duration
    if count is None:
        count = freq_high * weeks_high
        if freq_low * weeks_low != count:
            count_min = freq_low * weeks_low
    elif count_min is None:
        # "(24 sessions)" stated for "two to three times a week for six to eight weeks": 12-24.
        low, high = freq_low * weeks_low, freq_high * weeks_high
        count_min = low if low < count == high else None
    return count, count_min


def _kind_and_unit(text: str, count: int | None, unit: str | None, reading: _Reading) -> tuple[str | None, str | None]:
    """The treatment kind (equipment used so many times a week or for visits is a modality) and, for a count stated
    without a unit, the unit named elsewhere in the item or the kind's usual one."""
    kind = treatment_kind(text)
    if kind == "durable_medical_equipment" and (reading.frequency or (unit in ("visits", "sessions", "treatments"))):
        kind = "physical_modality"
    if count is not None and unit is None:
        stated = re.search(r"\b(visits|sessions|treatments|tablets|tabs|capsules|patches)\b", text.lower())
        unit = _unit_name(stated.group(1)) if stated else _default_unit(kind, text)
    return kind, unit


def _read(text: str) -> tuple[QuantityRequest, _Scanner]:
    """The request read from `text`, and the working copy with every piece read blanked out."""
    scanner = _Scanner(text)
    _blank_exclusions(scanner)
    reading = _Reading()
    for step in _STEPS:
        step(scanner, reading)
    count, count_min, unit = _resolve_counts(text, reading.hits)
    reading.spans.extend((hit.start, hit.end) for hit in reading.hits)
    count, count_min = _derive_count(count, count_min, reading)
    kind, unit = _kind_and_unit(text, count, unit, reading)
    spans = reading.spans
    request = QuantityRequest(
        text=text,
        treatment=kind,
        body_regions=body_regions(text),
        count=count,
        count_min=count_min,
        frequency_per_week=reading.frequency[1] if reading.frequency else None,
        duration_weeks=reading.duration[1] if reading.duration else None,
        unit=unit,
        span=(min(start for start, _ in spans), max(end for _, end in spans)) if spans else None,
        initial=bool(_INITIAL_RE.search(text)),
        additional=bool(_ADDITIONAL_RE.search(text)),
        postoperative=bool(POSTOPERATIVE_RE.search(text)),
        refills=reading.refills,
        period=reading.period,
        amount=reading.amount,
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
