"""Lockstep settings: one module, configured by environment variables (see docs/configuration.md)."""

from __future__ import annotations

import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

from lockstep.lib.env import env_bool, env_int, env_list, env_path, env_str
from lockstep.lib.secrets_file import read_or_create

BASE_DIR = Path(__file__).resolve().parent.parent
PACKAGE_DIR = Path(__file__).resolve().parent

DATA_DIR = env_path(
    "LOCKSTEP_DATA_DIR",
    Path.cwd() / "var",
    "Directory for the SQLite database, the node signing key, the secret key file and uploaded files.",
)

DEBUG = env_bool("LOCKSTEP_DEBUG", False, "Django debug pages. Never in production.")
LOCKSTEP_DEMO = env_bool(
    "LOCKSTEP_DEMO",
    False,
    "Demo mode: the second factor is not enforced, `lockstep demo` may create users with known "
    "passwords, and every page shows a banner saying so.",
)

_secret = env_str(
    "LOCKSTEP_SECRET_KEY",
    "",
    "Django secret key. When empty, a random key is generated once into DATA_DIR/secret_key (mode 0600).",
)
SECRET_KEY = (
    _secret or read_or_create(DATA_DIR / "secret_key", secrets.token_urlsafe(64).encode()).decode().strip()
)

ALLOWED_HOSTS = env_list(
    "LOCKSTEP_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]", "Comma-separated host names the server answers."
)
CSRF_TRUSTED_ORIGINS = env_list(
    "LOCKSTEP_CSRF_TRUSTED_ORIGINS", "", "Comma-separated origins (scheme://host) trusted for CSRF."
)

LOCKSTEP_HOST = env_str("LOCKSTEP_HOST", "127.0.0.1", "Address `lockstep serve` and `make run` bind to.")
LOCKSTEP_PORT = env_int(
    "LOCKSTEP_PORT", 8000, "Port `lockstep serve` and `make run` listen on.", minimum=1, maximum=65535
)
LOCKSTEP_WORKERS = env_int("LOCKSTEP_WORKERS", 2, "Web worker processes of `lockstep serve`.", minimum=1)

