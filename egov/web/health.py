from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.db import connection


def check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001 - any failure means "down"; the message is reported
        return f"error: {exc.__class__.__name__}"
    return "ok"


def check_cache() -> str:
    if not settings.CACHES["default"]["BACKEND"].startswith("django_redis"):
        return "not configured"
    try:
        cache.set("healthz", "1", 5)
        if cache.get("healthz") != "1":
            return "error: read back failed"
    except Exception as exc:  # noqa: BLE001
        return f"error: {exc.__class__.__name__}"
    return "ok"


def check_dependencies() -> dict[str, str]:
    return {"database": check_database(), "redis": check_cache()}
