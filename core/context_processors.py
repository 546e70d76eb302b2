from django.conf import settings
from django.http import HttpRequest

from core import roles


def portal(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None:
        return {"organization_name": settings.IMR_ORGANIZATION_NAME}
    return {
        "organization_name": settings.IMR_ORGANIZATION_NAME,
        "user_is_administrator": roles.is_administrator(user),
        "user_is_reviewer": roles.is_reviewer(user),
        "user_is_qa": roles.is_qa(user),
        "user_is_staff_member": roles.is_staff_member(user),
        "user_roles": roles.role_names(user) if user.is_authenticated else [],
    }
