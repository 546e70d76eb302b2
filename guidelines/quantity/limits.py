"""A guideline's quantity limit: which treatment, body region and diagnosis it is for, and what it allows."""

from __future__ import annotations

import re
from dataclasses import dataclass

from guidelines.quantity.kinds import BODY_REGION_PATTERNS, POSTOPERATIVE_RE, body_regions, treatment_kind

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
class QuantityRule:
    """A quantity limit as the check reads it, from a `guidelines.models.QuantityLimit` row (`as_rule()`) or an entry
    of a library file (`limit_from_library`): how much of a treatment a guideline allows for a condition, e.g. MTUS
    Chronic Pain Medical Treatment 2016, Physical medicine treatment: 9-10 visits over 8 weeks for myalgia and myositis.

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
    # The edition named plainly ("MTUS Chronic Pain Medical Treatment Guidelines (2009)"); "" when not known.
    edition: str = ""

    @property
    def kind(self) -> str | None:
        return treatment_kind(self.treatment)

    @property
    def postoperative(self) -> bool:
        return bool(POSTOPERATIVE_RE.search(self.treatment) or POSTOPERATIVE_RE.search(self.condition))

    @property
    def body_regions(self) -> tuple[str, ...]:
        return body_regions(self.condition)

    @property
    def condition_terms(self) -> tuple[str, ...]:
        """Words that must appear in the request or the diagnosis for this limit to apply; () for any."""
        condition = self.condition.lower()
        remainder = POSTOPERATIVE_RE.sub(" ", condition)
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
