"""Demo data for ``manage.py seed_demo``: the real published decisions that ``devtools.demo.cases`` loaded as
closed historical cases become the precedent library. Idempotent: a case already flagged is left alone."""

import json

from cases.lifecycle import Status
from cases.models import Case
from devtools.demo.cases import PUBLISHED_CASES
from precedents.importer import make_precedent


def seed(*, users: dict, log) -> None:
    document = json.loads(PUBLISHED_CASES.read_text(encoding="utf-8"))
    by_number = {case["case_number"]: case for case in document["cases"]}
    cases = Case.objects.filter(case_number__in=list(by_number), status=Status.CLOSED, precedent__isnull=True)
    made = 0
    for case in cases:
        make_precedent(case, by_number[case.case_number], source_name=PUBLISHED_CASES.name, by=users.get("admin"))
        made += 1
    log(f"Precedent library: {made} published decisions added, {len(by_number) - made} already there")
