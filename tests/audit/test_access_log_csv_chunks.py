"""The CSV export reads the log a chunk at a time, each chunk starting after the last row of the one before (issue 25:
a cursor over the whole log made PostgreSQL read all of it before the first byte). Rows of the same instant straddling
a chunk's edge are neither lost nor repeated."""

import datetime

import pytest
from django.utils import timezone

from audit.models import AccessEvent
from audit.views import _keyset, filter_events

pytestmark = pytest.mark.django_db


def test_the_chunks_hold_every_row_once_newest_first_across_equal_instants():
    moment = timezone.now().replace(microsecond=0)
    times = [moment] * 4 + [moment - datetime.timedelta(seconds=1)] * 3 + [moment - datetime.timedelta(days=2)]
    AccessEvent.objects.bulk_create(
        AccessEvent(at=at, kind="read", action="cases:detail", object_type="case", object_id=str(number))
        for number, at in enumerate(times)
    )
    expected = list(filter_events({}).values_list("object_id", flat=True))

    chunked = [row[5] for row in _keyset(filter_events({}), chunk=3)]

    assert chunked == expected
    assert sorted(chunked, key=int) == [str(number) for number in range(8)]
