"""Who may read and who may import the precedent library (the permission vocabulary: ``core/rules.py``)."""

import rules

from core.rules import is_administrator, is_qa, is_reviewer

# Precedents are closed, redacted published decisions: reviewers, clinical QA and administrators read them.
rules.add_rule("precedents.read", is_administrator | is_reviewer | is_qa)
rules.add_rule("precedents.import", is_administrator)
