"""Settings for IMR Portal, read from the environment.

Embedded defaults run a new clone with no services: SQLite, tasks run in-process, mail to the console.
Set ``IMR_ENV=production`` and the URLs of PostgreSQL and Redis for a real deployment (see README).
"""

from pathlib import Path

import dj_database_url
import xstatic.pkg.bootstrap

from imrportal.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

IMR_ENV = env_str("IMR_ENV", "development")
if IMR_ENV not in {"development", "production", "test"}:
    raise ValueError(f"IMR_ENV={IMR_ENV!r}: use development, production or test.")
PRODUCTION = IMR_ENV == "production"

DEBUG = env_bool("DEBUG", not PRODUCTION)
SECRET_KEY = env_str("SECRET_KEY") if PRODUCTION else env_str("SECRET_KEY", "dev-only-insecure-key-do-not-use")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "core",
    "guidelines",
    "reviewers",
    "cases",
    "letters",
    "precedents",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
]

ROOT_URLCONF = "imrportal.urls"
WSGI_APPLICATION = "imrportal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.portal",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60 if PRODUCTION else 0),
    )
}
# Parallel sessions on one PostgreSQL server each need their own test database. SQLite tests use a file, not memory,
# so that a real Celery worker process started by a test sees the same database.
if test_name := env_str("DATABASE_TEST_NAME", ""):
    DATABASES["default"]["TEST"] = {"NAME": test_name}
elif DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / "var" / "test-db.sqlite3")}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Writers queue for the lock at BEGIN instead of failing when two transactions upgrade at once.
    DATABASES["default"].setdefault("OPTIONS", {}).update({"transaction_mode": "IMMEDIATE", "timeout": 20})

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "America/Los_Angeles"
USE_I18N = True
USE_TZ = True
DATE_FORMAT = "m/d/Y"
DATETIME_FORMAT = "m/d/Y g:i A"
SHORT_DATE_FORMAT = "m/d/Y"
DATE_INPUT_FORMATS = ["%m/%d/%Y", "%Y-%m-%d", "%m/%d/%y"]

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static", ("bootstrap", xstatic.pkg.bootstrap.BASE_DIR)]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Case documents and letters are medical data: they live outside any served folder and leave only through views
# that check access.
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
MEDIA_URL = "/no-public-media/"
PRIVATE_DIR = Path(env_str("PRIVATE_DIR", str(BASE_DIR / "var")))
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 30 * 1024 * 1024
CASE_DOCUMENT_MAX_BYTES = env_int("CASE_DOCUMENT_MAX_BYTES", 25 * 1024 * 1024)

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Redis is optional: without REDIS_URL tasks run in-process, as part of the request that queued them.
REDIS_URL = env_str("REDIS_URL", "")
# Without REDIS_URL nothing talks to the broker (tasks run eagerly); a worker started anyway tries the local Redis.
CELERY_BROKER_URL = REDIS_URL or "redis://127.0.0.1:6379/0"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TIMEZONE = TIME_ZONE
CLOCK_REMINDER_DAYS = [int(day) for day in env_list("CLOCK_REMINDER_DAYS", ["5", "2", "1"])]  # reviewer reminders
# Overdue cases go to their administrator first, then this many days later to the medical director (clinical QA).
CLOCK_MEDICAL_DIRECTOR_AFTER_DAYS = env_int("CLOCK_MEDICAL_DIRECTOR_AFTER_DAYS", 2)
CELERY_BEAT_SCHEDULE = {
    # The statutory clock: reminders, escalations and records chases. Each job is idempotent.
    "statutory-clock": {"task": "cases.tasks.run_statutory_clock", "schedule": env_int("CLOCK_INTERVAL_SECONDS", 900)},
    # Letters of approved determinations that a Redis outage or a dead worker left unmade are queued again.
    "letters-sweep": {
        "task": "letters.tasks.generate_missing_letters",
        "schedule": env_int("LETTER_SWEEP_SECONDS", 300),
    },
    # Mail left queued by a dead worker or a Redis outage is picked up again.
    "outbox-sweep": {"task": "core.tasks.send_pending_outbox", "schedule": env_int("OUTBOX_SWEEP_SECONDS", 300)},
}

if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "imr-portal@localhost")

# The review organization, as it appears on letters and in the portal.
IMR_ORGANIZATION_NAME = env_str("IMR_ORGANIZATION_NAME", "MAXIMUS Federal Services")
IMR_ORGANIZATION_SHORT_NAME = env_str("IMR_ORGANIZATION_SHORT_NAME", "MAXIMUS")
IMR_ORGANIZATION_ADDRESS = env_str("IMR_ORGANIZATION_ADDRESS", "P.O. Box 138009, Sacramento, CA 95813-8009")
IMR_MEDICAL_DIRECTOR = env_str("IMR_MEDICAL_DIRECTOR", "Medical Director")
IMR_ORGANIZATION_LOGO = env_str("IMR_ORGANIZATION_LOGO", "")  # a PNG, JPEG or SVG file printed on the letterhead
IMR_PUBLIC_BASE_URL = env_str("IMR_PUBLIC_BASE_URL", "http://127.0.0.1:8000")

# Signing: a PKCS#12 file, or a PEM key with its certificate chain. Without either, development certificates are
# generated on first use under PRIVATE_DIR/dev-signing (never in production).
SIGNING_PKCS12_PATH = env_str("SIGNING_PKCS12_PATH", "")
SIGNING_PKCS12_PASSWORD = env_str("SIGNING_PKCS12_PASSWORD", "")
SIGNING_KEY_PATH = env_str("SIGNING_KEY_PATH", "")
SIGNING_CERT_PATH = env_str("SIGNING_CERT_PATH", "")
SIGNING_CHAIN_PATHS = env_list("SIGNING_CHAIN_PATHS", [])
SIGNING_KEY_PASSWORD = env_str("SIGNING_KEY_PASSWORD", "")
SIGNING_TRUST_ROOTS = env_list("SIGNING_TRUST_ROOTS", [])
TIMESTAMP_URL = env_str("TIMESTAMP_URL", "")

SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600)
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # WeasyPrint and fontTools narrate every render at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
