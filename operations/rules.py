"""Who may read the organization's figures (the permission vocabulary: ``core/rules.py``)."""

import rules

from core.rules import is_administrator, is_qa, is_reviewer

# The dashboard, the outcomes and the state's report: administrators and the medical director (clinical QA).
rules.add_rule("operations.view_figures", is_administrator | is_qa)
# The quality program's sampling rate and draw: the medical director (clinical QA) and administrators.
rules.add_rule("operations.manage_quality", is_administrator | is_qa)
# A reviewer's own blinded second reviews (each page checks the review is theirs, 404 otherwise).
rules.add_rule("operations.second_review", is_reviewer)
