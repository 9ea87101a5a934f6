"""Settings for the social media governance portal.

Everything comes from the environment. With nothing set the portal runs on SQLite and a
Celery broker that needs no server, so a fresh clone starts with one command. Production
(``PORTAL_ENV=production``) refuses to start without the settings it cannot guess.
"""

import datetime
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.getenv("PORTAL_VAR_DIR", BASE_DIR / "var"))


def envbool(name, default="False"):
    return os.getenv(name, default).strip().lower() in ("1", "true", "yes", "on")


def envint(name, default):
    return int(os.getenv(name, default))


def envlist(name, default=""):
    return [item.strip() for item in os.getenv(name, default).split(",") if item.strip()]


PORTAL_ENV = os.getenv("PORTAL_ENV", "local")
PRODUCTION = PORTAL_ENV == "production"


def required_in_production(name, local_default):
    value = os.getenv(name, "")
    if value:
        return value
    if PRODUCTION:
        raise ImproperlyConfigured(f"{name} must be set when PORTAL_ENV=production.")
    return local_default


SECRET_KEY = required_in_production(
    "SECRET_KEY", "local-only-key-never-used-in-production-7c1f0d2e9b8a4f6e3d5c"
)
DEBUG = envbool("DEBUG")
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "" if PRODUCTION else "localhost,127.0.0.1,[::1]")
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when PORTAL_ENV=production.")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS")

# The address people reach the portal at, used for links in e-mails.
SITE_URL = os.getenv("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "portal",
    "accounts_requests",
    "moderation",
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
    "simple_history",
    "django_fsm",
    "csp",
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "portal.sessions.RenewIdleSessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before anything reads the body (the CSRF check reads a POST's form data).
    "portal.security.RequestSizeLimitMiddleware",
    "portal.security.RefuseNullCharactersMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "portal.security.NoStoreForSignedInMiddleware",
    # Last, so a locked-out sign-in becomes the lockout page (see AXES_* below).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"
AUTH_USER_MODEL = "portal.User"
LOGIN_URL = "portal:login"
LOGIN_REDIRECT_URL = "portal:home"
LOGOUT_REDIRECT_URL = "portal:login"
# django-axes comes first: it refuses a locked-out sign-in before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

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
                "portal.context_processors.portal",
            ],
        },
    },
]

if not os.getenv("DATABASE_URL"):
    # The embedded default keeps its database beside the checkout.
    VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        os.getenv("DATABASE_URL", f"sqlite:///{VAR_DIR / 'portal.sqlite3'}"),
        conn_max_age=envint("DB_CONN_MAX_AGE", "60"),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A database that does not answer fails the request quickly instead of hanging it.
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = envint(
        "DB_CONNECT_TIMEOUT", "5"
    )
