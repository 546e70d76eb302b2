"""Search of the precedent library, and the precedents most similar to a disputed item.

The treatment text is read the way the guideline search reads it (``guidelines.search.concepts``: any of the words,
the synonym table, typos), so "Anaprox" finds decisions on naproxen and "TENS unit" those on transcutaneous
electrical nerve stimulation. An item scores, per concept, 1 when its treatment holds it, 0.4 when the guidelines it
cites do, 0.2 when only its rationale does. PostgreSQL: the items' stored ``search_vector`` (GIN index, migration
0002: treatment A, guidelines B, rationale C) and ``ts_headline`` for the passages; other databases: a regular
expression per concept and the passages cut in Python. Either way a passage is escaped first, then marked.

Only precedents are searched (closed historical cases flagged as precedents): a reader never sees another open case.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.contrib.postgres.search import SearchHeadline, SearchQuery
from django.db import connection
from django.db.models import Count, F, Q, QuerySet
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from guidelines import search as guideline_search
from precedents.models import PrecedentCitation, PrecedentItem, PrecedentSearchRow

PAGE_SIZE = 25
LATER_TIERS_COUNTED = 1000
TOP_GUIDELINES = 10
PASSAGES = 3
PASSAGE_WORDS = 30
# What ts_headline puts around a match: characters no rationale holds, replaced by <mark> once the text is escaped.
_START, _STOP = "\x02", "\x03"


def search_rows() -> QuerySet[PrecedentSearchRow]:
    """What search reads, one narrow row per item of a precedent (their primary key is the item's). Only precedents
    have rows, and a precedent is a closed case (``importer.make_precedent`` refuses any other; closed is final)."""
    return PrecedentSearchRow.objects.defer("treatment_vector")


def _items(rows: list[PrecedentSearchRow]) -> list[PrecedentItem]:
    """The items of rows, in their order, with their precedent."""
    found = PrecedentItem.objects.select_related("precedent").defer("search_vector").in_bulk([row.pk for row in rows])
    return [found[row.pk] for row in rows if row.pk in found]


@dataclass
class Filters:
    text: str = ""
    category: str = ""
    guideline: str = ""
    body_region: str = ""
    outcome: str = ""

    @property
    def empty(self) -> bool:
        return not any((self.text.strip(), self.category, self.guideline.strip(), self.body_region, self.outcome))


@dataclass
class GuidelineCount:
    label: str
    upheld: int
    overturned: int

    @property
    def total(self) -> int:
        return self.upheld + self.overturned


@dataclass
class Statistics:
    total: int = 0
    upheld: int = 0
    overturned: int = 0
    guidelines: list[GuidelineCount] = field(default_factory=list)

    @property
    def upheld_percent(self) -> int:
        return round(100 * self.upheld / self.total) if self.total else 0

    @property
    def overturned_percent(self) -> int:
        return round(100 * self.overturned / self.total) if self.total else 0


def _concepts(text: str) -> list[guideline_search.Concept]:
    # The whole text is complete: a search form is submitted, not typed into.
    return guideline_search.concepts(guideline_search.parse_query(text + " "))


def _concept_condition(concept: guideline_search.Concept) -> Q:
    """Rows whose treatment holds the concept (on PostgreSQL its treatment vector, unweighted: the GIN index then
    answers a word exactly, and only a phrase is checked against the row)."""
    if connection.vendor == "postgresql":
        return Q(treatment_vector=guideline_search.concept_tsquery(concept, stemmed_only=True))
    condition = Q(pk__in=[])
    for alternative in concept.alternatives:
        if re.search(r"[^\W_]", alternative):
            condition |= Q(treatment__iregex=guideline_search.concept_pattern(alternative, prefix=False))
    return condition


def _cites(guideline: str) -> Q:
    """The item's reviewer cited a guideline chapter or section holding these words (a trigram index on PostgreSQL,
    migration 0004)."""
    return Q(cited__icontains=guideline.strip())


class Results:
    """The items found, ranked: those whose treatment holds every concept typed, then those holding some; the newest
    first within each (ordered by date only, so that PostgreSQL walks the date index or the GIN index, whichever is
    cheaper, and never scores every match). Sliced and counted as the Paginator needs."""

    def __init__(self, tiers: list[QuerySet[PrecedentSearchRow]]):
        self.tiers = [tier.order_by(F("decision_date").desc(nulls_last=True), "-pk") for tier in tiers]
        self._counts: list[int] | None = None
        # The first tier's size when the caller counted it already (the statistics count the same items).
        self.first_count: int | None = None

    def counts(self) -> list[int]:
        """The size of each tier; the later tiers (items holding only some of the terms) counted up to
        ``LATER_TIERS_COUNTED`` only: past that, nobody reads on, and counting them all is what costs."""
        if self._counts is None:
            self._counts = [
                self.first_count
                if index == 0 and self.first_count is not None
                else tier.count()
                if index == 0
                else tier[:LATER_TIERS_COUNTED].count()
                for index, tier in enumerate(self.tiers)
            ]
        return self._counts

    @property
    def capped(self) -> bool:
        return any(count >= LATER_TIERS_COUNTED for count in self.counts()[1:])

    def count(self) -> int:
        return sum(self.counts())

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, window: slice) -> list[PrecedentItem]:
        start, stop = window.start or 0, window.stop
        found: list[PrecedentItem] = []
        for tier, size in zip(self.tiers, self.counts(), strict=True):
            if stop is not None and stop <= 0:
                break
            if start < size:
                found += _items(list(tier[start : None if stop is None else min(stop, size)]))
            start, stop = max(0, start - size), None if stop is None else stop - size
        return found


def filtered(filters: Filters) -> tuple[Results, QuerySet[PrecedentSearchRow], list[guideline_search.Concept]]:
    """The items matching every filter given (``Results``, best first), the items the statistics count (those
    holding every concept typed: "such requests"; all of them when one concept or none was typed), and the concepts
    of the text. The text is looked for in the treatment (the rationale's passages are shown, not searched: every
    rationale says "lumbar" or "medication")."""
    items = search_rows()
    if filters.category:
        items = items.filter(category=filters.category)
    if filters.body_region:
        items = items.filter(body_region=filters.body_region)
    if filters.outcome:
        items = items.filter(decision=filters.outcome)
    if filters.guideline.strip():
        items = items.filter(_cites(filters.guideline))
    concepts = _concepts(filters.text) if filters.text.strip() else []
    if not concepts:
        return Results([items]), items, concepts
    each = [_concept_condition(concept) for concept in concepts]
    every, some = Q(), Q()
    for condition in each:
        every &= condition
        some |= condition
    best = items.filter(every)
    if len(concepts) == 1:
        return Results([best]), best, concepts
    return Results([best, items.filter(some).exclude(every)]), best, concepts


def statistics(items: QuerySet[PrecedentSearchRow]) -> Statistics:
    """How often the items were upheld and overturned, overall and by the guideline section the reviewer cited
    first (one grouped query on the narrow rows)."""
    by_guideline: dict[str, dict[str, int]] = {}
    for guideline, decision, count in items.order_by().values_list("guideline", "decision").annotate(count=Count("pk")):
        by_guideline.setdefault(guideline, {})[decision] = count
    totals: dict[str, int] = {}
    for decisions in by_guideline.values():
        for decision, count in decisions.items():
            totals[decision] = totals.get(decision, 0) + count
    cited = [(label, decisions) for label, decisions in by_guideline.items() if label]
    ranked = sorted(cited, key=lambda entry: (-sum(entry[1].values()), entry[0]))[:TOP_GUIDELINES]
    return Statistics(
        total=sum(totals.values()),
        upheld=totals.get(PrecedentItem.Decision.UPHELD, 0),
        overturned=totals.get(PrecedentItem.Decision.OVERTURNED, 0),
        guidelines=[
            GuidelineCount(
                label=label,
                upheld=decisions.get(PrecedentItem.Decision.UPHELD, 0),
                overturned=decisions.get(PrecedentItem.Decision.OVERTURNED, 0),
            )
            for label, decisions in ranked
        ],
    )


# -- passages ------------------------------------------------------------------------------------------------------


def _marked(text: str) -> SafeString:
    """Escape first, then mark: the only HTML in a passage is the <mark> put around a match."""
    return mark_safe(escape(text).replace(_START, "<mark>").replace(_STOP, "</mark>"))  # noqa: S308


def _terms(concepts: list[guideline_search.Concept]) -> list[str]:
    return [phrase for concept in concepts for phrase in concept.alternatives if re.search(r"[^\W_]", phrase)]


def _python_passages(text: str, concepts: list[guideline_search.Concept]) -> str:
    """Up to PASSAGES passages of about PASSAGE_WORDS words around the matches, the matches wrapped in markers."""
    terms = _terms(concepts)
    if not terms or not text:
        return " ".join(text.split()[:PASSAGE_WORDS])
    start = r"(^|\W)"
    inner = [guideline_search.concept_pattern(term, prefix=False).removeprefix(start) for term in terms]
    # The whole word is marked: "NSAIDs" for the term "nsaids" (matched by its stem "nsaid").
    pattern = re.compile(start + "((?:" + "|".join(f"(?:{part})" for part in inner) + r")[^\W_]*)", flags=re.IGNORECASE)
    words = text.split()
    hits = [index for index, word in enumerate(words) if pattern.search(" " + word)]
    if not hits:
        return " ".join(words[:PASSAGE_WORDS])
    passages, last_end = [], -1
    for index in hits:
        start = max(0, index - PASSAGE_WORDS // 3)
        if start <= last_end:
            continue
        end = min(len(words), start + PASSAGE_WORDS)
        passages.append(" ".join(words[start:end]))
        last_end = end
        if len(passages) == PASSAGES:
            break
    marked = " … ".join(passages)
    return pattern.sub(lambda match: match.group(1) + _START + match.group(2) + _STOP, marked)


def with_passages(items: list[PrecedentItem], concepts: list[guideline_search.Concept]) -> list[PrecedentItem]:
    """Each item's ``passages``: the matching passages of its rationale, escaped and marked."""
    if not items:
        return items
    if connection.vendor == "postgresql" and concepts:
        query: SearchQuery | None = None
        for concept in concepts:
            part = guideline_search.concept_tsquery(concept)
            query = part if query is None else query | part
        headlines = dict(
            PrecedentItem.objects.filter(pk__in=[item.pk for item in items])
            .annotate(
                headline=SearchHeadline(
                    "rationale",
                    query,
                    config="english",
                    start_sel=_START,
                    stop_sel=_STOP,
                    max_fragments=PASSAGES,
                    max_words=PASSAGE_WORDS,
                    min_words=PASSAGE_WORDS // 2,
                    fragment_delimiter=" … ",
                )
            )
            .values_list("pk", "headline")
        )
        for item in items:
            item.passages = _marked(headlines.get(item.pk, ""))
        return items
    for item in items:
        item.passages = _marked(_python_passages(item.rationale, concepts))
    return items


