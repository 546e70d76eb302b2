"""How a view enforces a permission: one decorator, one check, both on the rules of ``core/rules.py`` and the apps'
``rules.py``.

``rules.test_rule`` is used rather than ``user.has_perm``: Django's ``has_perm`` lets an active superuser through every
permission, which would let a superuser write another physician's determination. Superusers count as administrators
(``core.roles``), nothing more.
"""

from collections.abc import Callable
from functools import wraps

import rules
from django.core.exceptions import PermissionDenied


def allowed(user, permission: str, obj=None) -> bool:
    return rules.test_rule(permission, user, obj)


def check_permission(user, permission: str, obj=None) -> None:
    """Raise ``PermissionDenied`` (403) unless ``user`` holds ``permission`` (on ``obj``, when given)."""
    if not allowed(user, permission, obj):
        raise PermissionDenied


def permission_required(permission: str) -> Callable:
    """View decorator: the user must hold ``permission`` (a rule on the user alone) before the view runs."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            check_permission(request.user, permission)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
