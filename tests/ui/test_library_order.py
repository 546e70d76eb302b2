import json
import re

import pytest
from django.urls import reverse

from guidelines.library_io import LIBRARY_FILE, load_library
from guidelines.models import GuidelineSource
from tests.factories import GuidelineSourceFactory


@pytest.mark.django_db
def test_the_library_lists_its_sources_in_the_order_the_evidence_is_searched_mtus_first(admin_client, admin_user):
    load_library(json.loads(LIBRARY_FILE.read_text(encoding="utf-8")), by=admin_user, note="Seeded")
    # An edit of the MTUS sources moves their rows to the end of PostgreSQL's table: the page may not rely on the
    # order rows happen to be stored in (the model's Meta.ordering is dropped from a query with GROUP BY).
    GuidelineSource.objects.filter(family=GuidelineSource.Family.MTUS).update(url="https://www.dir.ca.gov/dwc/MTUS")
    # A source an editor adds keeps the form's first rank unless changed: the MTUS must still come first.
    GuidelineSourceFactory(key="acoem-new", family="ACOEM", chapter="Cervical and Thoracic Spine Disorders")

    page = admin_client.get(reverse("guidelines:library")).content.decode()

    table = page[page.index('id="source-table"') : page.index("</table>", page.index('id="source-table"'))]
    rows = re.findall(r"<tr>\s*<td>(\d+)</td>\s*<td>([^<]+)</td>", table)
    families = [family for _, family in rows]
    assert families[: families.count("MTUS")] == ["MTUS"] * families.count("MTUS")
    assert families.count("MTUS") == 14
    assert [int(rank) for rank, _ in rows] == sorted(int(rank) for rank, _ in rows)