# -- the workspace -------------------------------------------------------------------------------------------------


def similar(
    description: str,
    *,
    guidelines: list[tuple[str, str]] | None = None,
    category: str = "",
    limit: int = 5,
    exclude_case: str = "",
) -> list[PrecedentItem]:
    """The precedents most like a disputed item, in tiers: every concept of its description in the precedent's
    treatment and a guideline section the claims administrator cited cited in the precedent; every concept; some
    concept, the same kind of treatment and the same guideline; some concept and the same kind; the same guideline.
    The newest first within each."""
    concepts = _concepts(description)
    items = search_rows()
    if exclude_case:
        items = items.exclude(item__precedent__case_number=exclude_case)
    every, some = Q(), Q(pk__in=[])
    for concept in concepts:
        every &= _concept_condition(concept)
        some |= _concept_condition(concept)
    same_kind = Q(category=category) if category else Q()
    same_guideline = Q(pk__in=[])
    if guidelines:
        cited = Q(pk__in=[])
        for chapter, section in guidelines:
            cited |= Q(chapter=chapter, section=section) if section else Q(chapter=chapter)
        same_guideline = Q(pk__in=PrecedentCitation.objects.filter(cited).values("item_id"))
    # In turn, each only when the ones before leave room, the newest first in each (by date only: PostgreSQL then
    # walks the date index or the GIN index, whichever is cheaper, and never scores every match).
    tiers = (
        [every & same_guideline, every, some & same_kind & same_guideline, some & same_kind, same_guideline]
        if concepts
        else [same_guideline]
    )
    found: list[PrecedentSearchRow] = []
    for tier in tiers:
        if len(found) >= limit:
            break
        rows = items.filter(tier).exclude(pk__in=[row.pk for row in found])
        found += rows.order_by(F("decision_date").desc(nulls_last=True), "-pk")[: limit - len(found)]
    return _items(found)


def as_json(item: PrecedentItem) -> dict[str, Any]:
    return {
        "id": item.pk,
        "case_number": item.precedent.case_number,
        "treatment": item.description,
        "outcome": item.decision,
        "outcome_label": item.get_decision_display(),
        "decision_date": item.decision_date.strftime("%m/%d/%Y") if item.decision_date else "",
        "guidelines": item.guidelines,
        "url": item.precedent.get_absolute_url() + f"#item-{item.position}",
    }