else:
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.getenv("STATIC_ROOT", VAR_DIR / "staticfiles"))
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
WHITENOISE_USE_FINDERS = not PRODUCTION
if not PRODUCTION:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# Uploaded evidence is private: it lives outside the static and any public media path
# and is only ever served through a view that checks permission.
PRIVATE_STORAGE_ROOT = Path(os.getenv("PRIVATE_STORAGE_ROOT", VAR_DIR / "private"))

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# E-mail: the console by default, SMTP when EMAIL_HOST is set.
EMAIL_HOST = os.getenv("EMAIL_HOST", "")
EMAIL_BACKEND = os.getenv(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_PORT = envint("EMAIL_PORT", "587")
EMAIL_HOST_USER = os.getenv("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.getenv("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", "True")
EMAIL_TIMEOUT = envint("EMAIL_TIMEOUT", "10")
EMAIL_FILE_PATH = os.getenv("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))
DEFAULT_FROM_EMAIL = os.getenv("DEFAULT_FROM_EMAIL", "social-media-portal@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Celery. Redis when REDIS_URL is set; otherwise kombu's filesystem transport, which needs
# no server and still runs a real worker and beat on one machine.
REDIS_URL = os.getenv("REDIS_URL", "")
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    # A broker that is down or hung must never hold up a web request: fail fast and leave
    # the work to the outbox sweep.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "socket_timeout": envint("REDIS_SOCKET_TIMEOUT", "3"),
        "socket_connect_timeout": envint("REDIS_SOCKET_TIMEOUT", "3"),
        # One immediate second try, then give up: a refused connection fails at once.
        "max_retries": 1,
        "interval_start": 0,
        # A task whose worker died unacknowledged goes back on the queue after this long.
        "visibility_timeout": envint("REDIS_VISIBILITY_TIMEOUT", "3600"),
    }
else:
    CELERY_BROKER_URL = "filesystem://localhost/"
    _queue_dir = VAR_DIR / "celery"
    for _folder in ("queue", "processed", "control"):
        (_queue_dir / _folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir / "queue"),
        "data_folder_out": str(_queue_dir / "queue"),
        "processed_folder": str(_queue_dir / "processed"),
        "store_processed": False,
        # Without this the worker's control exchange lands in ./control of the checkout.
        "control_folder": str(_queue_dir / "control"),
    }
CELERY_BROKER_CONNECTION_TIMEOUT = envint("REDIS_SOCKET_TIMEOUT", "3")
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_TASK_ALWAYS_EAGER = envbool("CELERY_TASK_ALWAYS_EAGER")

# Security headers. The CSP allows no inline script anywhere in the portal.
SESSION_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "portal.views.errors.csrf_failure"
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = envint("SESSION_IDLE_SECONDS", str(8 * 60 * 60))
# The idle limit moves on with use, at most once a minute (portal.sessions).
SESSION_SAVE_EVERY_REQUEST = False
SESSION_RENEW_SECONDS = 60
# A signed-in page warns this long before the idle sign-out, offering to stay signed in
# (at most half the idle limit).
SESSION_WARN_SECONDS = envint("SESSION_WARN_SECONDS", "300")
# Database sessions that report an outage as one, not as a deleted session (a 400).
SESSION_ENGINE = "portal.sessions"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", "True")
    # A load balancer's health check often asks over plain HTTP and counts a redirect as a
    # failure; the answer says nothing but "ok" (portal.views.health).
    SECURE_REDIRECT_EXEMPT = [r"^health/$"]
    SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", str(365 * 24 * 60 * 60))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", "True")
    SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", "True")
    if envbool("TRUST_PROXY_SSL_HEADER"):
        # Only behind a proxy that sets this header itself and strips a client's copy.
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Sign-in throttling (django-axes). Failures are counted per user name and address
# together: guessing at one person's password from one place locks that pair only, so a
# whole trust behind one NAT address is never locked out by one attacker, and an attacker
# cannot lock a colleague out from elsewhere. A lock lasts a fixed cool-off and no longer;
# a successful sign-in clears the count.
AXES_FAILURE_LIMIT = envint("SIGN_IN_FAILURE_LIMIT", "5")
AXES_COOLOFF_TIME = datetime.timedelta(minutes=envint("SIGN_IN_COOLOFF_MINUTES", "15"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_TEMPLATE = "portal/sign_in_locked.html"
AXES_CLIENT_IP_CALLABLE = "portal.security.client_ip"
AXES_USERNAME_CALLABLE = "portal.security.sign_in_name"
# Its start-up banner would print on every management command.
AXES_VERBOSE = False
# Each sign-in is recorded (who, when, from which address and browser) for looking into a
# suspected misuse, and a nightly job deletes the records older than this.
SIGN_IN_RECORDS_KEEP_DAYS = envint("SIGN_IN_RECORDS_KEEP_DAYS", "90")
# How long a link to set a new password works (Django's default is three days).
PASSWORD_RESET_TIMEOUT = envint("PASSWORD_RESET_MINUTES", "60") * 60
# How long the link in the e-mail to someone just added works: they may not read it today.
INVITATION_DAYS = envint("INVITATION_DAYS", "7")
# How many proxies of our own stand in front of the portal and append to X-Forwarded-For.
# 0 (the default) reads the address from the connection only: a client's own
# X-Forwarded-For is never believed.
TRUSTED_PROXY_COUNT = envint("TRUSTED_PROXY_COUNT", "0")

# Views marked sensitive keep their secrets out of error pages and reports, DEBUG or not.
DEFAULT_EXCEPTION_REPORTER_FILTER = "portal.debug.AlwaysSafeExceptionReporterFilter"

LOG_LEVEL = os.getenv("LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "filters": {
        "once_a_minute": {"()": "portal.logs.OncePerInterval", "seconds": 60},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain"},
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # The shared cache down: every request would log the refused connection.
        "django_redis.cache": {"filters": ["once_a_minute"]},
    },
}

# What pages keep between visits (the home page's panels, the trust's profile, rendered
# documents). With CACHE_URL, one Redis shared by every web worker, so a panel drawn by one
# worker is not drawn again by the next; without it, each process keeps its own in memory.
# A cache that is down or slow costs a page its kept work, never the page itself: every
# read misses and every write is dropped (logged) until it answers again.
CACHE_URL = os.getenv("CACHE_URL", "")
if CACHE_URL:
    _cache_timeout = float(os.getenv("CACHE_SOCKET_TIMEOUT", "0.5"))
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": "portal",
            "OPTIONS": {
                "SOCKET_CONNECT_TIMEOUT": _cache_timeout,
                "SOCKET_TIMEOUT": _cache_timeout,
                "IGNORE_EXCEPTIONS": True,
            },
        }
    }
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True

