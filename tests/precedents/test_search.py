"""The precedent search's ranking: the items whose treatment holds every term first, then those holding some, the
newest first within each; pages that run across the two."""

import pytest

from precedents import search
from precedents.importer import import_paths
from tests.paths import LETTERS_TEXT

pytestmark = pytest.mark.django_db


@pytest.fixture
def library():
    names = ("CM16-0247624", "CM17-0019011", "CM16-0213037", "CM16-0221706", "CM16-0224814", "CM17-0017776")
    assert {report.status for report in import_paths([LETTERS_TEXT / f"{name}.txt" for name in names])} == {"imported"}


def test_items_holding_every_term_come_before_those_holding_some(library):
    results, counted, concepts = search.filtered(search.Filters(text="naproxen 550"))
    assert [concept.typed for concept in concepts] == ["naproxen"]

    results, counted, concepts = search.filtered(search.Filters(text="MRI cervical"))
    rows = results[0 : results.count()]
    every = [row for row in rows if "MRI" in row.description and "cervical" in row.description.lower()]

    assert rows[: len(every)] == every
    assert len(every) == counted.count() >= 1
    assert results.count() > len(every)
    assert [row.decision_date for row in every] == sorted((row.decision_date for row in every), reverse=True)


def test_a_page_can_start_in_the_first_tier_and_end_in_the_second(library):
    results, counted, _ = search.filtered(search.Filters(text="MRI cervical"))
    everything = results[0 : results.count()]
    first = counted.count()

    assert results[first - 1 : first + 1] == everything[first - 1 : first + 1]
    assert results[first:] == everything[first:]
    assert len(results) == len(everything)


def test_the_statistics_count_upheld_and_overturned_and_the_guidelines_cited(library):
    _, counted, _ = search.filtered(search.Filters(text="naproxen"))

    statistics = search.statistics(counted)

    assert (statistics.total, statistics.upheld, statistics.overturned) == (2, 0, 2)
    assert (statistics.upheld_percent, statistics.overturned_percent) == (0, 100)
    assert [(row.label, row.total) for row in statistics.guidelines][0] == (
        "Chronic Pain Medical Treatment 2016 — NSAIDs (non-steroidal anti-inflammatory drugs)",
        1,
    )
