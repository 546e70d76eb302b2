"""Which models hold case data, decided by a rule rather than a list that drifts: a model holds case data when a path
of foreign keys leads from it to a case (``cases.Case`` itself, an item, a document, a letter, a service's recipient,
...), or when it carries a case's facts without such a key and is named below with the reason.

The admin site records every list, change, history and delete page of such a model in the access log
(``audit.admin_site``); ``tests/security/test_access_log_coverage.py`` walks the admin and the portal and fails on a
page that shows a case's number or its worker's name without writing a row, which catches a model this rule misses.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

from django.apps import apps
from django.db import models

CASE_MODEL = "cases.Case"
# Case data held without a foreign key to the case, and why.
WITHOUT_A_LINK = {
    "core.outboxemail": "notices name the injured worker, the claim number and the treatments in their body",
    "audit.accessevent": "its rows name the cases read, and their paths hold what was searched (names, claims)",
}
# How far a chain of foreign keys is followed (a service's recipient → service → letter → case is three).
MAX_HOPS = 4


@cache
def case_path(model: type[models.Model]) -> str | None:
    """The ORM lookup from ``model`` to its case's fields ("" for a case, "case__", "service__letter__case__", ...),
    or None when no chain of foreign keys leads to a case."""
    case = apps.get_model(CASE_MODEL)
    frontier: list[tuple[type[models.Model], str]] = [(model, "")]
    seen = {model}
    for _ in range(MAX_HOPS + 1):
        following = []
        for current, path in frontier:
            if current is case:
                return path
            for field in current._meta.get_fields():
                target = field.related_model
                if (field.many_to_one or field.one_to_one) and field.concrete and target not in seen:
                    seen.add(target)
                    following.append((target, f"{path}{field.name}__"))
        frontier = following
    return None


def holds_case_data(model: type[models.Model]) -> bool:
    return case_path(model) is not None or model._meta.label_lower in WITHOUT_A_LINK


def case_numbers(model: type[models.Model], items: Iterable) -> dict:
    """The case number of each object (objects or primary keys), by primary key: a case's own, or in one query; ""
    where the model has no path to a case."""
    items = list(items)
    pks = [getattr(item, "pk", item) for item in items]
    path = case_path(model)
    if path is None or not pks:
        return dict.fromkeys(pks, "")
    if path == "" and all(isinstance(item, model) for item in items):
        return {item.pk: item.case_number for item in items}
    return dict(model._default_manager.filter(pk__in=pks).values_list("pk", f"{path}case_number"))
