"""Guideline citations ("bases") as IMR letters print them, and back.

A *basis* is what a party based its decision on: MTUS chapters (each with the sections or the pages cited) and
citations outside the MTUS, kept as free text. Both empty means that no medical evidence was cited.

Every letter prints two guideline lines per disputed item, one for the claims administrator and one for the review
organization::

    Claims Administrator guideline: Decision based on MTUS Shoulder Complaints 2004.
    <Organization> guideline: Decision based on MTUS Shoulder Complaints 2004, Section(s): Special Studies.

The reviewer's label is the review organization's short name, read in one place: `review_organization_label`
(``settings.IMR_ORGANIZATION_SHORT_NAME``), so that the letter, QA's comparison and any other printing of the line
agree.

`format_basis` returns the text after the label, `format_guideline_line` the whole line with its label, and
`parse_guideline_line` reads a whole line back. The forms, word for word from the published letters:

- MTUS only: ``Decision based on MTUS <chapter>[, Section(s): <sections>][, and <chapter>...].``
- outside the MTUS only: ``<The Claims Administrator | The Expert Reviewer> based their decision on
  recommendation(s) outside of the MTUS Guidelines. Decision based on Non-MTUS Citation <text>.``
  (2014 letters: ``... did not base their decision on the MTUS. Decision based on Non-MTUS Citation <text>.``)
- both: ``Decision based on MTUS <...>. Decision based on Non-MTUS Citation <text>.``
- nothing: ``<The Claims Administrator | The Expert Reviewer> did not cite any medical evidence for its decision.``
- 2014 pages: ``Decision based on MTUS Chronic Pain Treatment Guidelines Physical Medicine Page(s): 98-99.``

Letters print one Non-MTUS citation text per line; a basis holding several is written as one
"Decision based on Non-MTUS Citation <text>." sentence each, which this module also reads back.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings

CLAIMS_ADMINISTRATOR = "claims_administrator"
REVIEWER = "reviewer"
PARTIES = (CLAIMS_ADMINISTRATOR, REVIEWER)

STYLE_2016 = "2016"
STYLE_2014 = "2014"
STYLES = (STYLE_2016, STYLE_2014)

CLAIMS_ADMINISTRATOR_LABEL = "Claims Administrator"

# The subject of the sentences that name the party.
_SUBJECTS = {CLAIMS_ADMINISTRATOR: "The Claims Administrator", REVIEWER: "The Expert Reviewer"}

# MTUS chapters with their year, as the letters cite them. Chapters not listed still parse (a chapter is any run of
# words ending with a four-digit year); the list is needed for names that have no year (2014 letters).
MTUS_CHAPTERS: tuple[str, ...] = (
    "Chronic Pain Medical Treatment 2016",
    "Low Back Complaints 2004",
    "Shoulder Complaints 2004",
    "Acupuncture Treatment 2007",
    "Neck and Upper Back Complaints 2004",
    "Knee Complaints 2004",
    "Opioid Treatment 2016",
    "General Approaches 2004",
    "Elbow Disorders 2007",
    "Elbow Complaints 2007",
    "Forearm, Wrist, and Hand Complaints 2004",
    "Postsurgical Treatment 2009",
    "Ankle and Foot Complaints 2004",
    "Stress Related Conditions 2004",
    "Chronic Pain Medical Treatment 2009",
    # 2014 letters cite the chronic pain guidelines without a year, followed by the section and "Page(s):".
    "Chronic Pain Medical Treatment Guidelines",
    "Chronic Pain Treatment Guidelines",
)

# Sections whose own name has ", " followed by a capital letter, which the general splitting rule would cut.
# (Sections such as "TENS, chronic pain (...)" continue in lower case and need no entry.)
MTUS_SECTIONS_WITH_COMMAS: tuple[str, ...] = (
    "NSAIDs, GI symptoms & cardiovascular risk",
    "Forearm, Wrist, & Hand",
    "Psychological evaluations, IDDS & SCS (intrathecal drug delivery systems & spinal cord stimulators)",
)

_MTUS = "Decision based on MTUS"
_NON_MTUS = "Decision based on Non-MTUS Citation"
_OUTSIDE = "based their decision on recommendation(s) outside of the MTUS Guidelines."
_OUTSIDE_2014 = "did not base their decision on the MTUS."
_NOTHING = "did not cite any medical evidence for its decision."
_SECTIONS = ", Section(s): "
_PAGES = " Page(s): "

_SUBJECT_RE = r"(?:The Claims Administrator|The Expert Reviewer)"
_LABEL_RE = re.compile(r"^\s*(?P<label>[A-Z][A-Za-z0-9&.,'/ -]{0,80}?) guideline:\s*(?P<body>.*)$", re.DOTALL)
_YEAR_CHAPTER = r"[A-Z][^,:()]*?(?:, [^,:()]+?)*? (?:19|20)\d\d"
_CHAPTER_RE = re.compile(
    "(?:"
    + "|".join(re.escape(name) for name in sorted(MTUS_CHAPTERS, key=len, reverse=True))
    + "|"
    + _YEAR_CHAPTER
    + r")(?=, Section\(s\): |, and |$)"
)
_NEXT_CHAPTER_RE = re.compile(r", and (?=" + _CHAPTER_RE.pattern + ")")
_NUMBERED_SECTION = r"\d+(?:\.\d+)*\.? "


@dataclass
class MtusCitation:
    """One MTUS chapter with the sections (2016 letters) or pages (2014 letters) cited."""

    chapter: str
    sections: list[str] = field(default_factory=list)
    pages: str | None = None

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> MtusCitation:
        return cls(chapter=data["chapter"], sections=list(data.get("sections", [])), pages=data.get("pages"))

    def to_dict(self) -> dict[str, Any]:
        result: dict[str, Any] = {"chapter": self.chapter, "sections": list(self.sections)}
        if self.pages is not None:
            result["pages"] = self.pages
        return result


@dataclass
class Basis:
    """What a party based its decision on; both lists empty means no medical evidence was cited."""

    mtus: list[MtusCitation] = field(default_factory=list)
    non_mtus: list[str] = field(default_factory=list)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Basis:
        return cls(
            mtus=[MtusCitation.from_dict(citation) for citation in data.get("mtus", [])],
            non_mtus=list(data.get("non_mtus", [])),
        )

    def to_dict(self) -> dict[str, Any]:
        return {"mtus": [citation.to_dict() for citation in self.mtus], "non_mtus": list(self.non_mtus)}

    @property
    def is_empty(self) -> bool:
        return not self.mtus and not self.non_mtus


def normalize_whitespace(text: str) -> str:
    """Join wrapped lines: every run of whitespace becomes one space.

    A line that ends in a hyphen right after a letter ("Electro-", "ACOEM-") continues the same word on the next
    line, so it is joined without a space ("Electro-diagnostic", "ACOEM-https://...").
    """
    text = re.sub(r"(?<=[A-Za-z]-)[ \t]*\n\s*(?=\S)", "", text)
    return re.sub(r"\s+", " ", text).strip()


def _check(party: str, style: str) -> None:
    if party not in PARTIES:
        raise ValueError(f"party must be one of {PARTIES}, not {party!r}")
    if style not in STYLES:
        raise ValueError(f"style must be one of {STYLES}, not {style!r}")


def _format_mtus_citation(citation: MtusCitation) -> str:
    if citation.pages is not None:
        # 2014: "<chapter> <section> Page(s): <pages>", no "Section(s):" label and no year.
        words = [citation.chapter, ", ".join(citation.sections)] if citation.sections else [citation.chapter]
        return " ".join(words) + _PAGES + citation.pages
    if citation.sections:
        return citation.chapter + _SECTIONS + ", ".join(citation.sections)
    return citation.chapter


def _format_mtus(citations: list[MtusCitation]) -> str:
    return f"{_MTUS} " + ", and ".join(_format_mtus_citation(citation) for citation in citations) + "."


def _format_non_mtus(citations: list[str]) -> str:
    return " ".join(f"{_NON_MTUS} {text}." if text else f"{_NON_MTUS}." for text in citations)


def review_organization_label() -> str:
    """The review organization's name as the reviewer's guideline line prints it ("<name> guideline: ...")."""
    return settings.IMR_ORGANIZATION_SHORT_NAME


def format_basis(basis: Basis, *, party: str, organization: str | None = None, style: str = STYLE_2016) -> str:
    """The guideline text for `party` ("claims_administrator" or "reviewer"), without the "... guideline:" label.

    `organization` only names the label, which this text leaves out (see `format_guideline_line`); it is accepted so
    that both functions take the same arguments. `style` "2014" only changes the sentence that introduces a basis
    outside the MTUS; MTUS citations with pages are printed in the 2014 "Page(s):" form whatever the style.
    """
    _check(party, style)
    subject = _SUBJECTS[party]
    if basis.is_empty:
        return f"{subject} {_NOTHING}"
    if not basis.mtus:
        introduction = _OUTSIDE_2014 if style == STYLE_2014 else _OUTSIDE
        return f"{subject} {introduction} {_format_non_mtus(basis.non_mtus)}"
    if not basis.non_mtus:
        return _format_mtus(basis.mtus)
    return f"{_format_mtus(basis.mtus)} {_format_non_mtus(basis.non_mtus)}"


def guideline_label(party: str, organization: str | None = None) -> str:
    """The label before the guideline text: "Claims Administrator" or the review organization's name (by default the
    configured one, `review_organization_label`)."""
    _check(party, STYLE_2016)
    if party == CLAIMS_ADMINISTRATOR:
        return CLAIMS_ADMINISTRATOR_LABEL
    return organization or review_organization_label()


def format_guideline_line(basis: Basis, *, party: str, organization: str | None = None, style: str = STYLE_2016) -> str:
    """The whole line, label included: "<Organization> guideline: Decision based on MTUS ..."."""
    text = format_basis(basis, party=party, organization=organization, style=style)
    return f"{guideline_label(party, organization)} guideline: {text}"


def _split_sections(text: str) -> list[str]:
    """Split a "Section(s):" list on ", " where a new section begins.

    Section names hold commas too ("TENS, chronic pain (...)", "Forearm, Wrist, & Hand"), so a new section must
    begin with a capital letter or a digit, names known to hold ", <Capital>" are kept whole, and numbered sections
    (Opioid Treatment 2016: "3.3.2 Opioids for ...: ..., Prior to ...") are split only before the next number.
    """
    if not text:
        return []
    protected: list[str] = []

    def protect(match: re.Match[str]) -> str:
        protected.append(match.group(0))
        return f"\x00{len(protected) - 1}\x00"

    names = "|".join(re.escape(name) for name in sorted(MTUS_SECTIONS_WITH_COMMAS, key=len, reverse=True))
    masked = re.sub(rf"(?:^|(?<=, ))(?:{names})(?=, |$)", protect, text)
    boundary = _NUMBERED_SECTION if re.match(_NUMBERED_SECTION, text) else r"[A-Z0-9\x00]"
    parts = re.split(rf", (?={boundary})", masked)
    return [re.sub(r"\x00(\d+)\x00", lambda match: protected[int(match.group(1))], part) for part in parts]


def _parse_mtus_2014(text: str) -> MtusCitation:
    head, pages = text.rsplit(_PAGES.strip(), 1)
    head = head.strip()
    pages = pages.strip()
    if _SECTIONS.strip() in head:
        chapter, sections = head.split(_SECTIONS, 1)
        return MtusCitation(chapter.strip(), _split_sections(sections.strip()), pages)
    for name in sorted(MTUS_CHAPTERS, key=len, reverse=True):
        if head == name:
            return MtusCitation(name, [], pages)
        if head.startswith(name + " "):
            return MtusCitation(name, _split_sections(head[len(name) + 1 :]), pages)
    return MtusCitation(head, [], pages)


def _parse_mtus(text: str) -> list[MtusCitation]:
    """Read the chapters after "Decision based on MTUS " (the closing period removed)."""
    if re.search(r"(?:^| )Page\(s\):", text):
        return [_parse_mtus_2014(text)]
    citations = []
    position = 0
    while position < len(text):
        match = _CHAPTER_RE.match(text, position)
        if match:
            chapter = match.group(0)
            position = match.end()
        else:
            # A chapter without a year: everything up to its sections or the next chapter.
            end = text.find(_SECTIONS, position)
            end = len(text) if end < 0 else end
            following = _NEXT_CHAPTER_RE.search(text, position, end)
            end = following.start() if following else end
            chapter = text[position:end]
            position = end
        sections: list[str] = []
        if text.startswith(_SECTIONS, position):
            start = position + len(_SECTIONS)
            following = _NEXT_CHAPTER_RE.search(text, start)
            end = following.start() if following else len(text)
            sections = _split_sections(text[start:end])
            position = end
        citations.append(MtusCitation(chapter, sections))
        if text.startswith(", and ", position):
            position += len(", and ")
        elif position < len(text):
            raise ValueError(f"cannot read the MTUS citation {text!r} at {text[position:]!r}")
    return citations


def _parse_non_mtus(text: str) -> list[str]:
    """Read "<text>. Decision based on Non-MTUS Citation <text>." (the first prefix already removed)."""
    parts = re.split(r"\. " + re.escape(_NON_MTUS) + r"(?: |(?=\.$))", text)
    parts[-1] = parts[-1][:-1] if parts[-1].endswith(".") else parts[-1]
    return [part.strip() for part in parts]


def parse_basis(text: str) -> Basis:
    """Read the guideline text after the label (any of the forms `format_basis` writes) into a `Basis`."""
    body = normalize_whitespace(text)
    if re.fullmatch(rf"{_SUBJECT_RE} {re.escape(_NOTHING)}", body):
        return Basis()
    outside = re.match(rf"{_SUBJECT_RE} (?:{re.escape(_OUTSIDE)}|{re.escape(_OUTSIDE_2014)}) ", body)
    if outside:
        body = body[outside.end() :]
        if not body.startswith(_NON_MTUS):
            raise ValueError(f"expected {_NON_MTUS!r} in {text!r}")
        return Basis(non_mtus=_parse_non_mtus(body[len(_NON_MTUS) :].lstrip()))
    if body.startswith(_NON_MTUS):
        return Basis(non_mtus=_parse_non_mtus(body[len(_NON_MTUS) :].lstrip()))
    if not body.startswith(_MTUS + " "):
        raise ValueError(f"not a guideline citation: {text!r}")
    body = body[len(_MTUS) + 1 :]
    split = re.search(r"\.? " + re.escape(_NON_MTUS) + r"(?: |(?=\.$))", body)
    if split:
        mtus, non_mtus = body[: split.start()], _parse_non_mtus(body[split.end() :].lstrip())
    else:
        mtus, non_mtus = (body[:-1] if body.endswith(".") else body), []
    return Basis(mtus=_parse_mtus(mtus.strip()), non_mtus=non_mtus)


def parse_guideline_line(text: str) -> tuple[str, str | None, Basis]:
    """Read a whole guideline line: returns (party, organization, basis).

    The party is "claims_administrator" for the "Claims Administrator guideline:" line and "reviewer" for any other
    label, whose text is the organization as the letter printed it; the organization is None for the claims
    administrator.
    Raises ValueError for text that is not a guideline line.
    """
    match = _LABEL_RE.match(text)
    if not match:
        raise ValueError(f"no '... guideline:' label in {text!r}")
    label = normalize_whitespace(match.group("label"))
    basis = parse_basis(match.group("body"))
    if label == CLAIMS_ADMINISTRATOR_LABEL:
        return CLAIMS_ADMINISTRATOR, None, basis
    return REVIEWER, label, basis
