"""Demo data of this area for ``manage.py seed_demo``: the signed letters of two determined demo cases, one of them
served, so that the correspondence staff's letter center has work in it.

Runs after ``devtools.demo.cases.seed``. The letters are made by the real service (rendered, signed with the development
certificate in-process, registered), exactly as the letter task makes them after a QA approval.

Idempotent: ``generate_rendition`` returns the signed letter a case already has, and the service is recorded only on a
letter that has none.
"""

from __future__ import annotations

from django.utils import timezone

from cases.lifecycle import Status
from cases.models import Case
from devtools.demo.cases import DEMO_CLAIM_PREFIX
from letters import services
from letters.models import Rendition, Service
from letters.rendering import addressees, served_at

# The determined demo cases whose letters are signed: reviewer2's (signed, waiting to be served) and reviewer1's
# (served by mail today).
SIGNED_CASES = ("0020", "0011")
SERVED_CASE = "0011"


def _deliveries(case: Case) -> list[services.Delivery]:
    """The letter's own addressees (``rendering.addressees``), each served by mail."""
    return [
        services.Delivery(
            key=row["key"],
            role=row["role"],
            name=row["name"],
            address=served_at(row, Service.Method.MAIL)[0],
            method=Service.Method.MAIL,
        )
        for row in addressees(case)
    ]


def seed(*, users: dict, log) -> None:
    signed = served = 0
    for key in SIGNED_CASES:
        case = (
            Case.objects.select_related("claims_administrator", "requesting_provider", "employee_attorney")
            .filter(claim_number=f"{DEMO_CLAIM_PREFIX}{key}")
            .first()
        )
        if case is None or case.status not in (Status.DETERMINED, Status.LETTER_SIGNED, Status.SERVED):
            log(f"Letters: demo case {DEMO_CLAIM_PREFIX}{key} is missing or not determined; no letter made")
            continue
        letters = services.generate_letters(case)  # returns the signed letters when they exist already
        signed += len(letters)
        if key != SERVED_CASE:
            continue
        parties = next(letter for letter in letters if letter.rendition == Rendition.PARTIES)
        if not parties.services.exists():
            services.record_service(
                parties,
                by=users["staff"],
                served_on=timezone.localdate(),
                deliveries=_deliveries(case),
                note="Served by first-class mail with the proof of service.",
            )
        served += 1
    log(f"Letters: {signed} signed letters on {len(SIGNED_CASES)} demo cases, {served} served")
