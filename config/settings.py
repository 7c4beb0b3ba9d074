"""Settings of the Hinggan e-government platform. Every environment variable is read through
``config.env`` (documented there and in docs/deploy/settings.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import dj_database_url

from config.env import env, env_int, env_list, env_required_in_production

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env("EGOV_VAR_DIR") or BASE_DIR / "var")
VAR_DIR.mkdir(parents=True, exist_ok=True)

EGOV_ENV = env("EGOV_ENV")
PRODUCTION = EGOV_ENV == "production"
DEBUG = EGOV_ENV == "development"
EGOV_ZONE = env("EGOV_ZONE")
if EGOV_ZONE not in {"public", "office", "all"}:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("EGOV_ZONE must be public, office or all")

# Demo values are public knowledge: production refuses to start without real ones.
SECRET_KEY = env_required_in_production("SECRET_KEY", "demo-only-insecure-key-hinggan-egov-0000000000000000000000")
EGOV_DATA_KEY = env_required_in_production("EGOV_DATA_KEY", "00112233445566778899aabbccddeeff")
EGOV_INDEX_KEY = env_required_in_production("EGOV_INDEX_KEY", "ffeeddccbbaa99887766554433221100")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_BASE_URL = env("SITE_BASE_URL")

KERNEL_APPS = [
    "egov.kernel.orgs",
    "egov.kernel.accounts",
    "egov.kernel.access",
    "egov.kernel.audit",
    "egov.kernel.calendar",
    "egov.kernel.workflow",
    "egov.kernel.notify",
    "egov.kernel.files",
    "egov.kernel.search",
]
DOMAIN_APPS: list[str] = [
    "egov.domain.services",
    "egov.domain.results",
    "egov.domain.agency",
    "egov.domain.data",
    "egov.domain.exchange",
    "egov.domain.portal",
    "egov.domain.inspection",
]
INSTALLED_APPS = [
    "whitenoise.runserver_nostatic",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail.locales",
    "wagtail",
    "modelcluster",
    "taggit",
    *KERNEL_APPS,
    *DOMAIN_APPS,
    "egov.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "egov.web.middleware.RequestContextMiddleware",
    "egov.web.middleware.ChineseFirstMiddleware",
    "egov.domain.portal.cache.AnonymousPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "egov.kernel.access.middleware.AccessDeniedAuditMiddleware",
    "egov.web.middleware.IdleSessionMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "axes.middleware.AxesMiddleware",
]

# Machine-to-machine API calls (the exchange API) skip the browser middleware above: no session, cookie, CSRF,
# sign-in lockout or page policy applies to them (egov/web/machine_lane.py, ADR 0024). Empty = no lane.
MACHINE_LANE_PATHS = r"^/exchange/v1/resources(?:/[^/]+/rows)?$"
MACHINE_LANE_MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "egov.web.middleware.RequestContextMiddleware",
    "egov.web.machine_lane.MachineRequestMiddleware",
]

ROOT_URLCONF = {"all": "config.urls", "public": "config.urls_public", "office": "config.urls_office"}[EGOV_ZONE]
WSGI_APPLICATION = "config.wsgi.application"

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
                "egov.web.context_processors.platform",
                "egov.kernel.notify.context_processors.unread_count",
            ],
        },
    },
]

# --- database -------------------------------------------------------------------------------------
if env("DATABASE_URL"):
    DATABASES = {"default": dj_database_url.parse(env("DATABASE_URL"), conn_max_age=60, conn_health_checks=True)}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # Django's backend, with the health check's SELECT 1 skipped for a connection used < 0.5 s ago (ADR 0022).
        DATABASES["default"]["ENGINE"] = "egov.kernel.db.postgresql"
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(VAR_DIR / "egov.sqlite3"),
            # Keep the connection between requests (as DATABASE_URL does): opening one and running the PRAGMAs
            # below cost ~1 ms of every request.
            "CONN_MAX_AGE": 60,
            # WAL lets readers work while one writer commits; IMMEDIATE avoids lock-upgrade deadlocks.
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
            },
        }
    }
# The exchange gateway's and the workflow's hot statements are prepared on PostgreSQL (ADR 0023).
DATABASE_PREPARED_STATEMENTS = env("DATABASE_PREPARED_STATEMENTS").lower() not in {"off", "0", "false", "no"}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- cache and sessions ---------------------------------------------------------------------------
if env("REDIS_URL"):
    CACHES = {"default": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": env("REDIS_URL")}}
    SESSION_ENGINE = "django.contrib.sessions.backends.cache"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "egov"}}
    SESSION_ENGINE = "django.contrib.sessions.backends.db"

# --- accounts and security ------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "/"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    # Length (≥8) is enforced by ComplexityValidator: Django 5.2's MinimumLengthValidator message has no zh-hans text.
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "egov.kernel.accounts.passwords.ComplexityValidator"},
    {"NAME": "egov.kernel.accounts.passwords.HistoryValidator", "OPTIONS": {"history": 5}},
]
PASSWORD_MAX_AGE_DAYS = 90
SESSION_IDLE_SECONDS = env_int("SESSION_IDLE_MINUTES") * 60
SESSION_COOKIE_AGE = 12 * 3600
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the cookie-free meta tag; keep Django's default
CSRF_FAILURE_VIEW = "egov.web.views.csrf_failure"
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT")
AXES_COOLOFF_TIME = env_int("LOGIN_LOCKOUT_MINUTES") / 60
AXES_LOCKOUT_PARAMETERS = ["username"]
# axes.W006 asks for IP lockouts too. Deliberately not: citizens reach the portal through carrier-grade NAT,
# so locking an IP after a few failures would lock out thousands of people at once. Lockout is per account
# (等保 2.0); per-IP request rate limiting belongs to the reverse proxy in front of the platform.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "egov.kernel.accounts.views.lockout_response"
AXES_VERBOSE = False
AXES_ENABLE_ACCESS_FAILURE_LOG = True
OTP_TOTP_ISSUER = "兴安盟电子政务"

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SECURE_SSL_REDIRECT = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],  # Wagtail admin needs inline styles; no inline scripts anywhere
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# --- i18n: Chinese first --------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English"), ("mn", "ᠮᠣᠩᠭᠣᠯ")]
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = [("zh-hans", "简体中文"), ("mn", "ᠮᠣᠩᠭᠣᠯ")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- static and media -----------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [("vendor", BASE_DIR / "var" / "vendor")]
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
if env("STORAGE_BACKEND") == "s3":
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "endpoint_url": env("S3_ENDPOINT_URL"),
            "bucket_name": env("S3_BUCKET"),
            "access_key": env("S3_ACCESS_KEY"),
            "secret_key": env("S3_SECRET_KEY"),
            "default_acl": "private",
            "querystring_auth": True,
        },
    }
WHITENOISE_USE_FINDERS = DEBUG
if EGOV_ENV == "test":
    # Tests (and the live server of browser tests) serve static files straight from the finders: no collectstatic.
    STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    WHITENOISE_USE_FINDERS = True
    WHITENOISE_AUTOREFRESH = True
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# --- tasks ----------------------------------------------------------------------------------------
TASKS = {"default": {"BACKEND": "egov.kernel.tasks.DatabaseBackend"}}  # django-tasks-db, see the module
if EGOV_ENV == "test":
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# --- working-day calendar (STANDARDS.md §1) -----------------------------------------------------
CALENDAR_COUNT_START_DAY = False  # counting starts the next working day
CALENDAR_YELLOW_RATIO = 0.2  # 预警 when ≤ 20% of the limit remains …
CALENDAR_YELLOW_DAYS = 2  # … or ≤ 2 working days

# --- e-mail and SMS -------------------------------------------------------------------------------
if env("EMAIL_URL") == "console":
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = "noreply@xam.gov.cn"
SMS_BACKEND = env("SMS_BACKEND")
SMS_HTTP_URL = env("SMS_HTTP_URL")
SMS_HTTP_TOKEN = env("SMS_HTTP_TOKEN")

# --- Wagtail --------------------------------------------------------------------------------------
WAGTAIL_SITE_NAME = "兴安盟人民政府门户网站"
WAGTAILADMIN_BASE_URL = SITE_BASE_URL
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}

# --- API ------------------------------------------------------------------------------------------
NINJA_PAGINATION_PER_PAGE = 20

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": "INFO"},
    "loggers": {"django.db.backends": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}
