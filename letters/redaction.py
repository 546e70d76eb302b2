"""What the public (redacted) copy of a letter never prints: the names of the case's people, and other personal names.

One rule, used by the public rendition (``letters.rendering``) and by the reviewer's and QA's redaction check
(``letters/templatetags/letter_tags.py``). Three sources of names:

1. **The case's people** (``case_names``): the injured worker, the requesting physician, the adjuster, the attorney
   and the law firm, the employer and the claims administrator. A person's name is split with ``nameparser`` (it
   knows "Lin, Hector", "Hector J. Lin, M.D.", "Dr. Hector Lin", particles such as "de la Cruz") and each part of it
   is redacted wherever it stands capitalized ("Lin", "LIN", never "lin"): so "Dr. Lin", "Lin, MD", "Hector Lin,
   M.D.", "H. Lin" and the last name alone are all found. An organization is redacted by its full name and by its
   name without the legal form and the generic words that follow its distinctive part ("Acme Foods, Inc." → "Acme
   Foods", "Zenith Insurance Company" → "Zenith"). A name of several words is found in any case; a single word only
   capitalized (an employer "Target" leaves "target dose" alone).
2. **Other personal names in free text** (``NAME_PATTERNS``): the capitalized words after "Dr.", "Mr.", "Mrs.",
   "Ms.", "Miss" or "Doctor", and before a clinical credential (MD, M.D., DO, D.O., PA-C, NP, FNP, DC, DPM, PhD,
   PsyD, LAc), unless the word is one of the clinical or common words in ``NOT_NAMES``.
3. **The terms the reviewer or QA added** for the case (``letters.models.RedactionTerm``): redacted wherever they
   appear, in any case — a name the rules cannot find is the only way a leak can happen.

Why nameparser and our own patterns, not presidio-analyzer: presidio finds personal names with a spaCy language
model, which cannot be downloaded here (no model hub at run time); with pattern recognizers only, it would run the
same regular expressions as this module behind a heavy dependency. nameparser is small, pure Python, without data
files, and does the one thing a pattern does badly: splitting a typed name into its parts.

Titles and credentials stay ("Dr. [redacted]", "[redacted], MD"): they do not identify anyone and keep the text
readable. A redacted run of name parts ("Hector J. Lin") becomes one ``[redacted]``.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils.safestring import SafeString, mark_safe
from nameparser import HumanName

from cases.models import Case
from core.services import record_event
from letters.models import RedactionTerm

PLACEHOLDER = "[redacted]"

# A capitalized word as names are written: Lin, LIN, O'Neil, McDonald, Smith-Jones, D'Angelo; a possessive "'s" is
# not part of it ("Ms. Delgado's pain" keeps its "'s": "Ms. [redacted]'s pain").
_NAME_WORD = r"[A-Z][A-Za-z]*(?:['’](?!s\b)[A-Za-z]+)*(?:-[A-Z][A-Za-z]+)*"
_HONORIFIC = r"\b(?:Dr|Mr|Mrs|Ms|Miss|Mx|Doctor)\b\.?"
_CREDENTIAL = r"(?:M\.D\.|MD|D\.O\.|DO|PA-C|NP|FNP(?:-C)?|D\.C\.|DC|DPM|Ph\.D\.|PhD|PsyD|L\.Ac\.|LAc)(?![A-Za-z])"


def _word_set(words: str) -> frozenset[str]:
    return frozenset(words.split())


# Words that read like names after a title or before a credential but are not: clinical words, pronouns, months.
NOT_NAMES = _word_set(
    """
    a an and the of on in at to for with by from or as is was were he she his her they their it its this that
    who whom which patient worker injured employee physician provider doctor treating requesting primary care
    secondary reviewer qualified medical evaluator examiner agreed panel orthopedic orthopaedic surgeon surgery
    neurology neurologist neurosurgeon neurosurgery pain management medicine physical therapy therapist
    chiropractic chiropractor acupuncture acupuncturist psychiatry psychiatrist psychology psychologist internal
    family practice occupational rehabilitation sports spine clinic center hospital group medical health
    services associates report reports note notes visit progress evaluation consultation according per dated
    mri ct emg ncv ncs xray x-ray utilization review ur imr mtus acoem odg ca california claims claim department
    adjuster insurance insurer administrator employer attorney unknown none
    january february march april may june july august september october november december
    monday tuesday wednesday thursday friday saturday sunday
    """
)
# A name part that is also a month or a day ("June", "May") is not redacted alone: it would blank dates (nor one of
# NOT_NAMES: an adjuster typed as "Claims Department" must not blank "Claims"). The full name and the title and
# credential rules still find it.
_MONTHS_AND_DAYS = _word_set(
    "january february march april may june july august september october november december "
    "monday tuesday wednesday thursday friday saturday sunday"
)
# Legal forms and the generic words that follow an organization's distinctive part.
_LEGAL_FORMS = re.compile(
    r"(?:,?\s+(?:Inc|LLC|L\.L\.C|LLP|LP|Ltd|Corp|Corporation|Co|Company|PC|P\.C|APC|PLC|N\.A)\.?)+$", re.I
)
_GENERIC_TAIL = _word_set(
    """
    insurance company companies services service group administrators administrator claims management mutual
    fund casualty indemnity risk solutions holdings enterprises industries corporation of the and & associates
    law offices office firm partners
    """
)
_NOT_DISTINCTIVE = _word_set("state county city california national american united general the law")
_LAW_FIRM_PREFIX = re.compile(r"^(?:the\s+)?law\s+(?:offices?|firm|group)\s+of\s+", re.I)
_CREDENTIAL_ALONE = re.compile(_CREDENTIAL + "$")
_PARTICLES = _word_set("de da del della der di du la le van von bin ibn st st.")
_INITIAL_BEFORE = re.compile(r"(?:\b[A-Z]\.\s*)+$")
_JOINABLE_GAP = re.compile(r"^(?:\s+|\s*,\s*|\s*\.\s*|\s+[A-Z]\.\s+)$")


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    reason: str  # why it is redacted, shown to the reviewer ("requesting physician", "name after a title", ...)


@dataclass(frozen=True)
class CaseName:
    """A name of one of the case's people, and who it is."""

    text: str
    role: str
    organization: bool = False
    law_firm: bool = False  # its name may hold people's names ("Law Offices of Ann Bell", "Smith & Jones")


