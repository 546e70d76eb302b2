"""The case lifecycle: states and the moves allowed between them, in one place."""

from django.db import models


class Status(models.TextChoices):
    RECEIVED = "received", "Received"
    ELIGIBLE = "eligible", "Eligible"
    INELIGIBLE = "ineligible", "Ineligible"
    RECORDS_REQUESTED = "records_requested", "Records requested"
    RECORDS_RECEIVED = "records_received", "Records received"
    ASSIGNED = "assigned", "Assigned (offered to reviewer)"
    IN_REVIEW = "in_review", "In review"
    QA = "qa", "In QA"
    DETERMINED = "determined", "Determined"
    LETTER_SIGNED = "letter_signed", "Letter signed"
    SERVED = "served", "Served"
    WITHDRAWN = "withdrawn", "Withdrawn"
    TERMINATED = "terminated", "Terminated (treatment authorized)"
    CLOSED = "closed", "Closed (historical)"


# The states a case can be withdrawn or terminated from: anything not yet decided.
_OPEN_BEFORE_DECISION = (
    Status.RECEIVED,
    Status.ELIGIBLE,
    Status.RECORDS_REQUESTED,
    Status.RECORDS_RECEIVED,
    Status.ASSIGNED,
    Status.IN_REVIEW,
    Status.QA,
)

TRANSITIONS: dict[str, tuple[str, ...]] = {
    # Closed from intake = joined into another case's determination (9792.10.4(a), cases.services.intake.join_case).
    Status.RECEIVED: (Status.ELIGIBLE, Status.INELIGIBLE, Status.WITHDRAWN, Status.CLOSED),
    Status.ELIGIBLE: (
        Status.RECORDS_REQUESTED,
        Status.RECORDS_RECEIVED,
        Status.ASSIGNED,
        Status.WITHDRAWN,
        Status.TERMINATED,
        Status.CLOSED,
    ),
    Status.RECORDS_REQUESTED: (
        Status.RECORDS_RECEIVED,
        Status.ASSIGNED,
        Status.WITHDRAWN,
        Status.TERMINATED,
        Status.CLOSED,
    ),
    Status.RECORDS_RECEIVED: (Status.ASSIGNED, Status.WITHDRAWN, Status.TERMINATED, Status.CLOSED),
    # An offered case is accepted (in review) or declined (back to the queue).
    Status.ASSIGNED: (
        Status.IN_REVIEW,
        # A declined offer puts the case back in the queue, in the state it was offered from.
        Status.ELIGIBLE,
        Status.RECORDS_REQUESTED,
        Status.RECORDS_RECEIVED,
        Status.ASSIGNED,
        Status.WITHDRAWN,
        Status.TERMINATED,
    ),
    Status.IN_REVIEW: (Status.QA, Status.ASSIGNED, Status.WITHDRAWN, Status.TERMINATED),
    # QA approves (determined) or returns the determination to the reviewer (in review).
    Status.QA: (Status.DETERMINED, Status.IN_REVIEW, Status.WITHDRAWN, Status.TERMINATED),
    Status.DETERMINED: (Status.LETTER_SIGNED,),
    # A correction signs a new version of the letter: the case stays signed.
    Status.LETTER_SIGNED: (Status.SERVED, Status.LETTER_SIGNED),
    # Records received: a determination rescinded on appeal is reviewed anew by a different reviewer (LC 4610.6(i)).
    Status.SERVED: (Status.LETTER_SIGNED, Status.RECORDS_RECEIVED),
    Status.INELIGIBLE: (),
    Status.WITHDRAWN: (),
    Status.TERMINATED: (),
    Status.CLOSED: (),
}

FINAL_STATES = frozenset({Status.INELIGIBLE, Status.WITHDRAWN, Status.TERMINATED, Status.CLOSED})
DECIDED_STATES = frozenset({Status.DETERMINED, Status.LETTER_SIGNED, Status.SERVED, Status.CLOSED})
# States in which the statutory clock is running against the organization.
CLOCK_RUNNING_STATES = frozenset(_OPEN_BEFORE_DECISION) - {Status.RECEIVED}
# States waiting for a reviewer to be assigned: the assignment queue.
ASSIGNABLE_STATES = frozenset({Status.ELIGIBLE, Status.RECORDS_REQUESTED, Status.RECORDS_RECEIVED})
# States whose reviewer can be changed: an offer not yet answered, or a review under way.
REASSIGNABLE_STATES = frozenset({Status.ASSIGNED, Status.IN_REVIEW})
# States in which the reviewer's workspace is open to them: writing, or waiting for QA (read-only).
WORKSPACE_STATES = frozenset({Status.IN_REVIEW, Status.QA})


def can_move(source: str, target: str) -> bool:
    return target in TRANSITIONS.get(source, ())
