"""Who may do what with cases. Which cases a user may see at all is ``cases.permissions.visible_cases`` (404 for the
rest); these rules decide what a user may do with a case they can see (403 otherwise)."""

import rules

from core.rules import is_administrator, is_qa, is_reviewer


@rules.predicate
def is_case_reviewer(user, case) -> bool:
    """The physician the case is assigned to."""
    return case is not None and user.is_authenticated and case.reviewer_id == user.pk


# Intake: new cases, their facts and documents, the lifecycle moves, import and export.
rules.add_rule("cases.edit_intake", is_administrator)
# Assignment: offering, reassigning and the bulk proposal.
rules.add_rule("cases.assign", is_administrator)
# A reviewer's home: the cases offered and assigned to them.
rules.add_rule("cases.view_own_cases", is_reviewer)
# The workspace: only the assigned physician writes a case's determination.
rules.add_rule("cases.write_determination", is_case_reviewer)
# The medical records (document files and the records search): the case's physician, QA and administrators.
# Correspondence staff serve letters from the letter center; they never need the records, so they may not read them.
rules.add_rule("cases.read_records", is_administrator | is_case_reviewer | is_qa)
# Clinical QA returns or approves submitted determinations.
rules.add_rule("cases.review_determination", is_qa)
