"""The body parts a request names, read from its words, so that suggestions for a lumbar request leave out the neck's
and the shoulder's sections. The keys are the library's ``body_region`` values."""

import re
from collections.abc import Iterable

from guidelines.models import GuidelineSection

REGION_WORDS: dict[str, tuple[str, ...]] = {
    "lumbar": ("lumbar", "low back", "lower back", "lumbosacral", "sciatica", "l[345]-[l1-5s]+", "lumbar spine"),
    "cervical": ("cervical", "neck", "c[3-7]-c?[4-7]"),
    "shoulder": ("shoulder", "shoulders", "rotator cuff"),
    "knee": ("knee", "knees", "meniscus", "meniscal"),
    "wrist_hand": ("wrist", "wrists", "hand", "hands", "carpal tunnel", "finger", "fingers", "thumb"),
    "elbow": ("elbow", "elbows", "epicondylitis"),
    "hip": ("hip", "hips", "groin"),
    "ankle_foot": ("ankle", "ankles", "foot", "feet", "plantar", "achilles"),
    "head": ("head", "headache", "headaches"),
    "abdomen": ("hernia", "abdomen", "abdominal"),
}
_PATTERNS = {
    region: re.compile(r"\b(?:" + "|".join(words) + r")\b", re.IGNORECASE) for region, words in REGION_WORDS.items()
}


def regions_named(text: str) -> set[str]:
    """The body regions whose words appear in ``text`` (whole words: "hand", not "handbook")."""
    return {region for region, pattern in _PATTERNS.items() if pattern.search(text or "")}


def keep_named_regions(sections: Iterable[GuidelineSection], text: str) -> list[GuidelineSection]:
    """``sections`` without those of a body region ``text`` does not name, when it names one; sections of no region
    (general ones) and the sections offered first (the claims administrator's) always stay."""
    named = regions_named(text)
    return [
        section
        for section in sections
        if not named or not section.body_region or section.body_region in named or section.offered_first
    ]
