"""The synonym table as search reads it, and its edits (each audited).

A term is matched on whole words, case-insensitively, whatever punctuation the reviewer typed: "Hydrocodone/APAP",
"hydrocodone apap" and "HYDROCODONE-APAP" are one term. Expansions are expanded in turn (Norco →
hydrocodone/acetaminophen → hydrocodone, opioids), at most ``MAX_DEPTH`` steps, cycles ignored.

The table is read once per process and again whenever it or the library changes (``_signature``, checked on each
search: three small queries), so an administrator's edit is used by the next search of every worker.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Count, Max

from core.services import record_event
from guidelines.models import GuidelineSection, GuidelineSectionVersion, GuidelineSource, Synonym

MAX_DEPTH = 3
MAX_TERM_WORDS = 4
_WORD = re.compile(r"[^\W_]+")


def normalize(text: str) -> str:
    """A term or a phrase as search compares it: lower-case words separated by one space."""
    return " ".join(_WORD.findall(text.lower()))


@dataclass(frozen=True)
class Table:
    expansions: dict[str, tuple[str, ...]]
    # Every word a section name, a chapter or the synonym table holds: a typed word outside it may be a typo.
    vocabulary: frozenset[str]

    def expand(self, phrase: str) -> list[str]:
        """The phrase's expansions, transitively, nearest first (not the phrase itself)."""
        found: dict[str, None] = {}
        frontier = [normalize(phrase)]
        seen = set(frontier)
        for _ in range(MAX_DEPTH):
            following = []
            for current in frontier:
                for expansion in self.expansions.get(current, ()):
                    if expansion not in seen:
                        seen.add(expansion)
                        found[expansion] = None
                        following.append(expansion)
            frontier = following
        return list(found)


_cache: dict[str, Any] = {"signature": None, "table": None}
# The library's signature and table a block of work holds (``pinned``): read once for it, not once a search.
_pinned: ContextVar[tuple[tuple, Table] | None] = ContextVar("pinned_synonym_table", default=None)


def _signature() -> tuple:
    """Cheap to read (small tables, and the newest version by its primary key): every edit or new section of the
    library makes a new version, every change of the table a new ``updated_at``."""
    synonyms = Synonym.objects.aggregate(count=Count("pk"), latest=Max("updated_at"))
    sources = GuidelineSource.objects.aggregate(count=Count("pk"), latest=Max("updated_at"))
    versions = GuidelineSectionVersion.objects.aggregate(latest=Max("pk"))
    return (
        connection.settings_dict.get("NAME"),
        synonyms["count"],
        synonyms["latest"],
        sources["count"],
        sources["latest"],
        versions["latest"],
    )


@contextmanager
def pinned() -> Iterator[Table]:
    """Within the block, ``table()`` and ``signature()`` are as of its start: a request that searches for many items
    at once (the workspace's decision support) reads the library's signature once, not three queries a search."""
    token = _pinned.set(_current())
    try:
        yield table()
    finally:
        _pinned.reset(token)


def table() -> Table:
    """The synonym table and the library's vocabulary, as of now (as of the block's start inside ``pinned()``)."""
    return _current()[1]


def signature() -> tuple:
    """What changes whenever the synonym table or the library does (as of the block's start inside ``pinned()``): a
    key for what is computed from them."""
    return _current()[0]


def _current() -> tuple[tuple, Table]:
    held = _pinned.get()
    if held is not None:
        return held
    key = _signature()
    if _cache["signature"] != key:
        expansions: dict[str, tuple[str, ...]] = {}
        for term, text in Synonym.objects.values_list("term", "expansions"):
            expansions[normalize(term)] = tuple(
                dict.fromkeys(normalize(line) for line in text.splitlines() if normalize(line))
            )
        words: set[str] = set()
        for text in GuidelineSection.objects.filter(source__active=True).values_list("name", flat=True).distinct():
            words.update(_WORD.findall(text.lower()))
        for text in GuidelineSource.objects.filter(active=True).values_list("chapter", flat=True):
            words.update(_WORD.findall(text.lower()))
        for term, values in expansions.items():
            words.update(term.split())
            for value in values:
                words.update(value.split())
        _cache["table"] = Table(expansions=expansions, vocabulary=frozenset(words))
        _cache["signature"] = key
    return key, _cache["table"]


def corrections(word: str, vocabulary: frozenset[str], *, limit: int = 2) -> list[str]:
    """The words of the vocabulary that ``word`` is probably a typo of (trigram similarity on PostgreSQL, difflib's
    ratio elsewhere); [] for a word of the vocabulary, a short word or one with digits."""
    if word in vocabulary or len(word) < 4 or not word.isalpha():
        return []
    candidates = sorted(candidate for candidate in vocabulary if len(candidate) >= 4 and candidate.isalpha())
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT candidate FROM unnest(%s::text[]) AS candidate WHERE similarity(candidate, %s) >= 0.4 "
                "ORDER BY similarity(candidate, %s) DESC, candidate LIMIT %s",
                [candidates, word, word, limit],
            )
            return [row[0] for row in cursor.fetchall()]
    return difflib.get_close_matches(word, candidates, n=limit, cutoff=0.8)


# -- edits (administrators) ----------------------------------------------------------------------------------------


def _clean(term: str, expansions: str) -> tuple[str, str]:
    term = " ".join(term.lower().split())
    lines = list(dict.fromkeys(" ".join(line.split()) for line in expansions.splitlines() if line.strip()))
    errors = {}
    if not normalize(term):
        errors["term"] = "Type the word or abbreviation reviewers use, e.g. naproxen."
    elif len(normalize(term).split()) > MAX_TERM_WORDS:
        errors["term"] = f"A term has at most {MAX_TERM_WORDS} words."
    if not lines:
        errors["expansions"] = "Give at least one expansion, one per line, e.g. NSAIDs."
    elif normalize(term) in {normalize(line) for line in lines}:
        errors["expansions"] = "A term cannot expand to itself."
    if errors:
        raise ValidationError(errors)
    return term, "\n".join(lines)


@transaction.atomic
def save_synonym(synonym: Synonym, *, by, term: str, expansions: str, note: str = "") -> Synonym:
    """Create or change a synonym (validated: a term, at least one expansion); audited with before and after."""
    term, expansions = _clean(term, expansions)
    clash = Synonym.objects.filter(term=term).exclude(pk=synonym.pk).first()
    if clash is not None:
        raise ValidationError({"term": f"“{term}” is already in the table: change that entry instead."})
    before = {"term": synonym.term, "expansions": synonym.expansions} if synonym.pk else None
    synonym.term, synonym.expansions, synonym.note = term, expansions, note.strip()[:200]
    synonym.updated_by = by if by is not None and by.is_authenticated else None
    synonym.save()
    record_event(
        by,
        "guidelines.synonym_changed" if before else "guidelines.synonym_created",
        synonym,
        before=before,
        after={"term": term, "expansions": expansions},
    )
    return synonym


@transaction.atomic
def delete_synonym(synonym: Synonym, *, by) -> None:
    record_event(
        by, "guidelines.synonym_deleted", synonym, before={"term": synonym.term, "expansions": synonym.expansions}
    )
    synonym.delete()
