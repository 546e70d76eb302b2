"""Search over the guideline library that finds what reviewers type, fast enough to run as they type.

Any of the words, ranked: not every word needs to occur. What was typed is read as *concepts*: a term of the synonym
table (``guidelines.synonyms``: "naproxen", "tens unit", "Norco"), matched on whole words and expanded to what the
guidelines call it ("NSAIDs"; "hydrocodone/acetaminophen", "opioids"), or a single word, with the words of the library
it is probably a typo of ("naproxin" → "naproxen": trigram similarity on PostgreSQL, difflib elsewhere). A section
scores, per concept, 1 when its name holds the concept (the word or one of its expansions), 0.4 when its chapter or
title does, 0.2 when only its text does; its rank is the sum. A section whose name holds every concept therefore comes
first, then those that hold most.

PostgreSQL: the sections' stored ``search_vector`` (GIN index; the name weighted A, the chapter and title B, the text
C) answers every test, each word either stemmed ("english": "injections" finds "injection") or as the start of a word
("simple" prefix ``word:*``: "phys med" finds "Physical Medicine"). A query with web-search syntax (quotes, OR, -word)
goes to ``websearch_to_tsquery`` as typed (every word then required). Other databases (SQLite in development): the
same scores with a regular expression that matches at the start of a word.

The edition in force: a section whose source (an edition) was in force on ``on`` — the date of the case's UR
decision, today when not given — or on ``review_on`` (the day of the review, today when not given) ranks at full
weight, any other at half; among sections that rank alike, the edition in force on the UR decision date comes first.
So the 2009 chronic pain guidelines come first for a UR decision of 2014 (and the 2016 ones right after them, for a
case reviewed since), only the 2016 ones for a case of 2026, and a UR decision of November 2016 reviewed in December
2016 still finds the 2016 edition that the real letters cite (15 of the 27 letters with a UR decision of November
2016 do; one cites the 2009 edition). ``in_force_only`` leaves out the editions in force on neither date (decision
support, which offers sections to cite in one click). Ties go to the most cited section. Sections named in
``first`` (the section the claims administrator cited) are offered first, whatever was typed.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

from django.contrib.postgres.search import SearchQuery
from django.db import connection
from django.db.models import Case, ExpressionWrapper, F, FloatField, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Lower
from django.utils import timezone

from guidelines import synonyms
from guidelines.models import GuidelineSection, GuidelineSectionVersion
from guidelines.selectors import editions_in_force, in_force_q

MAX_LIMIT = 100
MAX_CONCEPTS = 12
MAX_ALTERNATIVES = 10
NOT_IN_FORCE_WEIGHT = 0.5
SNIPPET_LENGTH = 200
NAME_SCORE, TITLE_SCORE, TEXT_SCORE = 1.0, 0.4, 0.2
_WORD = re.compile(r"[^\W_]+")
STOP_WORDS = frozenset(
    ["a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "in", "is", "of", "on", "or", "the", "to", "with"]
)
# Words of a request that say how much or when, not what: "Naproxen 550 mg #60, 2 times a week for 4 weeks".
_REQUEST_WORDS_TEXT = """
mg mcg ml gm g tab tabs tablet tablets cap caps capsule capsules qty quantity times x per day days daily week
weeks weekly month months monthly year years hour hours one two three four five six seven eight nine ten
twelve left right bilateral unspecified retrospective prospective request requested dos date additional
continue continued trial sessions session units unit each without contrast refill refills supply container
rental purchase prescription oral orally mouth take needed prn bid tid qid qd hs po every hcl er xr sr cr ds
cc percent spine
"""
REQUEST_WORDS = frozenset(_REQUEST_WORDS_TEXT.split())


@dataclass(frozen=True)
class ParsedQuery:
    """What the reviewer typed: whole words, and the last word if it is still being typed."""

    complete: str
    prefix: str

    @property
    def words(self) -> list[str]:
        """The whole words, lower case, without the common ones that every text has."""
        words = (word.lower() for word in _WORD.findall(self.complete))
        return list(dict.fromkeys(word for word in words if word not in STOP_WORDS))

    @property
    def terms(self) -> list[str]:
        return self.words + ([self.prefix] if self.prefix and self.prefix not in self.words else [])

    @property
    def web_syntax(self) -> bool:
        """Quotes, OR or a negated word: the reviewer wants web-search syntax."""
        return bool(re.search(r'"|(?:^|\s)-\w|\sor\s', f" {self.complete.lower()} "))


def parse_query(text: str) -> ParsedQuery:
    """Split off the word being typed: "physical medi" → complete "physical", prefix "medi". A query that ends with a
    space, or whose last word is quoted or negated, is complete."""
    text = " ".join(text.split()) + (" " if text[-1:].isspace() else "")
    match = re.search(r"(\S+)$", text)
    if not match or '"' in match.group(1) or match.group(1).startswith("-"):
        return ParsedQuery(text.strip(), "")
    words = _WORD.findall(match.group(1))
    if not words:
        return ParsedQuery(text.strip(), "")
    complete = (text[: match.start()] + " ".join(words[:-1])).strip()
    return ParsedQuery(complete, words[-1].lower())


@dataclass
class Concept:
    """One thing the reviewer asked for: the words typed, and every phrase that stands for it (the words themselves
    first, then their expansions and corrections)."""

    typed: str
    alternatives: list[str] = field(default_factory=list)
    # The last word, still being typed: matched as the start of a word.
    prefix: bool = False


def concepts(parsed: ParsedQuery, table: synonyms.Table | None = None) -> list[Concept]:
    """The concepts of a query, in the order typed: synonym terms first (the longest that matches at each word),
    then single words with their probable corrections."""
    table = table or synonyms.table()
    words = [word.lower() for word in _WORD.findall(parsed.complete)]
    typed_prefix = bool(parsed.prefix)
    if typed_prefix:
        words.append(parsed.prefix)
    found: list[Concept] = []
    position = 0
    while position < len(words) and len(found) < MAX_CONCEPTS:
        for size in range(min(synonyms.MAX_TERM_WORDS, len(words) - position), 0, -1):
            phrase = " ".join(words[position : position + size])
            if phrase in table.expansions:
                last = position + size == len(words)
                # "naproxen sodium" is also "naproxen", "tens unit" also "tens": the words of the term that are terms.
                parts = [word for word in phrase.split() if size > 1 and word in table.expansions]
                alternatives = list(dict.fromkeys([phrase, *parts, *table.expand(phrase)]))[:MAX_ALTERNATIVES]
                found.append(Concept(phrase, alternatives, prefix=typed_prefix and last))
                position += size
                break
        else:
            word = words[position]
            position += 1
            if word in STOP_WORDS or word in REQUEST_WORDS or word[0].isdigit() or len(word) < 2:
                continue
            alternatives = [word]
            last = typed_prefix and position == len(words)
            # A word still being typed is corrected only once no word of the library starts with it.
            if not last or not any(known.startswith(word) for known in table.vocabulary):
                for correction in synonyms.corrections(word, table.vocabulary):
                    if correction in STOP_WORDS or correction in REQUEST_WORDS:
                        continue
                    alternatives += [correction, *table.expand(correction)]
            found.append(Concept(word, list(dict.fromkeys(alternatives))[:MAX_ALTERNATIVES], prefix=last))
    unique: dict[tuple[str, ...], Concept] = {}
    for concept in found:
        unique.setdefault(tuple(concept.alternatives), concept)
    return list(unique.values())


def _filtered(*, chapter: str | None, body_region: str | None, category: str | None) -> QuerySet[GuidelineSection]:
    sections = GuidelineSection.objects.filter(source__active=True)
    if chapter:
        chapter = chapter.strip()
        by_label = Q(source__key=chapter) | Q(source__chapter__iexact=chapter, source__year__isnull=True)
        label = re.fullmatch(r"(.+) ((?:19|20)\d\d)", chapter)
        if label:
            by_label |= Q(source__chapter__iexact=label.group(1), source__year=int(label.group(2)))
        sections = sections.filter(by_label)
    if body_region:
        sections = sections.filter(body_region__iexact=body_region.strip())
    if category:
        sections = sections.filter(treatment_category__iexact=category.strip())
    return _with_version(sections)


def _with_version(sections: QuerySet) -> QuerySet:
    current_version = GuidelineSectionVersion.objects.filter(
        section=OuterRef("pk"), number=OuterRef("version")
    ).order_by()
    sections = sections.select_related("source").defer("search_vector", "title_vector")
    return sections.annotate(version_id=Subquery(current_version.values("pk")[:1]))


# -- PostgreSQL ----------------------------------------------------------------------------------------------------


def _raw(concept: Concept, weights: str, *, simple: bool) -> str:
    """A concept as a raw tsquery: its alternatives OR-ed, each a phrase of its words, restricted to ``weights``."""
    parts = []
    for index, alternative in enumerate(concept.alternatives):
        tokens = _WORD.findall(alternative.lower())
        if not tokens:
            continue
        # A word as the start of a word (simple only: a stem is no prefix): the typed word, and expansions long enough
        # not to start every other word ("ot" would find "other").
        prefix = simple and len(tokens) == 1 and (len(tokens[0]) >= 3 or (index == 0 and concept.prefix))
        marks = ("*" if prefix else "") + weights
        parts.append(" <-> ".join(f"{token}:{marks}" if marks else token for token in tokens))
    return " | ".join(f"({part})" for part in parts)


def concept_tsquery(concept: Concept, weights: str = "", *, stemmed_only: bool = False) -> SearchQuery:
    """A concept as a tsquery (stemmed, or as typed with prefixes), restricted to ``weights`` (e.g. "A", "AB").
    ``stemmed_only``: for a vector made with the "english" configuration alone."""
    stemmed = SearchQuery(_raw(concept, weights, simple=False), config="english", search_type="raw")
    if stemmed_only:
        return stemmed
    return stemmed | SearchQuery(_raw(concept, weights, simple=True), config="simple", search_type="raw")


def _postgres_search(sections: QuerySet, found: list[Concept], *, in_title_only: bool = False) -> QuerySet:
    """Every section holding any concept, scored; ``in_title_only``: only those holding one in the name or chapter
    (through the small ``title_vector`` and its index: a word that most texts contain then costs little)."""
    any_concept = None
    scores = []
    for concept in found:
        query = concept_tsquery(concept)
        any_concept = query if any_concept is None else any_concept | query
        scores.append(
            Case(
                When(search_vector=concept_tsquery(concept, "A"), then=Value(NAME_SCORE)),
                When(search_vector=concept_tsquery(concept, "AB"), then=Value(TITLE_SCORE)),
                When(search_vector=query, then=Value(TEXT_SCORE)),
                default=Value(0.0),
                output_field=FloatField(),
            )
        )
    matching = (
        sections.filter(title_vector=any_concept) if in_title_only else sections.filter(search_vector=any_concept)
    )
    return matching.annotate(text_rank=sum(scores[1:], scores[0]))


def _postgres_ranked(
    sections: QuerySet, found: list[Concept], limit: int, dates: EditionDates
) -> list[GuidelineSection]:
    """The best ``limit`` sections. A section holding the concepts only in its text scores at most TEXT_SCORE per
    concept: when the sections matching in their name or chapter fill the page above that, the texts need not be
    ranked at all (the usual case as a reviewer types a treatment's name)."""
    if limit <= 0:
        return []
    in_title = list(_ordered(_postgres_search(sections, found, in_title_only=True), dates)[:limit])
    if len(in_title) == limit and in_title[-1].rank > TEXT_SCORE * len(found):
        return in_title
    return list(_ordered(_postgres_search(sections, found), dates)[:limit])


def _postgres_web(sections: QuerySet, parsed: ParsedQuery) -> QuerySet:
    """Web-search syntax, as typed: every word required, -word excluded."""
    query = SearchQuery(parsed.complete, config="english", search_type="websearch")
    if parsed.prefix:
        query &= SearchQuery(f"{parsed.prefix}:*", config="simple", search_type="raw")
    return sections.filter(search_vector=query).annotate(
        text_rank=Case(
            When(title_vector=query, then=Value(NAME_SCORE)), default=Value(TEXT_SCORE), output_field=FloatField()
        )
    )


# -- other databases -----------------------------------------------------------------------------------------------


def concept_pattern(alternative: str, *, prefix: bool) -> str:
    """A phrase as a regular expression matching at the start of a word (the fallback of databases without tsvector)."""
    tokens = _WORD.findall(alternative.lower())
    # "injections" also finds "injection": a plural's stem is close enough for development.
    if tokens and not prefix and len(tokens[-1]) > 3 and tokens[-1].endswith("s"):
        tokens[-1] = tokens[-1][:-1]
    words = r"\W+".join(re.escape(token) for token in tokens)
    return rf"(^|\W){words}" + ("" if prefix or len(tokens[-1]) >= 3 else r"(\W|$)")


def _fallback_q(concept: Concept, fields: tuple[str, ...]) -> Q:
    condition = Q()
    for index, alternative in enumerate(concept.alternatives):
        if not _WORD.search(alternative):
            continue
        pattern = concept_pattern(alternative, prefix=index == 0 and concept.prefix)
        for name in fields:
            condition |= Q(**{f"{name}__iregex": pattern})
    return condition


def _fallback_search(sections: QuerySet, found: list[Concept]) -> QuerySet:
    anywhere = Q()
    scores = []
    for concept in found:
        in_name = _fallback_q(concept, ("name",))
        in_title = _fallback_q(concept, ("source__chapter", "source__title"))
        in_text = _fallback_q(concept, ("recommendation", "body_region", "treatment_category"))
        anywhere |= in_name | in_title | in_text
        scores.append(
            Case(
                When(in_name, then=Value(NAME_SCORE)),
                When(in_title, then=Value(TITLE_SCORE)),
                When(in_text, then=Value(TEXT_SCORE)),
                default=Value(0.0),
                output_field=FloatField(),
            )
        )
    return sections.filter(anywhere).annotate(text_rank=sum(scores[1:], scores[0]))


def _fallback_web(sections: QuerySet, parsed: ParsedQuery) -> QuerySet:
    """Web-search syntax without PostgreSQL: quoted phrases and words must occur, -word must not (OR unsupported)."""
    include: list[str] = []
    exclude: list[str] = []
    for token in re.findall(r'-?"[^"]*"?|\S+', parsed.complete):
        phrase = " ".join(_WORD.findall(token.lower()))
        if phrase and phrase not in STOP_WORDS:
            (exclude if token.startswith("-") else include).append(phrase)
    if parsed.prefix:
        include.append(parsed.prefix)
    fields = ("name", "source__chapter", "source__title", "recommendation", "body_region", "treatment_category")
    for phrase in exclude:
        sections = sections.exclude(_fallback_q(Concept(phrase, [phrase]), fields))
    in_names = Q()
    for phrase in include:
        sections = sections.filter(_fallback_q(Concept(phrase, [phrase], prefix=True), fields))
        in_names &= _fallback_q(Concept(phrase, [phrase], prefix=True), ("name", "source__chapter"))
    if not include:  # only exclusions (or nothing searchable): every remaining section ranks alike
        return sections.annotate(text_rank=Value(TEXT_SCORE, output_field=FloatField()))
    return sections.annotate(
        text_rank=Case(When(in_names, then=Value(NAME_SCORE)), default=Value(TEXT_SCORE), output_field=FloatField())
    )


# -- search --------------------------------------------------------------------------------------------------------


def search_sections(
    query: str,
    *,
    chapter: str | None = None,
    body_region: str | None = None,
    category: str | None = None,
    limit: int = 20,
    first: list[int] | None = None,
    on: datetime.date | None = None,
    review_on: datetime.date | None = None,
    in_force_only: bool = False,
) -> list[GuidelineSection]:
    """Sections of active sources matching ``query``, best first, each with ``rank``, ``version_id`` (the version
    in force, which a citation pins), ``snippet``, ``offered_first`` (True for the sections of ``first``, which
    come before the others whatever the query and the filters) and ``in_force`` (its edition was in force on ``on``,
    today when not given: the date of the UR decision, whose editions are preferred). An empty query lists the most
    cited sections under the filters."""
    limit = max(1, min(int(limit), MAX_LIMIT))
    dates = EditionDates(on or timezone.localdate(), review_on or timezone.localdate())
    offered = _offered_first(first or [])
    sections = _filtered(chapter=chapter, body_region=body_region, category=category).exclude(
        pk__in=[section.pk for section in offered]
    )
    if in_force_only:
        sections = sections.filter(
            Q(source__in=editions_in_force(dates.on)) | Q(source__in=editions_in_force(dates.review_on))
        )
    parsed = parse_query(query or "")
    postgres = connection.vendor == "postgresql"
    found = [] if parsed.web_syntax else concepts(parsed)
    if parsed.web_syntax:
        sections = _postgres_web(sections, parsed) if postgres else _fallback_web(sections, parsed)
    elif found and not postgres:
        sections = _fallback_search(sections, found)
    elif parsed.terms and not found:
        sections = sections.none().annotate(text_rank=Value(0.0, output_field=FloatField()))
    elif not found:
        sections = sections.annotate(text_rank=Value(0.0, output_field=FloatField()))
    wanted = max(0, limit - len(offered))
    if found and postgres and not parsed.web_syntax:
        ranked = _postgres_ranked(sections, found, wanted, dates)
    else:
        ranked = list(_ordered(sections, dates)[:wanted])
    results = offered[:limit] + dates.first_in_force_on_ur_date(ranked)
    terms = [word for concept in found for phrase in concept.alternatives for word in phrase.split()] or parsed.terms
    for section in results:
        section.snippet = snippet(section.recommendation, terms)
        section.offered_first = section in offered
        section.in_force = section.source.in_force(dates.on)
    return results


def _offered_first(ids: list[int]) -> list[GuidelineSection]:
    if not ids:
        return []
    found = {
        section.pk: section
        for section in _with_version(GuidelineSection.objects.filter(pk__in=ids, source__active=True)).annotate(
            rank=Value(0.0, output_field=FloatField())
        )
    }
    return [found[pk] for pk in dict.fromkeys(ids) if pk in found]


@dataclass(frozen=True)
class EditionDates:
    """The dates whose editions a search prefers: ``on`` (the UR decision's) and ``review_on`` (the review's)."""

    on: datetime.date
    review_on: datetime.date

    def in_force(self) -> Q:
        return in_force_q(self.on, "source__") | in_force_q(self.review_on, "source__")

    def weight(self) -> Case:
        # An edition in force on neither date (the 2009 chronic pain guidelines for a case of 2026) ranks below.
        return Case(
            When(self.in_force(), then=Value(1.0)), default=Value(NOT_IN_FORCE_WEIGHT), output_field=FloatField()
        )

    def first_in_force_on_ur_date(self, sections: list[GuidelineSection]) -> list[GuidelineSection]:
        """Among sections that rank alike, those of an edition in force on the UR decision date first (the 2009
        "Physical Medicine" before the 2016 "Physical medicine treatment" for a UR decision of 2014); which sections
        make the page does not change."""
        return sorted(sections, key=lambda section: (-round(section.rank, 6), not section.source.in_force(self.on)))


def _ordered(sections: QuerySet, dates: EditionDates) -> QuerySet:
    sections = sections.annotate(rank=ExpressionWrapper(F("text_rank") * dates.weight(), output_field=FloatField()))
    return sections.order_by("-rank", "-times_cited", "source__evidence_rank", Lower("name"), "pk")


def snippet(text: str, terms: list[str], length: int = SNIPPET_LENGTH) -> str:
    """About ``length`` characters of ``text`` around the first term found (the start of the text if none is)."""
    text = " ".join(text.split())
    if len(text) <= length:
        return text
    lowered = text.lower()
    positions = [position for position in (lowered.find(term) for term in terms) if position >= 0]
    start = max(0, min(positions) - length // 4) if positions else 0
    if start:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < start + 20 else start
    end = start + length
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start + length // 2 else end
    return ("…" if start else "") + text[start:end] + ("…" if end < len(text) else "")


def section_json(section: GuidelineSection, on: datetime.date) -> dict:
    """One result of :func:`search_sections` as the workspace reads it (the search endpoint, the decision support):
    its place in the library, its snippet and rank, and whether its edition was in force on ``on``."""
    source = section.source
    return {
        "id": section.pk,
        "version_id": section.version_id,
        "source_key": source.key,
        "chapter": source.label,
        "family": source.family,
        "name": section.name,
        "pages": section.pages,
        "body_region": section.body_region,
        "treatment_category": section.treatment_category,
        "evidence_level": section.evidence_level,
        "times_cited": section.times_cited,
        "snippet": section.snippet,
        "rank": round(float(section.rank), 4),
        "url": section.get_absolute_url(),
        "offered_first": section.offered_first,
        "edition": source.edition,
        "in_force": source.in_force(on),
        "in_force_note": source.not_in_force_note(on),
    }
