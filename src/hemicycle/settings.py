"""Settings, read from environment variables with safe defaults for the embedded mode.

Embedded mode (``make demo``): SQLite file and local file storage under ``HEMICYCLE_DATA``,
console e-mail, one database-backed task worker. Production: see docs/production.md.
"""

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("HEMICYCLE_DATA", Path.cwd() / "var")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on", "oui"}


DEBUG = env_bool("HEMICYCLE_DEBUG", False)
SECRET_KEY = os.environ.get("HEMICYCLE_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG and env_bool("HEMICYCLE_PRODUCTION", False):
        raise RuntimeError("HEMICYCLE_SECRET_KEY doit être défini en production.")
    SECRET_KEY = "embedded-mode-insecure-key-change-me-in-production-0123456789"
ALLOWED_HOSTS = [h for h in os.environ.get("HEMICYCLE_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("HEMICYCLE_CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.forms",
    "dsfr",
    "django_htmx",
    "django_tasks_db",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "hemicycle.core",
    "hemicycle.accounts",
    "hemicycle.organisation",
    "hemicycle.journal",
    "hemicycle.acts",
    "hemicycle.circuits",
    "hemicycle.documents",
    "hemicycle.notifications",
    "hemicycle.sittings",
    "hemicycle.portal",
    "hemicycle.legality",
    "hemicycle.publication",
    "hemicycle.archives",
    "hemicycle.opendata",
    "hemicycle.search",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "hemicycle.core.middleware.AuthorityMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "hemicycle.urls"
WSGI_APPLICATION = "hemicycle.wsgi.application"
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

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
                "dsfr.context_processors.site_config",
                "hemicycle.core.context_processors.hemicycle",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------------
# DATABASE_URL selects PostgreSQL in production (postgres://user:pass@host/db); the default is
# an embedded SQLite file, in WAL mode with IMMEDIATE transactions so that concurrent writers
# queue instead of failing ("database is locked").
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{DATA_DIR / 'hemicycle.sqlite3'}"),
        conn_max_age=int(os.environ.get("HEMICYCLE_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }
    # A file, not memory, so that tests can exercise several connections at once.
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Authentication -----------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Lockout (django-axes): 5 failures for one username from one address lock it for 15 minutes.
AXES_FAILURE_LIMIT = int(os.environ.get("HEMICYCLE_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("HEMICYCLE_LOGIN_COOLOFF_HOURS", "0.25"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_ENABLED = env_bool("HEMICYCLE_AXES_ENABLED", True)
OTP_TOTP_ISSUER = "Hémicycle"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("HEMICYCLE_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "SAMEORIGIN"  # the act preview PDF is shown in an iframe of our own pages

# --- Internationalisation -----------------------------------------------------------------
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

# --- Files --------------------------------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("HEMICYCLE_STATIC_ROOT", DATA_DIR / "static"))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_ROOT = Path(os.environ.get("HEMICYCLE_STORAGE_PATH", DATA_DIR / "files"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Upload limits: an annex may be up to HEMICYCLE_MAX_ANNEX_MB (default 20 MB).
HEMICYCLE_MAX_ANNEX_BYTES = int(float(os.environ.get("HEMICYCLE_MAX_ANNEX_MB", "20")) * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- E-mail -------------------------------------------------------------------------------
# Django 6.1 mailers. Embedded default: the console (mails are printed by the worker/server).
# Production: HEMICYCLE_EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend + host/port.
_EMAIL_BACKEND = os.environ.get("HEMICYCLE_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
_EMAIL_OPTIONS = {}
if _EMAIL_BACKEND.endswith("smtp.EmailBackend"):
    _EMAIL_OPTIONS = {"host": os.environ.get("HEMICYCLE_EMAIL_HOST", "localhost"),
                      "port": int(os.environ.get("HEMICYCLE_EMAIL_PORT", "25")),
                      "use_tls": env_bool("HEMICYCLE_EMAIL_TLS", False)}
    if os.environ.get("HEMICYCLE_EMAIL_USER"):
        _EMAIL_OPTIONS.update(username=os.environ["HEMICYCLE_EMAIL_USER"],
                              password=os.environ.get("HEMICYCLE_EMAIL_PASSWORD", ""))
MAILERS = {"default": {"BACKEND": _EMAIL_BACKEND, "OPTIONS": _EMAIL_OPTIONS}}
DEFAULT_FROM_EMAIL = os.environ.get("HEMICYCLE_FROM_EMAIL", "Hémicycle <noreply@hemicycle.localhost>")
HEMICYCLE_BASE_URL = os.environ.get("HEMICYCLE_BASE_URL", "http://127.0.0.1:8000")
# Push channel of the live screens (``hemicycle live_push``, server-sent events). Empty: the
# pages poll. Set to the URL the browsers reach it at (the same origin behind a reverse proxy).
HEMICYCLE_LIVE_PUSH_URL = os.environ.get("HEMICYCLE_LIVE_PUSH_URL", "").rstrip("/")

# --- Background work ----------------------------------------------------------------------
# Django's tasks framework. Embedded: the database backend, run by `hemicycle db_worker`.
# Tests: HEMICYCLE_TASKS=immediate runs tasks in-process. Production: several `db_worker`
# processes on PostgreSQL (rows are claimed with SELECT … FOR UPDATE SKIP LOCKED).
_TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django.tasks.backends.immediate.ImmediateBackend",
}
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[os.environ.get("HEMICYCLE_TASKS", "database")]}}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("HEMICYCLE_LOG_LEVEL", "WARNING")},
}

# django-dsfr
DSFR_USE_INTEGRITY_CHECKSUMS = True
# Static files are served by WhiteNoise; in embedded mode straight from the apps (no collectstatic).
WHITENOISE_USE_FINDERS = env_bool("HEMICYCLE_STATIC_FROM_APPS", True)

# Periodic tasks enqueued by `hemicycle run_scheduler`: (dotted path of a django.tasks task, seconds).
HEMICYCLE_PERIODIC_TASKS: list[tuple[str, int]] = [
    ("hemicycle.circuits.tasks.send_reminders", 3600),  # at most one reminder a day per late step
    ("hemicycle.archives.tasks.fixity_check", 7 * 24 * 3600),  # weekly audit of stored files, journaled
    ("hemicycle.legality.tasks.poll_transmissions", int(os.environ.get("HEMICYCLE_ACTES_POLL_SECONDS", "60"))),
]

# Legality control (@CTES): the transmission operator's S²LOW-compatible API. Default: the
# prefecture simulator shipped with Hémicycle (`hemicycle prefecture_simulator`, started by
# `make demo`). Login defaults to the authority's SIREN. See legality/connectors.py.
HEMICYCLE_ACTES_OPERATOR_URL = os.environ.get("HEMICYCLE_ACTES_OPERATOR_URL", "http://127.0.0.1:8010")
HEMICYCLE_ACTES_OPERATOR_LOGIN = os.environ.get("HEMICYCLE_ACTES_OPERATOR_LOGIN", "")
HEMICYCLE_ACTES_OPERATOR_PASSWORD = os.environ.get("HEMICYCLE_ACTES_OPERATOR_PASSWORD", "simulateur")
HEMICYCLE_ACTES_OPERATOR_CERT = os.environ.get("HEMICYCLE_ACTES_OPERATOR_CERT", "")  # RGS client certificate (PEM)
HEMICYCLE_ACTES_OPERATOR_KEY = os.environ.get("HEMICYCLE_ACTES_OPERATOR_KEY", "")
HEMICYCLE_ACTES_OPERATOR_CA = os.environ.get("HEMICYCLE_ACTES_OPERATOR_CA", "")  # CA bundle path, or "false"
HEMICYCLE_ACTES_OPERATOR_TIMEOUT = float(os.environ.get("HEMICYCLE_ACTES_OPERATOR_TIMEOUT", "30"))

# RFC 3161 timestamping of convocation manifests. Empty URL: the embedded timestamping key in
# $HEMICYCLE_DATA/tsa/ (created on first use). Production: an external service.
HEMICYCLE_TSA_URL = os.environ.get("HEMICYCLE_TSA_URL", "")
HEMICYCLE_TSA_CERT = os.environ.get("HEMICYCLE_TSA_CERT", "")  # PEM of the service's certificate
HEMICYCLE_TSA_USER = os.environ.get("HEMICYCLE_TSA_USER", "")
HEMICYCLE_TSA_PASSWORD = os.environ.get("HEMICYCLE_TSA_PASSWORD", "")
HEMICYCLE_TSA_TIMEOUT = os.environ.get("HEMICYCLE_TSA_TIMEOUT", "10")
