"""Pages print words, not the codes kept behind them (URL names, category and region codes)."""

import re

import pytest
from django.urls import reverse

from precedents.importer import import_paths
from tests import factories
from tests.paths import LETTERS_TEXT

pytestmark = pytest.mark.django_db


def test_who_accessed_a_case_reads_the_pages_in_words_not_their_url_names(admin_client):
    case = factories.CaseFactory()
    admin_client.get(case.get_absolute_url())

    page = admin_client.get(case.get_absolute_url()).content.decode()

    section = page[page.index('id="access-h"') : page.index("</section>", page.index('id="access-h"'))]
    assert "Read · Case page" in section
    assert re.findall(r"\b[a-z]+:[a-z_]+\b", section) == []


def test_the_precedent_search_names_the_treatment_and_body_part_in_words(reviewer, client):
    import_paths([LETTERS_TEXT / f"{number}.txt" for number in ("CM16-0247624", "CM17-0019011")])
    client.force_login(reviewer)

    page = client.get(reverse("precedents:search"), {"q": "naproxen"}).content.decode()

    meta = re.findall(r'<small class="text-muted">([^<]*)</small>', page)
    assert meta != []
    assert [line for line in meta if re.search(r"· [a-z_]+(?: ·|$)", line.strip())] == []
    assert all("Medications" in line for line in meta)
