import os

import pytest
from django.contrib.auth.models import Group

from core import roles
from tests import factories

# Playwright's sync API runs an event loop in the test thread; Django would refuse ORM calls from it otherwise.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _tasks_in_process(settings):
    """Tasks run in-process in tests unless a test starts a real worker (tests/core/test_outbox_worker.py,
    tests/letters/test_letter_worker.py)."""
    from imrportal.celery import app

    settings.CELERY_TASK_ALWAYS_EAGER = True
    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    yield


@pytest.fixture(autouse=True)
def _published_letters_organization(settings):
    """The review organization of the published letters the tests compare with (the code has no default naming
    it; a test of another organization overrides these)."""
    settings.IMR_ORGANIZATION_NAME = "MAXIMUS Federal Services"
    settings.IMR_ORGANIZATION_SHORT_NAME = "MAXIMUS"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _empty_cache():
    """Rate-limit counters live in the cache: each test starts with none."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture(autouse=True)
def _private_storage(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_DIR = tmp_path / "private"


def _user_with_role(username: str, role: str | None, first_name: str, last_name: str):
    # Fixed, unusual names: a test that looks for (or for the absence of) a name in a page or a letter must not
    # depend on what Faker drew ("Small", "O'Brien" escaped as HTML, ...).
    user = factories.UserFactory(username=username, first_name=first_name, last_name=last_name)
    if role:
        user.groups.add(Group.objects.get_or_create(name=role)[0])
    return user


@pytest.fixture
def admin_user(db):
    return _user_with_role("intake", roles.ADMINISTRATOR, "Alexa", "Intakeworth")


@pytest.fixture
def reviewer(db):
    return _user_with_role("reviewer1", roles.REVIEWER, "Riley", "Marchetti")


@pytest.fixture
def other_reviewer(db):
    return _user_with_role("reviewer2", roles.REVIEWER, "Robin", "Vandersloot")


@pytest.fixture
def qa_user(db):
    return _user_with_role("qa", roles.QA, "Quinn", "Abernathy")


@pytest.fixture
def staff_user(db):
    return _user_with_role("staff", roles.STAFF, "Sam", "Postlethwaite")


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


# -- real processes: a Celery worker and Chromium --------------------------------------------------------------

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium (the system's /usr/bin/chromium) for the whole session."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


# Every page reports Content-Security-Policy violations to the test (before any script of the page runs).
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.__imrCspViolation([event.violatedDirective, event.blockedURI || "inline", event.sourceFile || "",
    event.lineNumber || 0, document.location.pathname].join(" | "));
});
"""


@pytest.fixture
def page(browser, live_server):
    """A browser page with the site's Content-Security-Policy in force: a test fails on any violation, whether the
    page reported it (``securitypolicyviolation``) or Chromium logged it to the console."""
    context = browser.new_context(base_url=live_server.url, accept_downloads=True)
    context.set_default_timeout(15_000)
    violations: list[str] = []
    context.expose_function("__imrCspViolation", lambda text: violations.append(text))
    context.add_init_script(CSP_LISTENER)
    page = context.new_page()
    page.on(
        "console",
        lambda message: (
            violations.append("console: " + message.text)
            if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text
            else None
        ),
    )
    page.csp_violations = violations
    yield page
    context.close()
    assert violations == [], "Content-Security-Policy violations:\n" + "\n".join(violations)


def log_in(page, username: str, password: str = "demo-password") -> None:
    """Log in through the real log-in form."""
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state("networkidle")


@pytest.fixture
def celery_worker_process(transactional_db, settings):
    """A real ``celery worker`` process against Redis and the test database; tasks are queued, not run in-process."""
    import subprocess

    import redis
    from django.db import connection

    from imrportal import worker
    from imrportal.celery import app

    redis_url = settings.CELERY_BROKER_URL
    client = redis.Redis.from_url(redis_url)
    client.ping()  # fails loudly: the worker tests need a real Redis
    # Start from an empty queue: a message left by an earlier, interrupted run would name rows of another database.
    client.delete("celery", "unacked", "unacked_index")
    env = dict(os.environ)
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        env["DATABASE_URL"] = f"sqlite:///{db['NAME']}"
    else:
        env["DATABASE_URL"] = (
            f"postgres://{db['USER'] or ''}{':' + db['PASSWORD'] if db['PASSWORD'] else ''}@{db['HOST'] or ''}"
            f":{db['PORT'] or 5432}/{db['NAME']}"
        )
    env.update(
        REDIS_URL=redis_url,
        CELERY_TASK_ALWAYS_EAGER="false",
        MEDIA_ROOT=str(settings.MEDIA_ROOT),
        PRIVATE_DIR=str(settings.PRIVATE_DIR),
        DEBUG="false",
    )
    process = subprocess.Popen(
        worker.command(concurrency=2, loglevel="warning"),
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    app.conf.task_always_eager = False
    settings.CELERY_TASK_ALWAYS_EAGER = False
    try:
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        app.conf.task_always_eager = True


def wait_for(predicate, timeout: float = 30.0, interval: float = 0.2):
    """Poll until ``predicate()`` is truthy (a real worker finishes in its own time); return its value."""
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"Condition not met within {timeout} s")
