"""The one place settings are read from the environment.

Every variable the platform understands is declared here with its default and meaning, so an operator
reads this file (or ``docs/deploy/settings.md``) and knows everything that can be set. Demo defaults are
safe for a laptop; with ``EGOV_ENV=production`` a missing secret is a loud start-up failure.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured


@dataclass(frozen=True)
class Variable:
    name: str
    default: str | None
    help: str
    secret: bool = False


#: Every environment variable, in the order an operator would set them.
VARIABLES: dict[str, Variable] = {
    v.name: v
    for v in [
        Variable("EGOV_ENV", "development", "development | test | production; production refuses unsafe defaults"),
        Variable("EGOV_ZONE", "all", "public (extranet) | office (intranet) | all (demo: both URL sets)"),
        Variable("SECRET_KEY", None, "Django secret key; required in production", secret=True),
        Variable(
            "EGOV_DATA_KEY", None, "hex-encoded 128-bit SM4 key for personal data at rest; required in production", True
        ),
        Variable("EGOV_INDEX_KEY", None, "hex-encoded blind index key (HMAC-SM3); required in production", True),
        Variable("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver", "comma-separated host names served"),
        Variable("CSRF_TRUSTED_ORIGINS", "", "comma-separated origins (https://www.xam.gov.cn) behind a proxy"),
        Variable("DATABASE_URL", "", "e.g. postgres://user@127.0.0.1:5432/egov; empty = embedded SQLite in var/"),
        Variable(
            "DATABASE_PREPARED_STATEMENTS",
            "on",
            "on | off: hot statements prepared on PostgreSQL (ADR 0023); off behind a pooler that cannot keep them",
        ),
        Variable("REDIS_URL", "", "e.g. redis://127.0.0.1:6379/0; empty = local-memory cache and database sessions"),
        Variable("STORAGE_BACKEND", "local", "local | s3 (S3-compatible object storage such as MinIO)"),
        Variable("S3_ENDPOINT_URL", "", "object storage endpoint when STORAGE_BACKEND=s3"),
        Variable("S3_BUCKET", "egov", "object storage bucket"),
        Variable("S3_ACCESS_KEY", "", "object storage access key", secret=True),
        Variable("S3_SECRET_KEY", "", "object storage secret key", secret=True),
        Variable("EGOV_VAR_DIR", "", "directory for the SQLite file, uploads and logs; default ./var"),
        Variable("SESSION_IDLE_MINUTES", "30", "idle session timeout in minutes (等保 2.0: session timeout)"),
        Variable("LOGIN_FAILURE_LIMIT", "5", "failed sign-ins before an account is locked"),
        Variable("LOGIN_LOCKOUT_MINUTES", "30", "how long a lockout lasts"),
        Variable("SMS_BACKEND", "console", "console | http: where SMS verification codes and notices go"),
        Variable("SMS_HTTP_URL", "", "HTTP SMS gateway endpoint when SMS_BACKEND=http"),
        Variable("SMS_HTTP_TOKEN", "", "HTTP SMS gateway token", secret=True),
        Variable("EMAIL_URL", "console", "console | smtp://user:pass@host:port"),
        Variable("SITE_BASE_URL", "http://127.0.0.1:8000", "absolute base URL used in QR codes and e-mails"),
    ]
}


def env(name: str) -> str:
    """Return the value of a declared variable, or its default ('' when it has none)."""
    variable = VARIABLES[name]
    value = os.environ.get(name)
    if value is None or value == "":
        return variable.default or ""
    return value


def env_list(name: str) -> list[str]:
    return [item.strip() for item in env(name).split(",") if item.strip()]


def env_int(name: str) -> int:
    raw = env(name)
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from exc


def env_required_in_production(name: str, demo_value: str) -> str:
    """A secret: production must set it; elsewhere a fixed, clearly-marked demo value is used."""
    value = env(name)
    if value:
        return value
    if env("EGOV_ENV") == "production":
        raise ImproperlyConfigured(f"{name} must be set when EGOV_ENV=production ({VARIABLES[name].help})")
    return demo_value