def _word_pattern(word: str) -> str:
    """``word`` as it stands capitalized in text (Title case or capitals), whole words only."""
    escaped = re.escape(word[0].upper()) + "(?:" + re.escape(word[1:]) + "|" + re.escape(word[1:].upper()) + ")"
    return rf"(?<![\w'’-]){escaped}(?![\w’-]|'(?!s\b))"


def _phrase_pattern(phrase: str) -> str:
    """``phrase`` in any case, whole words, any run of whitespace between its words."""
    words = [re.escape(word) for word in phrase.split()]
    return r"(?<![\w])" + r"\s+".join(words) + r"(?![\w])"


def person_parts(name: str) -> list[str]:
    """The parts of a person's name worth redacting alone (first, middle, last, each part of a compound last name),
    as nameparser splits it; initials and particles are left to the neighbouring parts."""
    parsed = HumanName(name)
    parts = []
    for piece in (parsed.first, parsed.middle, parsed.last, parsed.nickname):
        for word in re.split(r"[\s]+", piece):
            word = word.strip('.,()"')
            if len(word.rstrip(".")) < 2 or word.lower() in _PARTICLES or _CREDENTIAL_ALONE.match(word):
                continue
            parts.append(word)
            if "-" in word:
                parts.extend(part for part in word.split("-") if len(part) >= 2)
    return parts


