"""Who may keep the reviewer roster and who keeps their own profile."""

import rules

from core.rules import is_administrator, is_reviewer

rules.add_rule("reviewers.manage_roster", is_administrator)
rules.add_rule("reviewers.edit_own_profile", is_reviewer)