# How long the home page keeps a user's drawn panels: a change to a table a panel read
# redraws it at once (portal.freshness); this bounds what only the passing of time changes.
HOME_PANELS_KEPT_SECONDS = int(os.getenv("HOME_PANELS_KEPT_SECONDS", "300"))
# Panels on the home page, each a function of the user returning a list of
# {"title", "template", "context", "order"} dicts.
DASHBOARD_PANELS = [
    "accounts_requests.dashboard.panels",
    "moderation.dashboard.panels",
    "portal.dashboard.panels",
    "portal.dashboard.reminder_panels",
    "accounts_requests.dashboard_accounts.panels",
    "accounts_requests.kpi.dashboard.panels",
]

# Panels other apps add to an account's page and its review page: dotted paths to
# functions panel(account, user) returning None or a {"title", "template", "context"} dict.
ACCOUNT_PAGE_PANELS = [
    "moderation.panels.account_panel",
]

# Importing KPI figures from CSV files: the largest file taken, the most rows, and above
# how many rows the import runs in the background with its progress shown.
KPI_IMPORT_MAX_BYTES = envint("KPI_IMPORT_MAX_BYTES", str(5 * 1024 * 1024))
KPI_IMPORT_MAX_ROWS = envint("KPI_IMPORT_MAX_ROWS", "50000")
KPI_IMPORT_BACKGROUND_ROWS = envint("KPI_IMPORT_BACKGROUND_ROWS", "300")

# Bank holidays for working time, as country and subdivision for the holidays package
# ("none" for no bank holidays).
BANK_HOLIDAYS = os.getenv("BANK_HOLIDAYS", "GB-ENG")

# The benchmark's plugins, in the order their data is built (see portal/bench).
BENCH_PLUGINS = [
    "portal.bench.people",
    "accounts_requests.bench",
    "accounts_requests.kpi.bench",
    "moderation.bench",
    "portal.bench.reminders",
]

# The moderation log. Evidence is kept this many months unless put on legal hold; a
# commenter with this many entries within the window (days) is flagged a repeat offender.
MODERATION_EVIDENCE_RETENTION_MONTHS = envint("MODERATION_EVIDENCE_RETENTION_MONTHS", "13")
# A legal hold keeps evidence and a commenter's details past their date: it is looked at
# again this many months after it was placed or last kept.
MODERATION_LEGAL_HOLD_REVIEW_MONTHS = envint("MODERATION_LEGAL_HOLD_REVIEW_MONTHS", "6")
MODERATION_EVIDENCE_MAX_BYTES = envint("MODERATION_EVIDENCE_MAX_BYTES", str(10 * 1024 * 1024))
MODERATION_EVIDENCE_MAX_FILES = envint("MODERATION_EVIDENCE_MAX_FILES", "6")
MODERATION_REPEAT_WINDOW_DAYS = envint("MODERATION_REPEAT_WINDOW_DAYS", "90")
MODERATION_REPEAT_THRESHOLD = envint("MODERATION_REPEAT_THRESHOLD", "3")

