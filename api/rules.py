"""Who manages an organization's API keys (its managers: ``parties.Membership.is_manager``) and who reads the API's
interactive documentation (the review organization's staff, every role)."""

import rules

from core.rules import is_administrator, is_correspondence_staff, is_qa, is_reviewer


@rules.predicate
def is_organization_manager(user) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    membership = getattr(user, "party_membership", None)
    return membership is not None and membership.is_manager


rules.add_rule("api.manage_keys", is_organization_manager)
rules.add_rule("api.read_docs", is_administrator | is_reviewer | is_qa | is_correspondence_staff)
