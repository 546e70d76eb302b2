from django.conf import settings
from django.http import HttpRequest

from core import roles


def portal(request: HttpRequest) -> dict:
    """The organization's name and the user's role names (shown in the menu). What a user may do is not handed to
    templates as role flags: they ask the rules (``{% test_rule %}``)."""
    user = getattr(request, "user", None)
    if user is None:
        return {"organization_name": settings.IMR_ORGANIZATION_NAME}
    return {
        "organization_name": settings.IMR_ORGANIZATION_NAME,
        "user_roles": roles.role_names(user) if user.is_authenticated else [],
    }
