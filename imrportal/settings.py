"""Settings for IMR Portal, read from the environment.

Embedded defaults run a new clone with no services: SQLite, tasks run in-process, mail to the console.
Set ``IMR_ENV=production`` and the URLs of PostgreSQL and Redis for a real deployment (see README).
"""

from datetime import timedelta
from pathlib import Path

import dj_database_url
import xstatic.pkg.bootstrap
from csp.constants import NONE, SELF

from imrportal.env import env_bool, env_int, env_list, env_str
from imrportal.storage import s3_storages

BASE_DIR = Path(__file__).resolve().parent.parent

IMR_ENV = env_str("IMR_ENV", "development")
if IMR_ENV not in {"development", "production", "test"}:
    raise ValueError(f"IMR_ENV={IMR_ENV!r}: use development, production or test.")
PRODUCTION = IMR_ENV == "production"

DEBUG = env_bool("DEBUG", not PRODUCTION)
SECRET_KEY = env_str("SECRET_KEY") if PRODUCTION else env_str("SECRET_KEY", "dev-only-insecure-key-do-not-use")
# Keys SECRET_KEY had before (comma-separated): sessions, the mailroom's sheets and the webhooks' sealed signing secrets
# made under them still read.
SECRET_KEY_FALLBACKS = env_list("SECRET_KEY_FALLBACKS", [])
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "audit.admin_config.AdminConfig",  # django.contrib.admin: the text rule on forms, case data pages logged
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "rules.apps.AutodiscoverRulesConfig",  # loads each app's rules.py: the permission vocabulary
    "django_otp",
    "accounts.otp_apps.AuthenticatorAppsConfig",  # django_otp.plugins.otp_totp, named for the admin
    "accounts.otp_apps.RecoveryCodesConfig",  # django_otp.plugins.otp_static, named for the admin
    "axes",
    "csp",
    "pgtrigger",
    "core",
    "audit",
    "accounts",
    "guidelines",
    "reviewers",
    "cases",
    "letters",
    "precedents",
    "operations",
    "billing",
    "parties",
    "webhooks",
    "api",
    "mailroom",
    "ninja",  # django-ninja's Swagger UI files (static) for the API's docs page
]
# Demo data and development tools (seed_demo): never installed in production, and no running app imports them.
if not PRODUCTION:
    INSTALLED_APPS.append("devtools")

MIDDLEWARE = [
    # First: the policy goes on every response, those answered early (a refused address, a static file) included.
    "csp.middleware.CSPMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages and JSON gzipped for the portal's own requests only, with Django's BREACH padding (core/compression.py);
    # after WhiteNoise (static files come pre-compressed), before everything that writes a response body.
    "core.compression.SameOriginGZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "audit.middleware.RefusalLogMiddleware",  # a 403 that nothing recorded: a row in the access log
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.middleware.IdleSessionMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "accounts.middleware.SecurityHeadersMiddleware",
    "api.middleware.ProblemDetailsMiddleware",  # under /api/v1/ every refusal is a problem (the next one's too)
    # 400 for a NUL in the address or a form field (after the headers: the refusal carries them)
    "core.middleware.RefuseNulMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "accounts.middleware.SecondFactorMiddleware",
    # Last: turns a lock-out signalled during authentication into the lock-out page.
    "axes.middleware.AxesMiddleware",
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
                "accounts.context_processors.security",
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
    (BASE_DIR / "var").mkdir(exist_ok=True)
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / "var" / "test-db.sqlite3")}
# -- database health (infra) --
# A connection kept between requests is checked before reuse, so a restarted PostgreSQL costs the requests in flight
# at the restart and nothing after; a database that does not answer fails a request in seconds, not minutes.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = env_bool("DATABASE_CONN_HEALTH_CHECKS", True)
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", env_int("DATABASE_CONNECT_TIMEOUT", 5))
# -- end database health --
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Writers queue for the lock at BEGIN instead of failing when two transactions upgrade at once.
    DATABASES["default"].setdefault("OPTIONS", {}).update({"transaction_mode": "IMMEDIATE", "timeout": 20})
