"""The parties' events: what happens to a case that an organization outside the review organization (a claims
administrator, a law firm, a provider group, a physician) may want to hear of at once, by webhook.

``case_event`` is sent with ``case`` (the case) and ``event`` (one of ``EVENTS``) inside the transaction of the change
itself, one line at the place of the change:

- ``case.assigned``: a reviewer accepted the case, attesting to no conflict (``services.assignment.accept_case``): the
  case is with a reviewer and in review. An offer is not an assignment for the parties: a reviewer may decline it.
- ``records.requested``: the records were requested from the claims administrator (``services.intake``).
- ``records.overdue``: the records are past their due date, at the statutory clock's chase (``services.reminders``).
- ``determination.issued``: the determination letter is signed, both renditions (``letters.services.generation``).

The cases app knows nothing of who listens. The webhooks app connects its receiver when it starts
(``webhooks/apps.py``) and writes its outbox rows in the same transaction, so an event is never sent for a change
that rolled back, nor lost for one that committed. The precedents app listens to ``case.assigned`` too
(``precedents/apps.py``): it prepares the reviewer's decision support once the acceptance commits.
"""

from django.dispatch import Signal

CASE_ASSIGNED = "case.assigned"
RECORDS_REQUESTED = "records.requested"
RECORDS_OVERDUE = "records.overdue"
DETERMINATION_ISSUED = "determination.issued"
EVENTS = (CASE_ASSIGNED, RECORDS_REQUESTED, RECORDS_OVERDUE, DETERMINATION_ISSUED)

case_event = Signal()
