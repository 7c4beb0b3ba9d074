"""Per-IP rate limit of the public verification page and API (the cache is shared: Redis in production)."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils.translation import gettext as _

from egov.kernel.errors import Rejected
from egov.web.middleware import client_ip

WINDOW_SECONDS = 60


class RateLimited(Rejected):
    status = 429


def verify_limit() -> int:
    """Look-ups per IP per minute (``EGOV_VERIFY_RATE_PER_MINUTE``, default 30)."""
    return int(getattr(settings, "EGOV_VERIFY_RATE_PER_MINUTE", 30))


def check_verify_rate(request: HttpRequest) -> None:
    """Count this look-up against the caller's IP; raise :class:`RateLimited` once over the limit."""
    window = int(time.time() // WINDOW_SECONDS)
    key = f"results:verify:{client_ip(request) or 'unknown'}:{window}"
    cache.add(key, 0, WINDOW_SECONDS + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, WINDOW_SECONDS + 5)
        count = 1
    if count > verify_limit():
        raise RateLimited("rate_limited", _("查询过于频繁，请一分钟后再试"))
