"""The body parts a request names, so that suggestions for a lumbar request leave out the neck's and the shoulder's
sections. The words are the quantity check's (``guidelines.quantity.body_regions``), one list for both."""

from collections.abc import Iterable

from guidelines.models import GuidelineSection
from guidelines.quantity import body_regions

# A broad part a request may name, as the library's regions it covers.
_PARTS = {
    "upper_extremity": ("shoulder", "elbow", "wrist_hand"),
    "lower_extremity": ("hip", "knee", "ankle_foot"),
    "thigh": ("hip", "knee"),
    "lower_leg": ("knee", "ankle_foot"),
    "thoracic": ("thoracic", "lumbar", "cervical"),  # the library files the thoracic spine with its neighbours
}


def regions_named(text: str) -> set[str]:
    """The library's body regions ``text`` names ("low back" → lumbar); empty when it names none."""
    return {part for region in body_regions(text or "") for part in _PARTS.get(region, (region,))}


def keep_named_regions(sections: Iterable[GuidelineSection], text: str) -> list[GuidelineSection]:
    """``sections`` without those of a body region ``text`` does not name, when it names one; sections of no region
    (general ones) and the sections offered first (the claims administrator's) always stay."""
    named = regions_named(text)
    return [
        section
        for section in sections
        if not named
        or not section.body_region
        or section.body_region in named
        or getattr(section, "offered_first", False)
    ]
