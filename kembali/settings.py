"""Kembali settings: everything comes from the environment, with laptop-safe defaults.

KEMBALI_ENV=production turns on the hardened mode, which refuses to start with
DEBUG on or with the development secret key.
"""

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from kembali.core.env import envbool, envint, envlist, envstr

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(envstr("KEMBALI_VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

KEMBALI_ENV = envstr("KEMBALI_ENV", "development")
PRODUCTION = KEMBALI_ENV == "production"

DEVELOPMENT_SECRET_KEY = "kembali-development-key-not-for-production"  # noqa: S105
SECRET_KEY = envstr("SECRET_KEY", DEVELOPMENT_SECRET_KEY)
DEBUG = envbool("DEBUG", not PRODUCTION)
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost"])

if PRODUCTION:
    if DEBUG:
        raise ImproperlyConfigured("KEMBALI_ENV=production refuses to start with DEBUG on.")
    if SECRET_KEY == DEVELOPMENT_SECRET_KEY or len(SECRET_KEY) < 50:
        raise ImproperlyConfigured(
            "KEMBALI_ENV=production needs SECRET_KEY set to a random value of 50 or more "
            "characters (python -c 'import secrets; print(secrets.token_urlsafe(64))')."
        )
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("KEMBALI_ENV=production needs ALLOWED_HOSTS.")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "rules.apps.AutodiscoverRulesConfig",
    "axes",
    "ninja",  # serves the API docs' Swagger UI from its bundled static files, not a CDN
    "kembali.core",
    "kembali.reference",
    "kembali.accounts",
    "kembali.audit",
    "kembali.people",
    "kembali.providers",
    "kembali.employers",
    "kembali.cases",
    "kembali.plans",
    "kembali.placement",
    "kembali.notifications",
    "kembali.reports",
    "kembali.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "kembali.core.middleware.TwoStepMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, so it can turn a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "kembali.urls"
# Benchmarks only (bench/bench_pages.py, bench/bench_load.py): add bench/bare_urls.py's
# bare view, the floor pages are compared with. Never in production.
if envbool("KEMBALI_BENCH_URLS", False):
    if PRODUCTION:
        raise ImproperlyConfigured("KEMBALI_BENCH_URLS is for benchmarks: not in production.")
    ROOT_URLCONF = "bench.bare_urls"
WSGI_APPLICATION = "kembali.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "kembali" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    }
]

# Database: SQLite under var/ by default (WAL, busy timeout, immediate
# transactions so writers queue instead of failing); DATABASE_URL for PostgreSQL.
DATABASE_URL = envstr("DATABASE_URL", f"sqlite:///{VAR_DIR / 'kembali.sqlite3'}")
DATABASES = {
    "default": dj_database_url.parse(DATABASE_URL, conn_max_age=envint("CONN_MAX_AGE", 60))
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
            "PRAGMA busy_timeout=20000; PRAGMA foreign_keys=ON;"
        ),
    }
else:
    # PostgreSQL's JIT compiles a query for ~0.1 s before running it: worth it for
    # hour-long analytics, a loss for the sub-second report and page queries here.
    # DATABASE_JIT=1 leaves the server's own setting.
    if not envbool("DATABASE_JIT", False):
        options = DATABASES["default"].setdefault("OPTIONS", {})
        options["options"] = f"{options.get('options', '')} -c jit=off".strip()
    # Server-side parameters: psycopg then prepares a statement run five times on a
    # connection, and PostgreSQL plans it once instead of on every request (the case
    # page's read, with its timeline probe, took 3 ms to plan and 0.3 ms to run).
    # DATABASE_SERVER_SIDE_BINDING=0 for a pooler in transaction mode (PgBouncer).
    if envbool("DATABASE_SERVER_SIDE_BINDING", True):
        options = DATABASES["default"].setdefault("OPTIONS", {})
        options["server_side_binding"] = True
        options["prepare_threshold"] = 5  # Django's default, None, never prepares
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out account before any password is checked.
    "kembali.accounts.lockout.LockoutBackend",
    "rules.permissions.ObjectPermissionBackend",
    # ModelBackend, loading the user with what the page header shows (one query).
    "kembali.accounts.backends.UserBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"
SESSION_COOKIE_AGE = envint("SESSION_COOKIE_AGE", 30 * 60)
SESSION_SAVE_EVERY_REQUEST = True  # expiry counts from the last request: inactivity

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("ms", _("Malay"))]
LOCALE_PATHS = [BASE_DIR / "kembali" / "locale"]
TIME_ZONE = envstr("TIME_ZONE", "Asia/Kuala_Lumpur")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # whitenoise warns on every request without it
STATICFILES_DIRS = [BASE_DIR / "kembali" / "static"]
MEDIA_ROOT = Path(envstr("MEDIA_ROOT", str(VAR_DIR / "uploads")))
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

