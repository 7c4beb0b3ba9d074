"""The machine lane: machine-to-machine API calls skip the browser middleware (ADR 0024).

The exchange API (``/exchange/v1/…``) is called by other agencies' systems with an application credential on
every request; it never uses a session, a cookie, CSRF, sign-in lockouts, flash messages or a page's Content
Security Policy. Passing those calls through the seventeen middleware of the site cost ~0.3 ms of a worker's CPU
per call (~10 %). :class:`MachineLaneApplication` sends the paths of ``MACHINE_LANE_PATHS`` to a second Django
handler built with ``MACHINE_LANE_MIDDLEWARE`` (security headers, request id); everything else goes to the
site's full stack unchanged. Both handlers share the URLconf, the database connections and the signals.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.handlers.wsgi import WSGIHandler
from django.http import HttpRequest, HttpResponse
from django.utils import translation

#: What a machine-lane response carries in place of the site's page policies: nothing may be loaded, framed or
#: stored from it (it can hold personal data).
LANE_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}


class MachineRequestMiddleware:
    """The lane's innermost middleware: the platform's language (a thread may still hold the language a
    site request activated), no signed-in user on a machine call (views and error pages that ask find an
    anonymous one) and the lane's response headers."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.get_host()  # ALLOWED_HOSTS, as CommonMiddleware checks it on the site (DisallowedHost: a 400)
        translation.activate(settings.LANGUAGE_CODE)
        request.LANGUAGE_CODE = settings.LANGUAGE_CODE  # as LocaleMiddleware sets it
        request.user = AnonymousUser()
        response = self.get_response(request)
        for name, value in LANE_HEADERS.items():
            response.headers.setdefault(name, value)
        return response


class _LaneHandler(WSGIHandler):
    def load_middleware(self, is_async: bool = False) -> None:
        # Django builds the chain from settings.MIDDLEWARE; build this one from the lane's list (once, at
        # start-up, before any request is served).
        site = settings.MIDDLEWARE
        settings.MIDDLEWARE = list(settings.MACHINE_LANE_MIDDLEWARE)
        try:
            super().load_middleware(is_async)
        finally:
            settings.MIDDLEWARE = site


class MachineLaneApplication:
    """WSGI: paths matching ``MACHINE_LANE_PATHS`` to the lane's handler, every other request to ``site``."""

    def __init__(self, site: Callable[..., Any]) -> None:
        self.site = site
        self.paths = re.compile(settings.MACHINE_LANE_PATHS) if settings.MACHINE_LANE_PATHS else None
        self.lane = _LaneHandler() if self.paths is not None else None

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if self.lane is not None and self.paths is not None and self.paths.match(environ.get("PATH_INFO", "")):
            return self.lane(environ, start_response)
        return self.site(environ, start_response)
