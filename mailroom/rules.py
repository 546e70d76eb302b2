"""Who may use the mailroom: administrators upload scanned batches, settle the exceptions queue and print a case's
records cover sheets. The parties get their sheets through the link in the notice of assignment
(``mailroom.views.public_cover_sheets``), which needs no account."""

import rules

from core.rules import is_administrator

rules.add_rule("mailroom.process_scans", is_administrator)
# On a case (the case page's link): the sheets carry the case's tokens, so only those who file records print them.
rules.add_rule("mailroom.print_cover_sheets", is_administrator)
