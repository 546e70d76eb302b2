import os

import pytest
from django.contrib.auth.models import Group

from core import roles
from tests import factories

# Playwright's sync API runs an event loop in the test thread; Django would refuse ORM calls from it otherwise.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _tasks_in_process(settings):
    """Tasks run in-process in tests unless a test starts a real worker (tests/test_worker.py)."""
    from imrportal.celery import app

    settings.CELERY_TASK_ALWAYS_EAGER = True
    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    yield


@pytest.fixture(autouse=True)
def _private_storage(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_DIR = tmp_path / "private"


def _user_with_role(username: str, role: str | None):
    user = factories.UserFactory(username=username)
    if role:
        user.groups.add(Group.objects.get_or_create(name=role)[0])
    return user


@pytest.fixture
def admin_user(db):
    return _user_with_role("intake", roles.ADMINISTRATOR)


@pytest.fixture
def reviewer(db):
    return _user_with_role("reviewer1", roles.REVIEWER)


@pytest.fixture
def other_reviewer(db):
    return _user_with_role("reviewer2", roles.REVIEWER)


@pytest.fixture
def qa_user(db):
    return _user_with_role("qa", roles.QA)


@pytest.fixture
def staff_user(db):
    return _user_with_role("staff", roles.STAFF)


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client
