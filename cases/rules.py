"""Who may do what with cases. Which cases a user may see at all is ``cases.permissions.visible_cases`` (404 for the
rest); these rules decide what a user may do with a case they can see (403 otherwise).

The rules named for a link (``cases.open_*``, ``cases.change_reviewer``) add the lifecycle state in which the page it
leads to acts; the case page shows a link only when its rule holds (``templates/cases/partials/case_actions.html``
asks them with ``{% test_rule %}``), so no template repeats a role or a state.
"""

import rules

from cases.lifecycle import ASSIGNABLE_STATES, REASSIGNABLE_STATES, WORKSPACE_STATES, Status
from core.rules import is_administrator, is_qa, is_reviewer


@rules.predicate
def is_case_reviewer(user, case) -> bool:
    """The physician the case is assigned to."""
    return case is not None and user.is_authenticated and case.reviewer_id == user.pk


@rules.predicate
def is_offered(user, case) -> bool:
    """Offered to its reviewer, who has not answered yet."""
    return case is not None and case.status == Status.ASSIGNED


@rules.predicate
def is_in_workspace_state(user, case) -> bool:
    return case is not None and case.status in WORKSPACE_STATES


@rules.predicate
def is_waiting_for_qa(user, case) -> bool:
    return case is not None and case.status == Status.QA


@rules.predicate
def reviewer_can_change(user, case) -> bool:
    """Waiting for a reviewer (an offer) or with one (a reassignment)."""
    return case is not None and (case.status in ASSIGNABLE_STATES or case.status in REASSIGNABLE_STATES)


# Intake: new cases, their facts and documents, the lifecycle moves, import and export.
rules.add_rule("cases.edit_intake", is_administrator)
# Assignment: offering, reassigning and the bulk proposal.
rules.add_rule("cases.assign", is_administrator)
rules.add_rule("cases.change_reviewer", is_administrator & reviewer_can_change)
# Answering an offer: the physician it is offered to accepts or declines it; an administrator may decline it for them.
rules.add_rule("cases.answer_offer", is_case_reviewer & is_offered)
rules.add_rule("cases.decline_offer", (is_case_reviewer | is_administrator) & is_offered)
# A reviewer's home: the cases offered and assigned to them.
rules.add_rule("cases.view_own_cases", is_reviewer)
# The workspace: only the assigned physician writes a case's determination; they open it while it is in review or QA.
rules.add_rule("cases.write_determination", is_case_reviewer)
rules.add_rule("cases.open_workspace", is_case_reviewer & is_in_workspace_state)
# Who else reads a case's records without seeing the case itself (its determination, its letters): predicates
# (user, case) that other apps add here, since cases may not import them (``operations``: the second reviewer of a
# quality sample, blinded to the first decision). Only the records' own views ask (``case_view(records_only=True)``).
RECORDS_ONLY_READERS: list = []


@rules.predicate
def reads_records_only(user, case) -> bool:
    return case is not None and user.is_authenticated and any(test(user, case) for test in RECORDS_ONLY_READERS)


# The medical records (document files and the records search): the case's physician, QA and administrators, and the
# records-only readers above. Correspondence staff serve letters from the letter center; they never need the records,
# so they may not read them.
rules.add_rule("cases.read_records", is_administrator | is_case_reviewer | is_qa | reads_records_only)
rules.add_rule("cases.read_records_only", reads_records_only)
# Clinical QA returns or approves submitted determinations; the review page acts on a case waiting for QA.
rules.add_rule("cases.review_determination", is_qa)
rules.add_rule("cases.open_qa_review", is_qa & is_waiting_for_qa)