TASKS = {
    "default": {
        "BACKEND": envstr("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

EMAIL_BACKEND = envstr("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = envstr("DEFAULT_FROM_EMAIL", "kembali@localhost")

X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_HTTPONLY = True
# Behind a TLS-terminating proxy that already redirects, set SECURE_SSL_REDIRECT=false;
# the proxy must set X-Forwarded-Proto (SECURE_PROXY_SSL_HEADER above).

# Content Security Policy: no inline script or style anywhere; htmx and the API
# docs load their code from our own static files.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# Login throttling (django-axes). Counted per username, not per address: staff
# of one office share a NAT address, so an IP lockout would lock them all out.
AXES_FAILURE_LIMIT = envint("KEMBALI_LOGIN_FAILURE_LIMIT", 5)
AXES_LOCKOUT_PARAMETERS = ["username"]
# axes.W006 warns that without ip_address a lockout can be dodged by rotating the
# User-Agent; a username lockout sums every attempt on that name whatever the
# agent, so the warning does not apply here.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
# Hours until a lockout lifts by itself; 0 keeps it until an administrator unlocks.
AXES_COOLOFF_TIME = envint("KEMBALI_LOGIN_LOCKOUT_HOURS", 0) or None
AXES_LOCKOUT_CALLABLE = "kembali.accounts.lockout.lockout_response"
AXES_VERBOSE = False

# Two-step sign-in (TOTP): required for these roles (and superusers), optional
# for everyone else (kembali.accounts.totp).
KEMBALI_TOTP_REQUIRED_ROLES = envlist("KEMBALI_TOTP_REQUIRED_ROLES", ["national_admin"])

# Secrets encrypted at rest (TOTP secrets): Fernet keys, newest first, comma-
# separated; the older ones still decrypt, for rotation (kembali.accounts.encryption).
# Empty in development: a key is derived from SECRET_KEY. Required in production.
KEMBALI_FIELD_KEY = envlist("KEMBALI_FIELD_KEY", [])
if PRODUCTION and not KEMBALI_FIELD_KEY:
    raise ImproperlyConfigured(
        "KEMBALI_ENV=production needs KEMBALI_FIELD_KEY, the key that encrypts secrets in the "
        "database (python -c 'from cryptography.fernet import Fernet; "
        "print(Fernet.generate_key().decode())'). Keep it apart from the database backups."
    )

# Uploaded consent forms and medical reports: largest accepted file.
KEMBALI_MAX_UPLOAD_MB = envint("KEMBALI_MAX_UPLOAD_MB", 10)

# Programme settings.
KEMBALI_PAGE_SIZE = envint("KEMBALI_PAGE_SIZE", 25)
KEMBALI_EMPLOYER_TARGET_PER_YEAR = envint("KEMBALI_EMPLOYER_TARGET_PER_YEAR", 700)
# Reports: the benefit-cost ratio counts benefit payments avoided by an earlier return.
# A person back at work d days after referral stops drawing benefit max(0, B - d) days
# earlier than without the programme (B below); each day avoided saves the daily rate
# (RM, the Temporary Disablement Benefit paid a day).
KEMBALI_DAILY_BENEFIT_RATE = envint("KEMBALI_DAILY_BENEFIT_RATE", 60)
KEMBALI_BENEFIT_BASELINE_DAYS = envint("KEMBALI_BENEFIT_BASELINE_DAYS", 365)
# Reports: the dashboard's figures are kept this many seconds (0: computed on every view).
KEMBALI_DASHBOARD_CACHE_SECONDS = envint("KEMBALI_DASHBOARD_CACHE_SECONDS", 300)
# The case page keeps the timelines of this many cases per process, each until the case
# changes (kembali.cases.timeline_kept; 0: every view reads the timeline).
KEMBALI_TIMELINE_KEPT = envint("KEMBALI_TIMELINE_KEPT", 2000)
# Follow-ups after a return to work from JPESS, in months after the start date.
KEMBALI_FOLLOW_UP_MONTHS = sorted(
    {int(m) for m in envlist("KEMBALI_FOLLOW_UP_MONTHS", ["1", "3", "6", "12"])}
)
# PDPA retention: people whose cases all closed more than this many years ago are
# anonymised by `kembali anonymise_closed` (the report figures stay the same).
KEMBALI_RETENTION_YEARS = envint("KEMBALI_RETENTION_YEARS", 7)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": envstr("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
