"""A known set of cases for the operations tests, written as plain data first (``SPECS``), so that a test can count
the expected figures from the data itself, never through the report's code."""

import datetime
import random
from dataclasses import dataclass, field

from django.utils import timezone

from cases.models import Determination, ItemDecision
from core.models import Party
from tests.factories import CaseFactory, DisputedItemFactory, PartyFactory

CATEGORIES = ["Pharmaceuticals", "Therapies", "Surgery", "Diagnostic Testing"]
REASONS = ["Filed late", "Not signed"]
CHAPTERS = ["Chronic Pain Medical Treatment 2016", "Low Back Complaints 2004"]


@dataclass
class Spec:
    received: datetime.date
    status: str
    records: datetime.date | None = None
    decided: datetime.date | None = None
    priority: str = "standard"
    items: list[tuple[str, str]] = field(default_factory=list)  # (category, decision)
    reason: str = ""
    joined: bool = False


def specs(seed: int = 24, count: int = 60) -> list[Spec]:
    """Cases received from 09/01/2026 to 10/31/2026: decided (new and historical), ineligible, withdrawn, terminated,
    open; one joined into another."""
    draw = random.Random(seed)
    result = []
    kinds = ["decided", "decided", "decided", "historical", "ineligible", "withdrawn", "terminated", "open"]
    for _ in range(count):
        received = datetime.date(2026, 9, 1) + datetime.timedelta(days=draw.randrange(61))
        kind = draw.choice(kinds)
        spec = Spec(received=received, status=kind, priority=draw.choice(["standard", "standard", "expedited"]))
        if kind in ("decided", "historical"):
            spec.status = "served" if kind == "decided" else "closed"
            spec.records = received + datetime.timedelta(days=draw.randrange(0, 10))
            spec.decided = spec.records + datetime.timedelta(days=draw.randrange(1, 25))
            spec.items = [
                (draw.choice(CATEGORIES), draw.choice(["upheld", "upheld", "overturned"]))
                for _ in range(draw.randrange(1, 4))
            ]
        elif kind == "ineligible":
            spec.reason = draw.choice(REASONS)
        elif kind == "open":
            spec.status = "in_review"
            spec.records = received
        result.append(spec)
    result.append(Spec(received=datetime.date(2026, 10, 2), status="closed", joined=True))
    return result


def make_cases(all_specs: list[Spec], *, reviewer=None, administrators: int = 3):
    """The cases of ``all_specs`` in the database: each decided one with an approved determination."""
    parties = [PartyFactory(kind=Party.Kind.CLAIMS_ADMINISTRATOR) for _ in range(administrators)]
    physicians = [PartyFactory(kind=Party.Kind.PHYSICIAN) for _ in range(4)]
    lead = None
    for index, spec in enumerate(all_specs):
        case = CaseFactory(
            status=spec.status,
            priority=spec.priority,
            application_received=spec.received,
            records_received=spec.records,
            decision_date=spec.decided,
            ineligible_reason=spec.reason,
            reviewer=reviewer if spec.decided else None,
            claims_administrator=parties[index % len(parties)],
            requesting_provider=physicians[index % len(physicians)],
            joined_into=lead if spec.joined else None,
            reviewer_credentials={"licensure": ["California"], "certifications": ["Orthopaedic Surgery"]},
        )
        lead = lead or case
        if not spec.items:
            continue
        determination = Determination.objects.create(
            case=case, version=1, state="approved", author=reviewer, qa_at=timezone.now()
        )
        for position, (category, decision) in enumerate(spec.items):
            item = DisputedItemFactory(case=case, position=position, category=category)
            ItemDecision.objects.create(
                determination=determination,
                item=item,
                decision=decision,
                basis={"mtus": [{"chapter": CHAPTERS[position % 2], "sections": ["A"]}], "non_mtus": []},
            )
    return parties