# Two roles in production (docs/deploy.md, PostgreSQL): DATABASE_URL is the application's role, which owns nothing and
# may only add to the access log; DATABASE_OWNER_URL, the owner of the tables, is used by ``migrate`` alone, which then
# grants the application's role what it needs (audit.roles). Unset, one role does everything (development).
DATABASE_OWNER = dj_database_url.parse(owner_url) if (owner_url := env_str("DATABASE_OWNER_URL", "")) else {}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    # Counts failed log-ins and refuses a locked-out user name or address before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "America/Los_Angeles"
USE_I18N = True
# The injured worker's pages and notices are in English or Spanish (parties.worker_views activates the worker's
# language in its own views; no LocaleMiddleware, so the staff pages stay in English).
LANGUAGES = [("en", "English"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_TZ = True
DATE_FORMAT = "m/d/Y"
DATETIME_FORMAT = "m/d/Y g:i A"
SHORT_DATE_FORMAT = "m/d/Y"
# Only for a form field that is not core.dates.DateField (the portal's forms and the admin use it: M/D/YY with its
# century rule, no year before 1900). Python's "%Y" takes exactly four digits, so "7/14/95" falls through to "%m/%d/%y"
# (1995): the dates stored as 0095 came from the browser's own date box, which sends a typed "95" as "0095-07-14".
DATE_INPUT_FORMATS = ["%m/%d/%Y", "%Y-%m-%d", "%m/%d/%y"]

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static", ("bootstrap", xstatic.pkg.bootstrap.BASE_DIR)]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "imrportal.staticfiles.StaticFilesStorage"  # hashed names, JS module imports too; gzip + Brotli copies
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
# -- storage (infra) --
# Where case documents ("default") and signed letters ("letters") are kept. IMR_STORAGE=local (the default): files
# under MEDIA_ROOT and PRIVATE_DIR/letters on this machine. IMR_STORAGE=s3: an S3-compatible bucket through
# django-storages, shared by every web and worker machine. Either way nothing is served by URL: the bucket is private
# (no ACL, no public URL) and files leave only through the views that check access.
IMR_STORAGE = env_str("IMR_STORAGE", "local")
if IMR_STORAGE not in {"local", "s3"}:
    raise ValueError(f"IMR_STORAGE={IMR_STORAGE!r}: use local or s3.")
if IMR_STORAGE == "s3":
    STORAGES |= s3_storages(
        bucket=env_str("AWS_STORAGE_BUCKET_NAME"),
        endpoint_url=env_str("AWS_S3_ENDPOINT_URL", ""),
        region=env_str("AWS_S3_REGION_NAME", ""),
        access_key=env_str("AWS_ACCESS_KEY_ID", ""),
        secret_key=env_str("AWS_SECRET_ACCESS_KEY", ""),
        addressing_style=env_str("AWS_S3_ADDRESSING_STYLE", ""),
        encryption=env_bool("AWS_S3_ENCRYPTION", False),
    )
else:
    STORAGES["letters"] = {"BACKEND": "letters.models.PrivateLetterStorage"}
# -- end storage --
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# The web workers collect each request's reference cycles after its response and freeze what their warm-up loaded
# (imrportal/wsgi.py, which reads this setting). IMR_GC_AFTER_REQUEST=false turns it off.
IMR_GC_AFTER_REQUEST = env_bool("IMR_GC_AFTER_REQUEST", True)

# A request body other than its files (an autosave is at most a summary and 21 rationales of 50,000 characters).
DATA_UPLOAD_MAX_MEMORY_SIZE = 4 * 1024 * 1024
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
    # Webhook deliveries that are due (a retry's time has come) or were left by a dead worker or a Redis outage.
    "webhooks-sweep": {
        "task": "webhooks.tasks.send_pending_deliveries",
        "schedule": env_int("WEBHOOK_SWEEP_SECONDS", 60),
    },
    # Scanned batches a dead worker left unread are read again (mailroom; idempotent).
    "mailroom-sweep": {"task": "mailroom.tasks.resume_batches", "schedule": 600},
    # The access log's monthly partitions, made ahead (audit.partitions).
    "access-log-partitions": {"task": "audit.tasks.make_access_log_partitions", "schedule": 6 * 3600},
}
# Webhook addresses on this machine (http://127.0.0.1, http://localhost) are allowed in development and tests only; in
# production an endpoint is https and its host must resolve to public addresses alone (webhooks/targets.py).
WEBHOOK_ALLOW_LOCAL = env_bool("WEBHOOK_ALLOW_LOCAL", not PRODUCTION)

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
# -- outbox (infra) --
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)  # a mail server that hangs fails the attempt (retried later)
# -- end outbox --

