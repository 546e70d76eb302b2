"""Who may manage an organization's webhooks: its managers (``parties.Membership.is_manager``), for their own
organization only, past the second factor as on every party page (``parties.rules.manages_organization``). Which
endpoints and deliveries are theirs is the views' query (another organization's answers 404, exactly as one that does
not exist)."""

import rules

from parties.rules import manages_organization

# The webhook pages: the endpoints, their signing secrets, the deliveries and what each answered; add, change,
# disable, send a test event, try a failed delivery again, give an endpoint a new secret.
rules.add_rule("webhooks.manage", manages_organization)