# The largest request body taken at all, checked before it is read: by default room for
# the most evidence files one moderation entry takes, plus the form around them.
REQUEST_MAX_BYTES = envint(
    "REQUEST_MAX_BYTES",
    str(
        max(MODERATION_EVIDENCE_MAX_BYTES * MODERATION_EVIDENCE_MAX_FILES, KPI_IMPORT_MAX_BYTES)
        + 1024 * 1024
    ),
)


def envdates(name):
    try:
        return [datetime.date.fromisoformat(item) for item in envlist(name)]
    except ValueError as error:
        raise ImproperlyConfigured(f"{name} must be ISO dates (2026-12-29): {error}") from None


# Days the office is closed that the holidays package does not know: a bank holiday
# announced at short notice, or the trust's own closure days.
EXTRA_CLOSED_DAYS = envdates("EXTRA_CLOSED_DAYS")

# Reminders. Each app that reminds people declares its rules in one table; these are the
# tables the reminder engine collects (see portal/reminders/__init__.py).
REMINDER_RULE_TABLES = [
    "portal.reminders.policy.RULES",
    "accounts_requests.reminders.RULES",
    "moderation.reminders.RULES",
]
# Waits overridden without a code change, "rule.stage=wait" comma-separated, where a
# wait is 4wh (working hours), 2wd (working days) or 30d (calendar days, -30d = before).
REMINDER_WAITS = dict(item.partition("=")[::2] for item in envlist("REMINDER_WAITS"))

# A delivery that claimed a notification and then died is retried after this many seconds.
NOTIFICATION_CLAIM_TIMEOUT = envint("NOTIFICATION_CLAIM_TIMEOUT", "600")
# Times an e-mail the mail server refuses is tried, waiting longer after each (2, 4, 8...
# minutes, at most an hour), before it is given up on; the portal still shows it.
NOTIFICATION_EMAIL_ATTEMPTS = envint("NOTIFICATION_EMAIL_ATTEMPTS", "8")
# Days a notification is kept, read or not, before a nightly job deletes it.
NOTIFICATION_KEEP_DAYS = envint("NOTIFICATION_KEEP_DAYS", "365")


# Credential vault (accounts_requests). Login details are encrypted with these Fernet
# keys, newest first: the first encrypts, all decrypt, so a new key can be put in front
# and `manage.py rotate_credentials` run. They are never derived from SECRET_KEY.
def _local_credential_key():
    """The embedded default: a key kept in a file under var/, made on first start."""
    import sys

    from cryptography.fernet import Fernet

    path = VAR_DIR / "credential-key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process made it a moment ago
            pass
        else:
            with os.fdopen(fd, "w") as key_file:
                key_file.write(Fernet.generate_key().decode())
            # Logging is not configured while settings load, so say it on stderr.
            print(
                f"Created a local credential key at {path}. Set CREDENTIAL_KEYS in production.",
                file=sys.stderr,
            )
    return path.read_text().strip()


CREDENTIAL_KEYS = envlist("CREDENTIAL_KEYS")
if not CREDENTIAL_KEYS:
    if PRODUCTION:
        raise ImproperlyConfigured("CREDENTIAL_KEYS must be set when PORTAL_ENV=production.")
    CREDENTIAL_KEYS = [_local_credential_key()]

# Reports of worrying posts and accounts. A closed report's link and description are
# removed this many days after it was closed.
CONCERN_RETENTION_DAYS = envint("CONCERN_RETENTION_DAYS", "365")
# Buttons other apps add to a concern's page for the communications team: each a function
# ``actions(concern, user)`` returning [{"label", "url"}]. The moderation log adds
# "Make a moderation entry", the account register the way to suspend a hacked account
# (see portal/views/concerns.py).
CONCERN_ACTIONS = ["moderation.concerns.actions", "accounts_requests.concerns.actions"]
