"""Django settings for hallway, read from the environment.

Two modes: ``development`` (the default: a local SQLite file, a throw-away secret key, DEBUG
on unless ``HALLWAY_DEBUG=0``) and ``production`` (``HALLWAY_MODE=production``: a secret key
and allowed hosts are required, HTTPS-only cookies and HSTS, so ``check --deploy`` is clean).
A configuration mistake raises ``ImproperlyConfigured`` with one sentence naming the
variable; the ``hallway`` command prints that sentence alone and exits.
"""

from __future__ import annotations

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
    "rules",
    "hallway.common",
    "hallway.events",
    "hallway.program",
    "hallway.schedule",
    "hallway.agenda",
    "hallway.interop",
]

# Per-event roles are answered by hallway.permissions (django-rules); the model backend
# stays for logging in and for superusers.
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
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
]

ROOT_URLCONF = "hallway.urls"
WSGI_APPLICATION = "hallway.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
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

LOGIN_URL = "admin:login"

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
if os.environ.get("HALLWAY_REDIS_URL"):
    CACHES["default"] = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": os.environ["HALLWAY_REDIS_URL"],
    }

# Absolute URLs in exports made outside a request (``hallway export``).
HALLWAY_BASE_URL = os.environ.get("HALLWAY_BASE_URL", "http://127.0.0.1:8000")

# Uploaded and imported files larger than this are refused before parsing.
HALLWAY_MAX_IMPORT_BYTES = int(os.environ.get("HALLWAY_MAX_IMPORT_BYTES", 50 * 1024 * 1024))
DATA_UPLOAD_MAX_MEMORY_SIZE = HALLWAY_MAX_IMPORT_BYTES

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = _flag("HALLWAY_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("HALLWAY_HSTS_SECONDS", 31536000))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    if _flag("HALLWAY_BEHIND_PROXY", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    CSRF_TRUSTED_ORIGINS = [f"https://{h}" for h in ALLOWED_HOSTS]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("HALLWAY_LOG_LEVEL", "WARNING")},
}
