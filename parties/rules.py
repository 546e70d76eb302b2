"""Who may do what on the parties' side (the permission vocabulary: ``core/rules.py``).

Which cases and documents an organization's people see is ``parties.visibility`` (404 for the rest); these rules decide
who reaches the party pages at all, who manages an organization's people, and when a case takes documents. Every rule
of the party pages asks for a second factor passed in this session: party users read medical data.
"""

import rules

from accounts.rules import passed_second_factor
from core.rules import is_administrator
from parties.uploads import takes_documents
from parties.visibility import organization_of


@rules.predicate
def is_party_user(user) -> bool:
    """An active user of an organization (``parties.models.Membership``)."""
    return organization_of(user) is not None


@rules.predicate
def is_party_manager(user) -> bool:
    """A party user who invites colleagues and manages the organization's API keys and webhooks."""
    return organization_of(user) is not None and user.party_membership.is_manager


@rules.predicate
def case_takes_documents(user, case) -> bool:
    return case is not None and takes_documents(case)


# The staff side: organizations, their people and invitations.
rules.add_rule("parties.manage_organizations", is_administrator)
# The party pages: "Our cases", a case's page, its letters.
rules.add_rule("parties.use_portal", is_party_user & passed_second_factor)
# Sending documents to a case of the organization, while the case is open.
rules.add_rule("parties.send_documents", is_party_user & passed_second_factor & case_takes_documents)
# An organization's manager past the second factor: the one rule of the managers' pages (its people here, its API
# keys in ``api.rules``, its webhooks in ``webhooks.rules``).
manages_organization = is_party_manager & passed_second_factor

# Inviting colleagues and deactivating them.
rules.add_rule("parties.manage_people", manages_organization)
