"""Demo users for ``manage.py seed_demo``."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from core import roles

DEMO_USERS = [
    ("admin", "Alex", "Intake", roles.ADMINISTRATOR, True),
    ("qa", "Quinn", "Medical Director", roles.QA, False),
    ("staff", "Sam", "Correspondence", roles.STAFF, False),
    ("reviewer1", "Riley", "Reviewer", roles.REVIEWER, False),
    ("reviewer2", "Robin", "Reviewer", roles.REVIEWER, False),
]


def seed(*, password: str, log) -> dict:
    """Create (or reset) the demo users; return them by username."""
    User = get_user_model()
    users = {}
    for username, first, last, role, superuser in DEMO_USERS:
        user, created = User.objects.get_or_create(
            username=username, defaults={"first_name": first, "last_name": last, "email": f"{username}@example.org"}
        )
        user.is_staff = superuser  # the Django admin site, for the administrator
        user.is_superuser = superuser
        user.set_password(password)
        user.save()
        user.groups.add(Group.objects.get_or_create(name=role)[0])
        users[username] = user
        log(f"{'Created' if created else 'Updated'} user {username} ({role})")
    return users
