"""core.bulk.bulk_insert: what bulk_create writes, by COPY on PostgreSQL, with the keys set on the instances."""

import pytest
from django.db import IntegrityError, connection, transaction

from cases.models import Case, CaseStateCount, DisputedItem
from core.bulk import bulk_insert
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db


def test_bulk_insert_writes_every_field_and_sets_the_keys():
    built = [CaseFactory.build(employer=None, claims_administrator=None, reviewer_credentials={"licensure": ["Ohio"]})]
    built.append(CaseFactory.build(employer=None, claims_administrator=None, status="closed"))

    cases = bulk_insert(built)
    items = bulk_insert(
        [
            DisputedItem(case=cases[0], position=n, description=f"MRI {n}", claims_administrator_basis={"mtus": []})
            for n in range(3)
        ]
    )

    assert all(case.pk for case in cases) and not any(case._state.adding for case in cases)
    saved = Case.objects.get(pk=cases[0].pk)
    assert (saved.case_number, saved.employee_name, saved.reviewer_credentials) == (
        built[0].case_number,
        built[0].employee_name,
        {"licensure": ["Ohio"]},
    )
    assert saved.created_at is not None and saved.updated_at is not None  # auto_now_add / auto_now
    assert list(saved.items.order_by("position").values_list("pk", "description")) == [
        (item.pk, item.description) for item in items
    ]
    # Keys come from the table's sequence: the next case made the usual way follows them.
    assert CaseFactory().pk > max(case.pk for case in cases)
    if connection.vendor == "postgresql":  # the statement-level counting trigger fired for the COPY
        assert dict(CaseStateCount.objects.values_list("status", "count")) == {"received": 2, "closed": 1}


def test_bulk_insert_refuses_a_duplicate_as_django_does():
    first = CaseFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        bulk_insert([CaseFactory.build(case_number=first.case_number, employer=None, claims_administrator=None)])
    assert Case.objects.count() == 1
