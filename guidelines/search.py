"""Full-text search over the guideline library, fast enough to run as the reviewer types.

Sections whose name or chapter holds every word come first, then those that hold some of the words only in their
text. PostgreSQL: the sections' stored ``search_vector`` (GIN index) must hold every word typed, either as a stemmed
word ("english": "injections" finds "injection") or as the start of a word ("simple" prefix ``word:*``: "phys med" finds
"Physical Medicine"); the word still being typed is a prefix only. A query with web-search syntax (quotes, OR, -word)
goes to ``websearch_to_tsquery`` as typed. Ranked with ``ts_rank``: the section's name weighs most (A), then its
chapter and title (B), then its text (C).
A chapter whose effective period has ended ranks at half weight.
Other databases (SQLite in development): every word must occur somewhere (LIKE); a word in the name scores 1, in the
chapter or title 0.4, in the text 0.2. Either way, ties go to the most cited section.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.models import Case, ExpressionWrapper, F, FloatField, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce, Lower
from django.utils import timezone

from guidelines.models import GuidelineSection, GuidelineSectionVersion

MAX_LIMIT = 100
SUPERSEDED_WEIGHT = 0.5
SNIPPET_LENGTH = 200
_WORD = re.compile(r"[^\W_]+")
STOP_WORDS = frozenset(
    ["a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "in", "is", "of", "on", "or", "the", "to", "with"]
)


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
    current_version = GuidelineSectionVersion.objects.filter(
        section=OuterRef("pk"), number=OuterRef("version")
    ).order_by()
    sections = sections.select_related("source").defer("search_vector", "title_vector")
    return sections.annotate(version_id=Subquery(current_version.values("pk")[:1]))


def _postgres_query(parsed: ParsedQuery) -> SearchQuery:
    if parsed.web_syntax:
        query = SearchQuery(parsed.complete, config="english", search_type="websearch")
    else:
        query = None
        for word in parsed.words:
            either = SearchQuery(word, config="english") | SearchQuery(f"{word}:*", config="simple", search_type="raw")
            query = either if query is None else query & either
    if parsed.prefix:
        prefix = SearchQuery(f"{parsed.prefix}:*", config="simple", search_type="raw")
        query = prefix if query is None else query & prefix
    return query


def _postgres_tiers(sections: QuerySet, parsed: ParsedQuery) -> list[QuerySet]:
    """Two queries, run in turn until the page is full: sections whose name or chapter holds every word (through the
    small ``title_vector`` and its index, so a word that most texts contain costs little), then the others."""
    query = _postgres_query(parsed)
    rank = SearchRank(F("search_vector"), query)
    in_title = sections.filter(title_vector=query, search_vector=query)
    in_text = sections.filter(search_vector=query).exclude(title_vector=query)
    return [in_title.annotate(text_rank=rank), in_text.annotate(text_rank=rank)]


def _fallback_terms(parsed: ParsedQuery) -> tuple[list[str], list[str]]:
    """Words and quoted phrases that must occur, and those (written -word) that must not. OR is not supported: every
    other word must occur."""
    if not parsed.web_syntax:
        return parsed.terms, []
    include, exclude = [], []
    for token in re.findall(r'-?"[^"]*"?|\S+', parsed.complete):
        negated = token.startswith("-")
        phrase = " ".join(_WORD.findall(token.lower()))
        if not phrase or phrase in STOP_WORDS:
            continue
        (exclude if negated else include).append(phrase)
    if parsed.prefix:
        include.append(parsed.prefix)
    return include, exclude


def _fallback_search(sections: QuerySet, parsed: ParsedQuery) -> QuerySet:
    include, exclude = _fallback_terms(parsed)
    for term in exclude:
        sections = sections.exclude(
            Q(name__icontains=term)
            | Q(source__chapter__icontains=term)
            | Q(source__title__icontains=term)
            | Q(recommendation__icontains=term)
        )
    scores = []
    every_term_in_title = Q()
    for index, term in enumerate(dict.fromkeys(include)):
        in_name = Q(name__icontains=term)
        in_title = Q(source__chapter__icontains=term) | Q(source__title__icontains=term)
        every_term_in_title &= in_name | in_title
        in_text = (
            Q(recommendation__icontains=term) | Q(body_region__icontains=term) | Q(treatment_category__icontains=term)
        )
        sections = sections.filter(in_name | in_title | in_text)
        name = f"_term{index}"
        sections = sections.annotate(
            **{
                name: Case(
                    When(in_name, then=Value(1.0)),
                    When(in_title, then=Value(0.4)),
                    default=Value(0.2),
                    output_field=FloatField(),
                )
            }
        )
        scores.append(F(name))
    rank = sum(scores[1:], scores[0]) if scores else Value(0.0)
    sections = sections.annotate(text_rank=Coalesce(rank, Value(0.0), output_field=FloatField()))
    # The same two tiers as on PostgreSQL, in one query: every word in the name or chapter first.
    return sections.annotate(tier=Case(When(every_term_in_title, then=Value(0)), default=Value(1)))


def search_sections(
    query: str,
    *,
    chapter: str | None = None,
    body_region: str | None = None,
    category: str | None = None,
    limit: int = 20,
) -> list[GuidelineSection]:
    """Sections of active sources matching ``query``, best first, each with ``rank`` and ``version_id`` (the version
    in force, which a citation pins). An empty query lists the most cited sections under the filters."""
    limit = max(1, min(int(limit), MAX_LIMIT))
    sections = _filtered(chapter=chapter, body_region=body_region, category=category)
    parsed = parse_query(query or "")
    if not parsed.terms:
        tiers = [sections.annotate(text_rank=Value(0.0, output_field=FloatField()))]
    elif connection.vendor == "postgresql":
        tiers = _postgres_tiers(sections, parsed)
    else:
        tiers = [_fallback_search(sections, parsed)]
    results: list[GuidelineSection] = []
    for tier in tiers:
        if len(results) >= limit:
            break
        results.extend(_ordered(tier)[: limit - len(results)])
    for section in results:
        section.snippet = snippet(section.recommendation, parsed.terms)
    return results


def _ordered(sections: QuerySet) -> QuerySet:
    # A chapter no longer in force (the 2009 chronic pain guidelines) ranks below the one that replaced it.
    superseded = Q(source__effective_to__lt=timezone.localdate())
    weight = Case(When(superseded, then=Value(SUPERSEDED_WEIGHT)), default=Value(1.0), output_field=FloatField())
    sections = sections.annotate(rank=ExpressionWrapper(F("text_rank") * weight, output_field=FloatField()))
    tier = ["tier"] if "tier" in sections.query.annotations else []
    return sections.order_by(*tier, "-rank", "-times_cited", "source__evidence_rank", Lower("name"), "pk")


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
