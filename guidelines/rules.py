"""Who may read and who may change the guideline library."""

import rules

from core.rules import is_administrator, is_qa, is_reviewer

rules.add_rule("guidelines.browse_library", is_administrator | is_reviewer | is_qa)
rules.add_rule("guidelines.edit_library", is_administrator)
