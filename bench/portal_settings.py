"""Settings for the portal HTTP bench (bench/portal_http.py): the project's settings, not in debug mode,
static files from the finders (no collectstatic), and — with BENCH_PAGE_CACHE=1 — the anonymous page cache
middleware where docs/adr/0009 asks for it."""

from __future__ import annotations

import os

from config.settings import *  # noqa: F403
from config.settings import MIDDLEWARE, STORAGES

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
WHITENOISE_USE_FINDERS = True
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
if os.environ.get("BENCH_PAGE_CACHE") == "1":
    MIDDLEWARE = list(MIDDLEWARE)
    MIDDLEWARE.insert(
        MIDDLEWARE.index("egov.web.middleware.RequestContextMiddleware") + 1,
        "egov.domain.portal.cache.AnonymousPageCacheMiddleware",
    )
