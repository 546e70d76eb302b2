"""The portal's roles. A role is a Django group; superusers count as administrators."""

from django.contrib.auth.models import AnonymousUser, User

ADMINISTRATOR = "Administrators"
REVIEWER = "Reviewers"
QA = "Clinical QA"
STAFF = "Correspondence staff"
ALL_ROLES = (ADMINISTRATOR, REVIEWER, QA, STAFF)

AnyUser = User | AnonymousUser


def _group_names(user: AnyUser) -> frozenset[str]:
    if not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_role_names", None)
    if cached is None:
        # groups.all() uses a prefetch_related("groups") cache when the caller made one.
        cached = frozenset(group.name for group in user.groups.all())
        vars(user)["_role_names"] = cached  # kept on the user object for the rest of the request
    return cached


def is_administrator(user: AnyUser) -> bool:
    return user.is_authenticated and (user.is_superuser or ADMINISTRATOR in _group_names(user))


def is_reviewer(user: AnyUser) -> bool:
    return REVIEWER in _group_names(user)


def is_qa(user: AnyUser) -> bool:
    return QA in _group_names(user)


def is_staff_member(user: AnyUser) -> bool:
    """Correspondence staff (not Django's ``is_staff`` flag, which only opens the admin site)."""
    return STAFF in _group_names(user)


def role_names(user: AnyUser) -> list[str]:
    names = [role for role in ALL_ROLES if role in _group_names(user)]
    if user.is_authenticated and user.is_superuser and ADMINISTRATOR not in names:
        names.insert(0, ADMINISTRATOR)
    return names