# --- HTTPS and session security -------------------------------------------------------------------------
LOCKSTEP_HTTPS = env_bool(
    "LOCKSTEP_HTTPS",
    False,
    "The site is served over HTTPS: secure cookies, HSTS (one year, subdomains, preload) and redirect to HTTPS.",
)
if env_bool("LOCKSTEP_BEHIND_PROXY", False, "Trust X-Forwarded-Proto from a TLS-terminating reverse proxy."):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = LOCKSTEP_HTTPS
SECURE_SSL_REDIRECT = LOCKSTEP_HTTPS
SECURE_HSTS_SECONDS = 31_536_000 if LOCKSTEP_HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = LOCKSTEP_HTTPS
SECURE_HSTS_PRELOAD = LOCKSTEP_HTTPS
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# Idle timeout: the session cookie lives this long and is renewed by every request.
SESSION_COOKIE_AGE = 60 * env_int(
    "LOCKSTEP_IDLE_TIMEOUT_MINUTES", 30, "Minutes without a request after which a session ends.", minimum=1
)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# --- Applications ---------------------------------------------------------------------------------------
INSTALLED_APPS = [
    "lockstep.web.admin_config.LockstepAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "csp",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "lockstep.directory",
    "lockstep.policy",
    "lockstep.audit",
    "lockstep.alerts",
    "lockstep.accounts",
    "lockstep.intel",
    "lockstep.exchange",
    "lockstep.notices",
    "lockstep.operations",
    "lockstep.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "lockstep.api.ApiErrorShapeMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "lockstep.accounts.middleware.SignInGuardMiddleware",
    "lockstep.web.middleware.LockstepErrorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "lockstep.urls"
WSGI_APPLICATION = "lockstep.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "lockstep.web.context.shell",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------------------
_sqlite_path = DATA_DIR / "lockstep.sqlite3"
DATABASE_URL = env_str(
    "DATABASE_URL",
    "",
    "Database to use, e.g. postgres://postgres@127.0.0.1:5432/test. Empty: SQLite in DATA_DIR (WAL mode).",
)
SQLITE_OPTIONS = {
    # BEGIN IMMEDIATE: a transaction takes the write lock at its start, so concurrent writers queue instead of
    # failing half-way, and audit appends are serialised.
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
}
DATABASES = {
    "default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)
    if DATABASE_URL
    else {"ENGINE": "lockstep.lib.sqlite", "NAME": str(_sqlite_path)}
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["ENGINE"] = "lockstep.lib.sqlite"  # Django's, with queued writers (lib/sqlite)
if DATABASES["default"]["ENGINE"] == "lockstep.lib.sqlite":
    DATABASES["default"]["OPTIONS"] = {**SQLITE_OPTIONS, **DATABASES["default"].get("OPTIONS", {})}
    DATABASES["default"]["CONN_MAX_AGE"] = 60  # one connection per server thread, reused
    # Django's default for SQLite test databases, said outright: tools that key on the engine's name
    # (pytest-django under xdist) would otherwise derive a file name from the path.
    DATABASES["default"].setdefault("TEST", {"NAME": ":memory:"})
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Authentication -------------------------------------------------------------------------------------
AUTH_USER_MODEL = "directory.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "lockstep.accounts.backends.AgencyModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:dashboard"
LOGOUT_REDIRECT_URL = "accounts:login"

AXES_FAILURE_LIMIT = env_int(
    "LOCKSTEP_LOGIN_FAILURE_LIMIT",
    5,
    "Failed sign-ins (per user name and address) before lock-out.",
    minimum=1,
)
AXES_COOLOFF_TIME = timedelta(
    minutes=env_int(
        "LOCKSTEP_LOGIN_LOCKOUT_MINUTES", 15, "Minutes a locked-out sign-in stays locked.", minimum=1
    )
)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "lockstep.accounts.views.locked_out"
AXES_VERBOSE = False
AXES_ENABLE_ACCESS_FAILURE_LOG = False
AXES_IPWARE_PROXY_COUNT = 1 if "SECURE_PROXY_SSL_HEADER" in globals() else 0

OTP_TOTP_ISSUER = "Lockstep"
OTP_TOTP_THROTTLE_FACTOR = 1

LOCKSTEP_TOKEN_MAX_DAYS = env_int(
    "LOCKSTEP_TOKEN_MAX_DAYS", 365, "Longest lifetime, in days, an API token may be given.", minimum=1
)

# --- Audit ----------------------------------------------------------------------------------------------
LOCKSTEP_NODE_KEY = env_path(
    "LOCKSTEP_NODE_KEY",
    DATA_DIR / "node_key.pem",
    "Ed25519 private key (PEM) that signs audit checkpoints; created at first start with mode 0600.",
)
LOCKSTEP_AUDIT_CHECKPOINT_EVERY = env_int(
    "LOCKSTEP_AUDIT_CHECKPOINT_EVERY", 100, "Write a signed audit checkpoint every N events.", minimum=1
)

# --- Intelligence ---------------------------------------------------------------------------------------
LOCKSTEP_HIT_FANOUT = env_int(
    "LOCKSTEP_HIT_FANOUT",
    25,
    "A value held by more agencies than this is marked too common: counted, not turned into hits.",
    minimum=2,
)
LOCKSTEP_LOOKUP_MAX = env_int(
    "LOCKSTEP_LOOKUP_MAX", 10_000, "Most values one batch lookup may ask about.", minimum=1
)
LOCKSTEP_TAXII_MAX_CONTENT_LENGTH = env_int(
    "LOCKSTEP_TAXII_MAX_CONTENT_LENGTH",
    50 * 1024 * 1024,
    "Largest TAXII POST body in bytes (the API root's max_content_length); larger ones get 413.",
    minimum=1024,
)

LOCKSTEP_FEEDS_DIR = env_path(
    "LOCKSTEP_FEEDS_DIR",
    DATA_DIR / "feeds",
    "The only directory partner sources may read local files from (MISP feed directories, CSV files).",
)
LOCKSTEP_SCHEDULER_SECONDS = env_int(
    "LOCKSTEP_SCHEDULER_SECONDS",
    60,
    "How often `lockstep worker` looks for partner sources due a pull.",
    minimum=1,
)

# --- Internationalisation -------------------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fr", _("French")), ("es", _("Spanish")), ("ar", _("Arabic"))]
LANGUAGES_BIDI = ["ar"]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "UTC"
USE_TZ = True

# --- Static files ---------------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise expects it; `lockstep serve` fills it
MEDIA_ROOT = DATA_DIR / "files"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# --- Content security policy ----------------------------------------------------------------------------
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "connect-src": [SELF],
        "font-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# --- Background work ------------------------------------------------------------------------------------
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {
        "handlers": ["console"],
        "level": env_str("LOCKSTEP_LOG_LEVEL", "INFO", "Log level for operators."),
    },
}

# Request bodies: a 10,000-name screening or a notice with photos (base64) fits; larger ones get 413.
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
