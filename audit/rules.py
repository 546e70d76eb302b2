"""Who reads the access log (the permission vocabulary: ``core/rules.py``). Nobody edits it."""

import rules

from core.rules import is_administrator

rules.add_rule("audit.view_access_log", is_administrator)
