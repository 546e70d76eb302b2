"""The arrangements of the billing tests: a month of ended cases for one claims administrator, made with the shared
factories; the dates the lifecycle would have written are set on the rows (a withdrawal's transition is dated the day
it happened, not today)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from cases.models import Case, CaseTransition
from core.models import Party
from tests.factories import CaseFactory, PartyFactory, determined_case

NOVEMBER = datetime.date(2026, 11, 1)


def at(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10, 0)))


def ended_case(status: str, on: datetime.date, *, went_to_reviewer_on: datetime.date | None = None, **fields) -> Case:
    """A case withdrawn, terminated or found ineligible on ``on``; offered to a reviewer first if
    ``went_to_reviewer_on`` is given. Its timeline says so, as the lifecycle would have written it."""
    case = CaseFactory(status=status, **fields)
    if went_to_reviewer_on is not None:
        CaseTransition.objects.create(
            case=case, from_status="records_received", to_status="assigned", at=at(went_to_reviewer_on)
        )
    CaseTransition.objects.create(case=case, from_status="eligible", to_status=status, at=at(on))
    return case


def decided_on(case: Case, day: datetime.date) -> Case:
    """A determined case (``determined_case`` decides on 11/10/2026) decided on another day."""
    case.decision_date = day
    case.save(update_fields=["decision_date"])
    return case


@pytest.fixture
def acme(db) -> Party:
    return PartyFactory(kind=Party.Kind.CLAIMS_ADMINISTRATOR, name="Acme Claims Services")


@pytest.fixture
def november_cases(acme, reviewer):
    """Acme's cases that ended in November 2026, and others that must not be on its November invoice."""
    other = PartyFactory(kind=Party.Kind.CLAIMS_ADMINISTRATOR, name="Other Claims")
    billed = {
        "standard": determined_case(reviewer=reviewer, claims_administrator=acme),
        "expedited": determined_case(reviewer=reviewer, claims_administrator=acme, priority="expedited"),
        "formulary": determined_case(reviewer=reviewer, claims_administrator=acme, track_override="formulary"),
        "standard_2014": determined_case(
            reviewer=reviewer, claims_administrator=acme, application_received=datetime.date(2014, 5, 2)
        ),
        "expedited_2014": determined_case(
            reviewer=reviewer,
            claims_administrator=acme,
            priority="expedited",
            application_received=datetime.date(2014, 6, 2),
        ),
        "formulary_2014": determined_case(
            reviewer=reviewer,
            claims_administrator=acme,
            track_override="formulary",
            application_received=datetime.date(2014, 7, 1),
        ),
        "withdrawn_before": ended_case("withdrawn", datetime.date(2026, 11, 15), claims_administrator=acme),
        "ineligible": ended_case("ineligible", datetime.date(2026, 11, 30), claims_administrator=acme),
        "terminated_after": ended_case(
            "terminated",
            datetime.date(2026, 11, 20),
            went_to_reviewer_on=datetime.date(2026, 11, 3),
            claims_administrator=acme,
            reviewer=reviewer,
        ),
    }
    not_billed = {
        "other_administrator": determined_case(claims_administrator=other),
        "decided_in_october": decided_on(determined_case(claims_administrator=acme), datetime.date(2026, 10, 30)),
        "withdrawn_in_december": ended_case("withdrawn", datetime.date(2026, 12, 1), claims_administrator=acme),
        "closed": CaseFactory(status="closed", claims_administrator=acme, decision_date=datetime.date(2026, 11, 12)),
        "open": CaseFactory(status="in_review", claims_administrator=acme),
    }
    return billed, not_billed
