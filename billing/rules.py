"""Who may see and do what with money: administrators keep the fee schedule, the invoices, the payments and the
reviewers' rates; a reviewer sees their own statement only (another reviewer's is not found, 404)."""

import rules

from core.rules import is_administrator, is_reviewer


@rules.predicate
def is_statement_owner(user, reviewer) -> bool:
    return reviewer is not None and user.pk == reviewer.pk


# The fee schedule page, the invoices, their PDF and CSV, sending, payments, the aging, every reviewer's statement.
rules.add_rule("billing.manage", is_administrator)
# Reaching the statements at all (403 otherwise); which one, by the rule below.
rules.add_rule("billing.statements", is_administrator | is_reviewer)
# One reviewer's statement (404 otherwise: another reviewer's statement is not theirs to know of).
rules.add_rule("billing.view_statement", is_administrator | (is_reviewer & is_statement_owner))