# The review organization, as it appears on letters and in the portal. The defaults name no real organization: a
# deployment sets its own. The short name labels the reviewer's guideline line (guidelines.citations).
IMR_ORGANIZATION_NAME = env_str("IMR_ORGANIZATION_NAME", "Independent Medical Review Organization")
IMR_ORGANIZATION_SHORT_NAME = env_str("IMR_ORGANIZATION_SHORT_NAME", IMR_ORGANIZATION_NAME)
IMR_ORGANIZATION_ADDRESS = env_str("IMR_ORGANIZATION_ADDRESS", "P.O. Box 138009, Sacramento, CA 95813-8009")
# The fax number printed on the records cover sheets (mailroom); empty: the sheets give the mailing address only.
IMR_RECORDS_FAX = env_str("IMR_RECORDS_FAX", "")
# Who signs the letters: the medical director's name (printed above the title; empty prints the title alone) and title.
IMR_MEDICAL_DIRECTOR_NAME = env_str("IMR_MEDICAL_DIRECTOR_NAME", "")
IMR_MEDICAL_DIRECTOR_TITLE = env_str("IMR_MEDICAL_DIRECTOR_TITLE", "Medical Director")
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

# -- Log-in, sessions, second factor, lock-out, Content-Security-Policy (accounts app; README "Running in production")
# A session ends after this many seconds without a request, and in any case this long after log-in.
IMR_SESSION_IDLE_SECONDS = env_int("IMR_SESSION_IDLE_SECONDS", 30 * 60)
IMR_SESSION_MAX_SECONDS = env_int("IMR_SESSION_MAX_SECONDS", 12 * 3600)
SESSION_COOKIE_AGE = IMR_SESSION_IDLE_SECONDS  # renewed by accounts.middleware.IdleSessionMiddleware while in use
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# Second factor (TOTP with recovery codes, django-otp). Users of these roles must pass it before anything else;
# every user may set it up on the Security page, and whoever has set it up is asked for it. Always on in production.
IMR_OTP_REQUIRED_ROLES = env_list("IMR_OTP_REQUIRED_ROLES", ["Administrators", "Clinical QA"])
IMR_OTP_ENFORCED = True if PRODUCTION else env_bool("IMR_OTP_ENFORCED", False)
# Setting one up needs more than the password: a link mailed (through the outbox) to the account's own address, good
# once for this many minutes (accounts/enrolment.py; docs/deploy.md says why).
IMR_OTP_ENROLMENT_MINUTES = env_int("IMR_OTP_ENROLMENT_MINUTES", 30)
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "IMR Portal")
OTP_TOTP_THROTTLE_FACTOR = 1  # each wrong code doubles the wait before the next is accepted

