"""Who may manage an organization's webhooks: its managers (``parties.Membership.is_manager``), for their own
organization only. Which endpoints and deliveries are theirs is the views' query (another organization's answers 404,
exactly as one that does not exist)."""

import rules

from parties.visibility import organization_of


@rules.predicate
def is_organization_manager(user) -> bool:
    """A manager of an organization (the one rule of who is a party user: ``parties.visibility.organization_of``)."""
    return organization_of(user) is not None and user.party_membership.is_manager


# The webhook pages: the endpoints, their signing secrets, the deliveries and what each answered; add, change,
# disable, send a test event, try a failed delivery again, give an endpoint a new secret.
rules.add_rule("webhooks.manage", is_organization_manager)