def person_phrases(name: str) -> list[str]:
    """A person's name as whole phrases, titles and credentials aside: "Hector J. Lin" and a compound last name
    ("de la Cruz")."""
    parsed = HumanName(name)
    whole = " ".join(part for part in (parsed.first, parsed.middle, parsed.last) if part)
    phrases = [whole] if re.search(r"[A-Za-z]{2}", whole) else []  # never a title or a credential alone
    if " " in parsed.last:
        phrases.append(parsed.last)
    return phrases


def organization_names(name: str) -> list[str]:
    """The forms of an organization's name a person types: whole, without its legal form, and its distinctive part
    without the generic words after it ("Zenith Insurance Company" → "Zenith"), unless that part is a generic word."""
    forms = [name.strip()]
    bare = _LEGAL_FORMS.sub("", name.strip()).strip(" ,")
    forms.append(bare)
    words = bare.split()
    while len(words) > 1 and words[-1].lower().strip(",.") in _GENERIC_TAIL:
        words.pop()
    core = " ".join(words).strip(" ,&")
    if core and core.lower() not in _NOT_DISTINCTIVE:
        forms.append(core)
    return [form for form in dict.fromkeys(forms) if len(form) >= 3]


def law_firm_names(name: str) -> tuple[list[str], list[str]]:
    """A law firm's name: (organization forms, person names inside it: "Law Offices of Ann Bell" → "Ann Bell",
    "Smith & Jones, LLP" → "Smith", "Jones")."""
    bare = _LEGAL_FORMS.sub("", _LAW_FIRM_PREFIX.sub("", name.strip())).strip(" ,")
    people = [part.strip() for part in re.split(r"\s*(?:&|,|\band\b)\s*", bare) if part.strip()]
    people = [part for part in people if part.lower() not in _GENERIC_TAIL and part.lower() not in _NOT_DISTINCTIVE]
    return organization_names(name), people


class Redactor:
    """Finds and replaces the names of one case (built once per letter, used for every paragraph)."""

    def __init__(self, names: Iterable[CaseName] = (), terms: Iterable[str] = ()) -> None:
        phrases: list[tuple[str, str]] = []  # (regex, reason): whole names and terms, in any case
        words: list[tuple[str, str]] = []  # (regex, reason): one part of a name, capitalized
        for name in names:
            if not name.text.strip():
                continue
            people = [name.text]
            if name.organization:
                forms, people = law_firm_names(name.text) if name.law_firm else (organization_names(name.text), [])
                words += [(_word_pattern(form), name.role) for form in forms if " " not in form]
                phrases += [(_phrase_pattern(form), name.role) for form in forms if " " in form]
            for person in people:
                phrases += [(_phrase_pattern(phrase), name.role) for phrase in person_phrases(person) if " " in phrase]
                words += [
                    (_word_pattern(part), name.role)
                    for part in person_parts(person)
                    if part.lower().rstrip(".") not in _MONTHS_AND_DAYS | NOT_NAMES
                ]
        phrases += [(_phrase_pattern(term.strip()), "added by hand") for term in terms if term.strip()]
        self._patterns = [(re.compile(regex, re.I), reason) for regex, reason in dict.fromkeys(phrases)]
        self._patterns += [(re.compile(regex), reason) for regex, reason in dict.fromkeys(words)]

    def spans(self, text: str) -> list[Span]:
        """Where ``text`` holds a name, merged: a run of name parts ("Hector J. Lin") is one span."""
        found: list[Span] = []
        for pattern, reason in self._patterns:
            found += [Span(match.start(), match.end(), reason) for match in pattern.finditer(text)]
        found += _pattern_spans(text)
        return _merge(text, found)

    def redact(self, text: str) -> str:
        """``text`` with every name replaced by ``[redacted]``."""
        pieces, position = [], 0
        for span in self.spans(text):
            pieces += [text[position : span.start], PLACEHOLDER]
            position = span.end
        return "".join([*pieces, text[position:]])

    def marked(self, text: str) -> SafeString:
        """``text`` as HTML with every redaction shown as ``<mark>`` (the reviewer's and QA's check)."""
        pieces, position = [], 0
        for span in self.spans(text):
            pieces.append(html.escape(text[position : span.start]))
            pieces.append(
                f'<mark class="redaction" title="Redacted: {html.escape(span.reason)}">'
                f"{html.escape(text[span.start : span.end])}</mark>"
            )
            position = span.end
        pieces.append(html.escape(text[position:]))
        return mark_safe("".join(pieces))  # every piece of text is escaped above


