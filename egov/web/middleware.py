from __future__ import annotations

import re
import time
import uuid
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse

from egov.web.request_context import RequestInfo, reset_request_info, set_request_info

_REQUEST_ID_RE = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


def request_id_from(meta: dict[str, str]) -> str:
    """The request's id: the caller's X-Request-ID when well-formed, else a new one (also used by the page
    cache's WSGI layer, egov.domain.portal.cache, which answers before any middleware runs)."""
    incoming = meta.get("HTTP_X_REQUEST_ID", "")
    return incoming if _REQUEST_ID_RE.match(incoming) else uuid.uuid4().hex


def chinese_first(meta: dict[str, str]) -> None:
    """Forget the browser's Accept-Language (see ChineseFirstMiddleware)."""
    meta.pop("HTTP_ACCEPT_LANGUAGE", None)


def client_ip(request: HttpRequest) -> str:
    # Behind the shipped nginx, X-Real-IP is set by the proxy; otherwise REMOTE_ADDR.
    return request.META.get("HTTP_X_REAL_IP") or request.META.get("REMOTE_ADDR", "")


class RequestContextMiddleware:
    """Gives every request an id (kept from X-Request-ID when well-formed) for logs and the audit trail."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = request_id_from(request.META)
        request.request_id = request_id  # type: ignore[attr-defined]
        token = set_request_info(
            RequestInfo(
                request_id=request_id, ip=client_ip(request), user_agent=request.META.get("HTTP_USER_AGENT", "")[:300]
            )
        )
        try:
            response = self.get_response(request)
        finally:
            reset_request_info(token)
        response["X-Request-ID"] = request_id
        return response


#: How stale the stored "last seen" moment may get before a request writes it again. Without this every
#: signed-in request rewrote the session (a database UPDATE and commit, or a cache SET), most of them only to
#: move the moment by a few seconds; with it a session times out at most this much early, never late.
LAST_SEEN_RESOLUTION = 60


class IdleSessionMiddleware:
    """Signs a user out after SESSION_IDLE_SECONDS without a request (等保 2.0 session timeout), and ends
    sessions older than the user's "sign out everywhere" moment."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = time.time()
            last = request.session.get("last_seen")
            started = request.session.get("signed_in_at", now)
            valid_after = getattr(user, "sessions_valid_after", None)
            if (last is not None and now - last > settings.SESSION_IDLE_SECONDS) or (
                valid_after is not None and started < valid_after.timestamp()
            ):
                logout(request)
                request.session["expired_notice"] = True
            else:
                if last is None or now - last >= LAST_SEEN_RESOLUTION:
                    request.session["last_seen"] = now
                request.session.setdefault("signed_in_at", now)
        return self.get_response(request)


class ChineseFirstMiddleware:
    """The interface speaks Simplified Chinese unless the visitor chose another language with the switch (the
    language cookie): the browser's Accept-Language is not consulted, so an English-language browser in a
    government office still gets the Chinese interface first. Runs before the page cache and LocaleMiddleware,
    so both see the same language."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chinese_first(request.META)
        return self.get_response(request)
