"""The one settings module: everything a deployment changes comes from FENGQIAO_* variables.

With nothing set, fengqiao runs in DEBUG on an embedded SQLite database under ./var/.
Production sets FENGQIAO_DEBUG=0, FENGQIAO_SECRET_KEY, FENGQIAO_SM4_KEY and DATABASE_URL.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name: str, default: str) -> bool:
    return os.getenv(name, default).lower() in ("1", "true", "yes", "on")


def envint(name: str, default: int) -> int:
    return int(os.getenv(name, str(default)))


def envsecret(name: str, default: str = "") -> str:
    """A secret from NAME, or from the file that NAME_FILE points at."""
    path = os.getenv(f"{name}_FILE")
    if path:
        return Path(path).read_text(encoding="utf-8").strip()
    return os.getenv(name, default)


DEBUG = envbool("FENGQIAO_DEBUG", "1")
DATA_DIR = Path(os.getenv("FENGQIAO_DATA_DIR", str(BASE_DIR / "var")))
DATA_DIR.mkdir(parents=True, exist_ok=True)
SECRET_KEY = envsecret("FENGQIAO_SECRET_KEY", "dev-only-insecure-key" if DEBUG else "")
ALLOWED_HOSTS = os.getenv("FENGQIAO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "ninja",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "fengqiao.core",
    "fengqiao.audit",
    "fengqiao.regions",
    "fengqiao.units",
    "fengqiao.accounts",
    "fengqiao.rules",
    "fengqiao.documents",
    "fengqiao.console",
    "fengqiao.cases",
    "fengqiao.procedures",
    "fengqiao.mediation",
    "fengqiao.petitions",
    "fengqiao.reports",
    "fengqiao.visits",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "fengqiao.core.middleware.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "fengqiao.accounts.middleware.PasswordChangeRequiredMiddleware",
    "fengqiao.accounts.middleware.MfaRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "fengqiao.core.middleware.RequestContextMiddleware",
]

ROOT_URLCONF = "fengqiao.urls"
WSGI_APPLICATION = "fengqiao.wsgi.application"

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
                "fengqiao.console.context.console",
            ],
        },
    },
]


def database_config() -> dict[str, Any]:
    url = os.getenv("DATABASE_URL")
    if url:
        return dict(dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True))
    # REL-01: the embedded default acknowledges only durable commits (WAL + synchronous=FULL).
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(DATA_DIR / "fengqiao.sqlite3"),
        "OPTIONS": {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; "
            "PRAGMA foreign_keys=ON; PRAGMA busy_timeout=10000;",
            "transaction_mode": "IMMEDIATE",
        },
        "TEST": {"NAME": str(DATA_DIR / "test.sqlite3")},
    }


DATABASES = {"default": database_config()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

# AUTH-02, AUTH-07: the 等保 password profile; PBKDF2 with Django's default iterations.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "fengqiao.accounts.passwords.DengbaoPasswordValidator",
        "OPTIONS": {"min_length": envint("FENGQIAO_PASSWORD_MIN_LENGTH", 12)},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"

# AUTH-06: every account signs in with a second factor (docs/security.md, 多因素认证). Only the
# demo and the test suite turn this off; a deploy check refuses it off with DEBUG off.
FENGQIAO_MFA_REQUIRED = envbool("FENGQIAO_MFA_REQUIRED", "1")
# The second factors offered (fengqiao/accounts/mfa.py): TOTP and recovery codes by default;
# a 密评 deployment adds an SM2 certificate / USB key or the provincial SSO back end here.
FENGQIAO_MFA_BACKENDS = [
    *filter(None, os.getenv("FENGQIAO_MFA_BACKENDS", "").split(",")),
] or [
    "fengqiao.accounts.mfa.TotpFactor",
    "fengqiao.accounts.mfa.RecoveryCodeFactor",
]
OTP_TOTP_ISSUER = os.getenv("FENGQIAO_OTP_ISSUER", "枫桥平台")
# How many single-use recovery codes an enrolment issues (AUTH-06).
FENGQIAO_MFA_RECOVERY_CODES = envint("FENGQIAO_MFA_RECOVERY_CODES", 10)

# AUTH-04: lockout after repeated failures.
LOGIN_FAILURE_LIMIT = envint("FENGQIAO_LOGIN_FAILURE_LIMIT", 5)
LOGIN_FAILURE_WINDOW_MINUTES = envint("FENGQIAO_LOGIN_FAILURE_WINDOW_MINUTES", 15)
LOGIN_LOCK_MINUTES = envint("FENGQIAO_LOGIN_LOCK_MINUTES", 30)
# Reverse proxies whose X-Forwarded-For is believed (the audit log's and the throttle's client
# address); empty: REMOTE_ADDR is the client.
TRUSTED_PROXIES = frozenset(filter(None, os.getenv("FENGQIAO_TRUSTED_PROXIES", "").split(",")))
# AUTH-04: per source address, failures (any login ID) within the window before that address
# is refused without a password check.
LOGIN_IP_FAILURE_LIMIT = envint("FENGQIAO_LOGIN_IP_FAILURE_LIMIT", 30)
# AUTH-03: maximum password age in days (0 turns periodic change off), the warning before it,
# and how many recent passwords (the current one included) may not be chosen again.
PASSWORD_MAX_AGE_DAYS = envint("FENGQIAO_PASSWORD_MAX_AGE_DAYS", 90)
PASSWORD_EXPIRY_WARNING_DAYS = envint("FENGQIAO_PASSWORD_EXPIRY_WARNING_DAYS", 7)
PASSWORD_HISTORY = envint("FENGQIAO_PASSWORD_HISTORY", 5)
# SOD-02: with strict separation no administrator role is held together with a business role.
FENGQIAO_SOD_STRICT = envbool("FENGQIAO_SOD_STRICT", "1")
# PII-02: unmasking more than this many values per user and hour is refused (proposed default).
PII_UNMASK_PER_HOUR = envint("FENGQIAO_PII_UNMASK_PER_HOUR", 30)

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "fengqiao" / "locale"]

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
MEDIA_ROOT = DATA_DIR / "media"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = envint("FENGQIAO_SESSION_SECONDS", 30 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = envbool("FENGQIAO_SSL_REDIRECT", "1")
    SECURE_HSTS_SECONDS = envint("FENGQIAO_HSTS_SECONDS", 31536000)

# CRY-*: SM4 key for personal information at rest (hex, 32 characters). DEBUG keeps a
# generated development key under DATA_DIR; production refuses to start without one.
SM4_KEY = envsecret("FENGQIAO_SM4_KEY")
CRYPTO_PROVIDER = os.getenv("FENGQIAO_CRYPTO_PROVIDER", "fengqiao.core.crypto.SoftwareSMProvider")

# AUD-05: audit checkpoints (last seq, head hash, time) signed with HMAC-SM3 under a key the
# system administrator does not hold, appended to a file that production ships off the
# database host (syslog, log server or object store); see docs/security.md.
AUDIT_CHECKPOINT_KEY = envsecret("FENGQIAO_AUDIT_CHECKPOINT_KEY")
AUDIT_CHECKPOINT_FILE = Path(
    os.getenv("FENGQIAO_AUDIT_CHECKPOINT_FILE", str(DATA_DIR / "audit-checkpoints.jsonl"))
)
AUDIT_CHECKPOINT_MINUTES = envint("FENGQIAO_AUDIT_CHECKPOINT_MINUTES", 5)

# Demo accounts exist only when `fengqiao demo` creates them (AUTH-01).
DEMO_PASSWORD = os.getenv("FENGQIAO_DEMO_PASSWORD", "Fengqiao@2026demo")

NINJA_PAGINATION_PER_PAGE = 50

# Warn operators when working-day calendar coverage ends within this many days (docs/clocks.md).
CALENDAR_COVERAGE_WARNING_DAYS = envint("FENGQIAO_CALENDAR_WARNING_DAYS", 60)
# Background exports (fengqiao.documents): files kept for EXPORT_TTL_HOURS, a stalled job is
# retried after EXPORT_STALE_MINUTES without progress, at most EXPORT_MAX_ATTEMPTS times.
EXPORT_TTL_HOURS = envint("FENGQIAO_EXPORT_TTL_HOURS", 24)
EXPORT_STALE_MINUTES = envint("FENGQIAO_EXPORT_STALE_MINUTES", 30)
EXPORT_MAX_ATTEMPTS = envint("FENGQIAO_EXPORT_MAX_ATTEMPTS", 3)
EXPORT_MAX_PENDING = envint("FENGQIAO_EXPORT_MAX_PENDING", 5)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.getenv("FENGQIAO_LOG_LEVEL", "WARNING")},
}