# Lock-out (django-axes, accounts/lockout.py): a user name is locked after IMR_LOGIN_FAILURE_LIMIT failures from
# anywhere, an address after IMR_LOGIN_ADDRESS_FAILURE_LIMIT failures for any user names (larger: one address may be a
# whole clinic behind its NAT), both for the cool-off time; an administrator unlocks earlier (Security page > Locked
# log-ins, or the admin). A successful log-in clears only that user's own failures from that address.
AXES_HANDLER = "accounts.lockout.PortalLockoutHandler"
AXES_FAILURE_LIMIT = env_int("IMR_LOGIN_FAILURE_LIMIT", 5)
IMR_LOGIN_ADDRESS_FAILURE_LIMIT = env_int("IMR_LOGIN_ADDRESS_FAILURE_LIMIT", 20)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("IMR_LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # separate entries: each is counted (and locks) on its own
AXES_RESET_ON_SUCCESS = True  # scoped to the user's own failures from that address by PortalLockoutHandler
AXES_LOCKOUT_CALLABLE = "accounts.views.locked_out"
AXES_CLIENT_IP_CALLABLE = "accounts.security.client_ip"  # the same client address as the rest of the portal
AXES_HTTP_RESPONSE_CODE = 429
AXES_VERBOSE = False
# Behind a TLS proxy: how many proxies append to X-Forwarded-For (0: the client is REMOTE_ADDR; 1 behind the proxy of
# docs/deploy.md). Production must say: unset there, `check --deploy` fails (accounts.E004), because every client
# would otherwise look like the proxy and one client's failures would lock everyone out.
IMR_TRUSTED_PROXY_COUNT: int | None = (
    env_int("IMR_TRUSTED_PROXY_COUNT", 0) if env_str("IMR_TRUSTED_PROXY_COUNT", "") or not PRODUCTION else None
)
# Password-reset mail: at most this many requests per hour from one address and for one e-mail address.
IMR_PASSWORD_RESET_PER_HOUR = env_int("IMR_PASSWORD_RESET_PER_HOUR", 5)
# Public letter verification: uploads per address per minute, the largest file, and the CPU seconds one check may use.
IMR_VERIFY_PER_MINUTE = env_int("IMR_VERIFY_PER_MINUTE", 10)
IMR_VERIFY_MAX_BYTES = env_int("IMR_VERIFY_MAX_BYTES", 5 * 1024 * 1024)
IMR_VERIFY_CPU_SECONDS = env_int("IMR_VERIFY_CPU_SECONDS", 5)

# The PHI access log (audit/): every read and change of protected data. Off only for the benchmark that measures its
# cost; `check --deploy` refuses production without it.
IMR_ACCESS_LOG = env_bool("IMR_ACCESS_LOG", True)
# -- access-log partitions (audit/partitions.py, audit/retention.py) --
ACCESS_LOG_PARTITIONS_AHEAD = env_int("ACCESS_LOG_PARTITIONS_AHEAD", 3)  # months made ahead by the beat task
ACCESS_LOG_RETENTION_MONTHS = env_int("ACCESS_LOG_RETENTION_MONTHS", 72)  # six years; older months are archived
ACCESS_LOG_ARCHIVE_STORAGE = env_str("ACCESS_LOG_ARCHIVE_STORAGE", "default")  # a STORAGES alias
# -- end access-log partitions --
# Bounds that no real document reaches and that keep one request from taking the machine: a library file, a case
# import (bytes and cases), a record PDF's pages. Request bodies other than files: DATA_UPLOAD_MAX_MEMORY_SIZE.
IMR_LIBRARY_IMPORT_MAX_BYTES = env_int("IMR_LIBRARY_IMPORT_MAX_BYTES", 20 * 1024 * 1024)
IMR_IMPORT_MAX_BYTES = env_int("IMR_IMPORT_MAX_BYTES", 200 * 1024 * 1024)
IMR_IMPORT_MAX_CASES = env_int("IMR_IMPORT_MAX_CASES", 50_000)
CASE_DOCUMENT_MAX_PAGES = env_int("IMR_DOCUMENT_MAX_PAGES", 5_000)

# Content-Security-Policy (django-csp): nothing inline, nothing from another origin. Views whose response is framed
# by our own pages (record files, letter previews: X-Frame-Options SAMEORIGIN) get frame-ancestors 'self'.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],  # Bootstrap's icons are data: SVGs in its CSS; the letterhead logo is inlined
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-src": [SELF],
        "worker-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "report-uri": "/security/csp-report/",
    }
}
IMR_CSP_REPORTS_PER_MINUTE = env_int("IMR_CSP_REPORTS_PER_MINUTE", 60)  # per address
# The API (api/auth.py): requests a minute per key, counted in the cache (Redis); past it 429 with Retry-After.
IMR_API_RATE_LIMIT = env_int("IMR_API_RATE_LIMIT", 120)
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True


def _refusal_without_traceback(record) -> bool:
    """A refused request (403: no permission, a bad CSRF token) is logged as its one line ("Forbidden (Permission
    denied): /letters/"), not with the traceback of the PermissionDenied raised on purpose."""
    if getattr(record, "status_code", None) == 403:
        record.exc_info = None
        record.exc_text = None
    return True


LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "refusal_without_traceback": {"()": "django.utils.log.CallbackFilter", "callback": _refusal_without_traceback}
    },
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        # Django's request log once (not again through Django's own "django" console handler), 403s without traceback.
        "django.request": {
            "handlers": ["console"],
            "level": "WARNING",
            "propagate": False,
            "filters": ["refusal_without_traceback"],
        },
        "django.security": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        "django.db.backends": {"level": "INFO"},
        # WeasyPrint and fontTools narrate every render at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        "axes": {"level": "WARNING"},  # every log-in at INFO otherwise; lock-outs are logged at WARNING
    },
}
