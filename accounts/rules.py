"""Who may manage log-in security (the permission vocabulary: ``core/rules.py``)."""

import rules

from accounts import security
from core.rules import is_administrator


@rules.predicate
def passed_second_factor(user) -> bool:
    """The user has a second factor and passed it in this session."""
    return security.has_second_factor(user) and user.is_verified()


# New recovery codes or removing the factor: only from a session that passed it.
rules.add_rule("accounts.manage_second_factor", passed_second_factor)
# Unlocking log-ins that django-axes locked.
rules.add_rule("accounts.unlock_logins", is_administrator)