def _name_words(match_text: str) -> bool:
    return all(word.lower().strip(".") not in NOT_NAMES for word in match_text.replace(",", " ").split())


# Other personal names: (pattern whose group "name" is the name, reason).
NAME_PATTERNS = (
    (re.compile(_HONORIFIC + rf"\s+(?P<name>(?:[A-Z]\.\s*)*{_NAME_WORD}(?:\s+{_NAME_WORD})?)"), "name after a title"),
    (
        re.compile(rf"(?P<name>(?:{_NAME_WORD}\s+(?:[A-Z]\.\s+)?)?{_NAME_WORD}),?\s+{_CREDENTIAL}"),
        "name before a credential",
    ),
)


def _pattern_spans(text: str) -> list[Span]:
    spans = []
    for pattern, reason in NAME_PATTERNS:
        for match in pattern.finditer(text):
            name = match.group("name")
            words = name.split()
            # After a title, the second word must itself read like a name ("Dr. Lin reported": "Lin" only).
            while words and not _name_words(words[-1]):
                words.pop()
            while words and not _name_words(words[0]):
                words.pop(0)
            if not words:
                continue
            start = match.start("name") + name.index(words[0])
            end = match.start("name") + name.rindex(words[-1]) + len(words[-1])
            spans.append(Span(start, end, reason))
    return spans


def _merge(text: str, spans: list[Span]) -> list[Span]:
    """Overlapping spans and spans separated only by spaces, a comma or an initial become one; an initial just
    before a span ("H. Lin") joins it."""
    merged: list[Span] = []
    for span in sorted(spans, key=lambda span: (span.start, -span.end)):
        before = _INITIAL_BEFORE.search(text[: span.start])
        if before and (not merged or merged[-1].end <= before.start()):
            span = Span(before.start(), span.end, span.reason)
        if merged and (span.start <= merged[-1].end or _JOINABLE_GAP.match(text[merged[-1].end : span.start])):
            last = merged[-1]
            merged[-1] = Span(last.start, max(last.end, span.end), last.reason)
        else:
            merged.append(span)
    return merged


def case_names(case: Case) -> list[CaseName]:
    """The names of the case's people, each with who it is (worker, physician, adjuster, attorney, law firm,
    employer, claims administrator)."""
    names = [
        CaseName(case.employee_name, "injured worker"),
        CaseName(case.adjuster_name, "adjuster"),
        CaseName(case.attorney_name, "attorney"),
    ]
    parties = (
        (case.requesting_provider, "requesting physician", False, False),
        (case.employee_attorney, "attorney's law firm", True, True),
        (case.employer, "employer", True, False),
        (case.claims_administrator, "claims administrator", True, False),
    )
    for party, role, organization, law_firm in parties:
        if party is not None:
            names.append(CaseName(party.name, role, organization=organization, law_firm=law_firm))
    return [name for name in names if name.text.strip()]


def case_redactor(case: Case) -> Redactor:
    """The redaction rule of one case: its people's names, the name patterns, and the terms added by hand."""
    terms = RedactionTerm.objects.filter(case=case).values_list("text", flat=True)
    return Redactor(case_names(case), terms)


def add_term(case: Case, text: str, *, by) -> RedactionTerm | None:
    """Store one more term the case's public copy never prints (audited); None when the case has it already."""
    try:
        with transaction.atomic():
            term = RedactionTerm.objects.create(case=case, text=text, added_by=by)
    except IntegrityError:
        return None
    record_event(by, "letter.redaction_added", term, case=case.case_number, text=text)
    return term
