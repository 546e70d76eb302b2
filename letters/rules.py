"""Who may do what with letters (the case itself is reached through ``cases.permissions.visible_cases`` first)."""

import rules

from cases.rules import is_case_reviewer
from core.rules import is_administrator, is_correspondence_staff, is_qa

# The letter center: download, ZIP, record service.
rules.add_rule("letters.serve", is_correspondence_staff | is_administrator)
# A corrected letter is a new version, made by clinical QA or an administrator.
rules.add_rule("letters.correct", is_administrator | is_qa)
# Asking for the missing letter of a determined case (the letter task queued again).
rules.add_rule("letters.request", is_correspondence_staff | is_administrator)
# Making a missing letter by hand.
rules.add_rule("letters.generate", is_administrator)
# The unsigned letter preview: the case's reviewer, clinical QA and administrators.
rules.add_rule("letters.preview", is_case_reviewer | is_qa | is_administrator)
# Every version of a case's determination, also another physician's superseded draft after a reassignment; the
# case's reviewer previews only their own versions (and QA's edits of them).
rules.add_rule("letters.preview_any_version", is_qa | is_administrator)
# Adding a term the public copy must redact: whoever checks the public copy before it is signed.
rules.add_rule("letters.redact", is_case_reviewer | is_qa | is_administrator)
