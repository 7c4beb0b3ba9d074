"""Settings for the portal benches (bench/portal_http.py, bench/portal_profile.py): the project's settings, not
in debug mode, static files from the finders (no collectstatic). The anonymous page cache middleware is in the
project's MIDDLEWARE; BENCH_PAGE_CACHE=0 takes it out to measure the uncached application."""

from __future__ import annotations

import os

from config.settings import *  # noqa: F403
from config.settings import MIDDLEWARE, STORAGES

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
WHITENOISE_USE_FINDERS = True
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
PAGE_CACHE_MIDDLEWARE = "egov.domain.portal.cache.AnonymousPageCacheMiddleware"
if os.environ.get("BENCH_PAGE_CACHE") == "0":
    MIDDLEWARE = [name for name in MIDDLEWARE if name != PAGE_CACHE_MIDDLEWARE]
elif PAGE_CACHE_MIDDLEWARE not in MIDDLEWARE:
    MIDDLEWARE = list(MIDDLEWARE)
    MIDDLEWARE.insert(MIDDLEWARE.index("egov.web.middleware.ChineseFirstMiddleware") + 1, PAGE_CACHE_MIDDLEWARE)
if "django_redis" not in CACHES["default"]["BACKEND"]:  # noqa: F405
    # local memory per worker (no REDIS_URL): room for every page of the bench, so that culling (300 entries by
    # default) never drops the generation key, which would make every page a miss
    CACHES["default"]["OPTIONS"] = {"MAX_ENTRIES": 20000}  # noqa: F405
