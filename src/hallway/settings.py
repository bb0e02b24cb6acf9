"""Django settings for hallway, read from the environment.

Two modes: ``development`` (the default: a local SQLite file, a throw-away secret key, DEBUG
on unless ``HALLWAY_DEBUG=0``) and ``production`` (``HALLWAY_MODE=production``: a secret key
and allowed hosts are required, HTTPS-only cookies and HSTS, so ``check --deploy`` is clean).
A configuration mistake raises ``ImproperlyConfigured`` with one sentence naming the
variable; the ``hallway`` command prints that sentence alone and exits.
"""

from __future__ import annotations

import datetime as dt
import os
import zoneinfo
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("HALLWAY_DATA_DIR", Path.cwd() / "var")).resolve()


def _flag(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    if raw.lower() in {"1", "true", "yes", "on"}:
        return True
    if raw.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean: use 1 or 0.")


MODE = os.environ.get("HALLWAY_MODE", "development")
if MODE not in {"development", "production"}:
    raise ImproperlyConfigured(
        f"HALLWAY_MODE={MODE!r} is unknown: use 'development' or 'production'."
    )
PRODUCTION = MODE == "production"
DEBUG = False if PRODUCTION else _flag("HALLWAY_DEBUG", True)

SECRET_KEY = os.environ.get("HALLWAY_SECRET_KEY", "")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured(
            "HALLWAY_SECRET_KEY is not set: production mode needs a long random secret key "
            "(python -c 'import secrets; print(secrets.token_urlsafe(50))')."
        )
    SECRET_KEY = "development-only-not-secret-" + "x" * 40
elif PRODUCTION and (
    len(SECRET_KEY) < 50
    or len(set(SECRET_KEY)) < 10
    or SECRET_KEY.startswith(("django-insecure", "development-only"))
):
    # The same test as Django's security.W009, made an error: a guessable key lets anyone
    # sign session cookies and password-reset links.
    raise ImproperlyConfigured(
        "HALLWAY_SECRET_KEY is too weak for production: use at least 50 random characters "
        "(python -c 'import secrets; print(secrets.token_urlsafe(50))')."
    )

_hosts = os.environ.get("HALLWAY_ALLOWED_HOSTS", "")
if PRODUCTION and not _hosts:
    raise ImproperlyConfigured(
        "HALLWAY_ALLOWED_HOSTS is not set: production mode needs the host names it serves "
        "(comma-separated, e.g. schedule.example.org)."
    )
ALLOWED_HOSTS = [h.strip() for h in _hosts.split(",") if h.strip()] or [
    "127.0.0.1",
    "localhost",
    "[::1]",
    "testserver",
]

TIME_ZONE = os.environ.get("HALLWAY_TIME_ZONE", "UTC")
try:
    zoneinfo.ZoneInfo(TIME_ZONE)
except (zoneinfo.ZoneInfoNotFoundError, ValueError):
    raise ImproperlyConfigured(
        f"HALLWAY_TIME_ZONE={TIME_ZONE!r} is not a known IANA time zone (e.g. America/Los_Angeles)."
    ) from None
USE_TZ = True
USE_I18N = True
LANGUAGE_CODE = "en"

_default_db = f"sqlite:///{DATA_DIR / 'hallway.sqlite3'}"
_db_url = os.environ.get("DATABASE_URL") or _default_db
try:
    _db = dj_database_url.parse(_db_url, conn_max_age=60)
except Exception as exc:  # dj_database_url raises several types for a malformed URL
    raise ImproperlyConfigured(f"DATABASE_URL={_db_url!r} cannot be used: {exc}") from None
if not _db.get("ENGINE"):
    raise ImproperlyConfigured(
        f"DATABASE_URL={_db_url!r} names no supported database: use sqlite:///PATH or "
        "postgres://USER@HOST:PORT/NAME."
    )
if _db["ENGINE"] == "django.db.backends.sqlite3":
    _db["CONN_MAX_AGE"] = 0
    _db["OPTIONS"] = {
        # WAL lets the web server read while an import or release writes; IMMEDIATE makes
        # writers queue on the lock instead of failing with "database is locked".
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
        "PRAGMA foreign_keys=ON;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    if _db["NAME"] not in ("", ":memory:"):
        Path(_db["NAME"]).parent.mkdir(parents=True, exist_ok=True)
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "csp",
    "django_htmx",
    "axes",
    "hallway.common",
    "hallway.events",
    "hallway.audit",
    "hallway.programme",
    "hallway.schedule",
    "hallway.attendees",
    "hallway.agenda",
    "hallway.interop",
    "hallway.cfp",
    "hallway.backup",
    "hallway.search",
    "hallway.manage",
    "hallway.server",
    "rules.apps.AutodiscoverRulesConfig",
    "allauth",
    "allauth.account",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    # First: probes are answered before host validation and the HTTPS redirect.
    "hallway.common.health.HealthMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into its lockout response.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    # First, so that a locked-out account or address is refused before its password is tried.
    "hallway.common.auth.LoginThrottle",
    # Object permissions (who reviews, organises or speaks for what): rules predicates.
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
    # Speakers and reviewers log in with their email address.
    "allauth.account.auth_backends.AuthenticationBackend",
]

ROOT_URLCONF = "hallway.urls"
WSGI_APPLICATION = "hallway.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # Site-wide pages (404, 500, the login lockout) that belong to no single app.
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    }
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Tests render pages with DEBUG off; they must not need a collectstatic manifest.
WHITENOISE_MANIFEST_STRICT = False

LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "cfp:me"

# Accounts (django-allauth): an email address and a password; the address is verified by a
# link before the account can log in, and a password is reset by a link sent to it.
ACCOUNT_LOGIN_METHODS = {"email", "username"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_UNIQUE_EMAIL = True
# Visible labels and no placeholders standing in for them (hallway/cfp/account_forms.py).
ACCOUNT_FORMS = {
    name: f"hallway.cfp.account_forms.{cls}"
    for name, cls in {
        "login": "LoginForm",
        "signup": "SignupForm",
        "add_email": "AddEmailForm",
        "change_password": "ChangePasswordForm",
        "set_password": "SetPasswordForm",
        "reset_password": "ResetPasswordForm",
        "reset_password_from_key": "ResetPasswordKeyForm",
        "reauthenticate": "ReauthenticateForm",
    }.items()
}
ACCOUNT_LOGOUT_REDIRECT_URL = "/"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[hallway] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if PRODUCTION else "http"
# allauth throttles logins itself too; django-axes already does (per username and address),
# so one lockout policy applies, the one documented above.
ACCOUNT_RATE_LIMITS = {"login_failed": False}


def _email_settings(url: str) -> dict:
    """Django email settings from ``HALLWAY_EMAIL_URL``: ``console:``, ``smtp://host:port``,
    ``smtp+tls://user:password@host:587`` or ``smtps://...`` (TLS from the first byte)."""
    from urllib.parse import unquote, urlsplit

    parts = urlsplit(url)
    if parts.scheme == "console":
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if parts.scheme == "locmem":
        return {"EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
    if parts.scheme in {"smtp", "smtp+tls", "smtps"}:
        try:
            port = parts.port
        except ValueError:
            port = None
            parts = None
        if parts is None or not parts.hostname:
            raise ImproperlyConfigured(
                f"HALLWAY_EMAIL_URL={url!r} names no host: use smtp://host:port."
            )
        default_port = {"smtp": 25, "smtp+tls": 587, "smtps": 465}[parts.scheme]
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": parts.hostname,
            "EMAIL_PORT": port or default_port,
            "EMAIL_HOST_USER": unquote(parts.username or ""),
            "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
            "EMAIL_USE_TLS": parts.scheme == "smtp+tls",
            "EMAIL_USE_SSL": parts.scheme == "smtps",
        }
    raise ImproperlyConfigured(
        f"HALLWAY_EMAIL_URL={url!r} is not understood: use console:, smtp://host:port, "
        "smtp+tls://user:password@host:587 or smtps://user:password@host:465."
    )


# Development prints mail on the console; production hands it to the local mail server unless
# told otherwise.
_email_url = os.environ.get("HALLWAY_EMAIL_URL") or (
    "smtp://localhost:25" if PRODUCTION else "console:"
)
globals().update(_email_settings(_email_url))
# A mail server that hangs must not hold a message for longer than its sender's claim on it
# (cfp.services.mail.SENDING_CLAIM, five minutes): the socket gives up after a minute.
EMAIL_TIMEOUT = int(os.environ.get("HALLWAY_EMAIL_TIMEOUT", 60))
DEFAULT_FROM_EMAIL = os.environ.get("HALLWAY_FROM_EMAIL", "hallway <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Login throttling (django-axes): after HALLWAY_LOGIN_ATTEMPTS failures for one username from
# one address, that pair is locked for HALLWAY_LOGIN_LOCKOUT_MINUTES; other people and other
# addresses are not.  `hallway axes_reset_username NAME` lifts a lock at once.
AXES_FAILURE_LIMIT = int(os.environ.get("HALLWAY_LOGIN_ATTEMPTS", 5))
AXES_COOLOFF_TIME = dt.timedelta(minutes=int(os.environ.get("HALLWAY_LOGIN_LOCKOUT_MINUTES", 15)))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "lockout.html"
AXES_VERBOSE = False
# allauth passes the address as ``email`` (or the form's ``login``), not ``username``.
AXES_USERNAME_CALLABLE = "hallway.common.auth.login_name"
# The client address is REMOTE_ADDR unless a proxy in front of us is trusted to set it.
AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
if os.environ.get("HALLWAY_REDIS_URL"):
    CACHES["default"] = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": os.environ["HALLWAY_REDIS_URL"],
    }

# Absolute URLs in exports made outside a request (``hallway export``).
HALLWAY_BASE_URL = os.environ.get("HALLWAY_BASE_URL", "http://127.0.0.1:8000")

# Exports written once per change of the programme and sent as files (interop/export_files.py):
# a directory of each server's own (an emptyDir) or a shared one; only a cache.
HALLWAY_EXPORT_DIR = Path(os.environ.get("HALLWAY_EXPORT_DIR", DATA_DIR / "exports"))

# Uploaded and imported files larger than this are refused before parsing.
HALLWAY_MAX_IMPORT_BYTES = int(os.environ.get("HALLWAY_MAX_IMPORT_BYTES", 50 * 1024 * 1024))
DATA_UPLOAD_MAX_MEMORY_SIZE = HALLWAY_MAX_IMPORT_BYTES

# Content-Security-Policy: no inline or foreign script anywhere (an injected <script> or
# javascript: link does nothing), styles from our own files.  Inline style *attributes* are
# allowed (style-src-attr) because the programme grid places each card with one; every value
# written into them is validated (colours are #rrggbb).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
    )
}

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Forwarded headers (X-Forwarded-Proto, -For) are trusted only when an operator says a proxy
# terminates TLS in front of hallway; otherwise any client could claim to be on HTTPS.
HALLWAY_BEHIND_PROXY = _flag("HALLWAY_BEHIND_PROXY", False)
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = _flag("HALLWAY_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("HALLWAY_HSTS_SECONDS", 31536000))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    if HALLWAY_BEHIND_PROXY:
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    CSRF_TRUSTED_ORIGINS = [f"https://{h}" for h in ALLOWED_HOSTS]

# Logs go to standard error; in production (or with HALLWAY_LOG_FORMAT=json) one JSON object a
# line, which log collectors parse without rules of their own.
LOG_FORMAT = os.environ.get("HALLWAY_LOG_FORMAT", "json" if PRODUCTION else "text")
if LOG_FORMAT not in {"json", "text"}:
    raise ImproperlyConfigured(f"HALLWAY_LOG_FORMAT={LOG_FORMAT!r} is unknown: use json or text.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
        "text": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": os.environ.get("HALLWAY_LOG_LEVEL", "WARNING")},
}

# Files speakers upload with their answers; never served directly.
MEDIA_ROOT = DATA_DIR / "media"

# Background work (django-tasks): mail to speakers is sent by `hallway worker` from a queue in
# the database when HALLWAY_TASKS=database; by default (development, the demo) it is sent at
# once, in the request that released it, so nothing needs a worker running.
_tasks = os.environ.get("HALLWAY_TASKS", "immediate")
if _tasks not in {"immediate", "database"}:
    raise ImproperlyConfigured(f"HALLWAY_TASKS={_tasks!r} is unknown: use immediate or database.")
# A failed send is tried again by `hallway worker`, first after this many seconds, then after
# twice as long each time (at most an hour apart), up to this many tries in all; then it waits
# in the outbox, with its error, for an organiser to send it again.
HALLWAY_MAIL_RETRY_SECONDS = float(os.environ.get("HALLWAY_MAIL_RETRY_SECONDS", "60"))
HALLWAY_MAIL_MAX_ATTEMPTS = int(os.environ.get("HALLWAY_MAIL_MAX_ATTEMPTS", "10"))
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend"
        if _tasks == "database"
        else "django_tasks.backends.immediate.ImmediateBackend"
    }
}
