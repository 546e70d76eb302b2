"""Who may read the organization's figures (the permission vocabulary: ``core/rules.py``)."""

import rules

from core.rules import is_administrator, is_qa

# The dashboard, the outcomes and the state's report: administrators and the medical director (clinical QA).
rules.add_rule("operations.view_figures", is_administrator | is_qa)
