"""Anonymous page cache of the portal (门户页面缓存): rendered Wagtail pages kept in the Django cache.

A visitor without a session gets the stored bytes of a page a previous visitor already rendered; signed-in
people, POSTs, previews and pages with view restrictions always reach Wagtail. Entries are keyed by host,
path (with the paging parameter), language and the display-mode cookies (长辈模式, 高对比度, 字号), and are
invalidated together by bumping one generation number whenever a page is published, unpublished, moved or
deleted: a publication changes the page itself, its column lists, the home page and "related" boxes of other
pages, so exact purging would have to guess; the generation makes every stale entry unreachable at once.
See docs/adr/0009-site-inspection-and-page-cache.md.

Settings (read with defaults, so the middleware works without any):
    PAGE_CACHE_ALIAS          cache alias (default ``"default"``: Redis in production)
    PAGE_CACHE_SECONDS        how long an entry lives in the application cache (default 600)
    PAGE_CACHE_PROXY_SECONDS  ``X-Accel-Expires`` for the nginx cache in front (default 30)
    PAGE_CACHE_QUERY_PARAMS   query parameters that may vary a cached page (default ``("page",)``)
    PAGE_CACHE_PROXY_REFRESH  nginx base URLs to re-fetch a published page through (default none), e.g.
                              ``["http://127.0.0.1"]`` for the shipped docs/deploy/nginx.conf on the same host

Install by adding ``"egov.domain.portal.cache.AnonymousPageCacheMiddleware"`` to MIDDLEWARE right after
``egov.web.middleware.RequestContextMiddleware`` (before sessions, so a hit costs no session or user work).
"""

from __future__ import annotations

import hashlib
import logging
import re
import time
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.base import BaseCache
from django.core.exceptions import DisallowedHost
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.middleware import csrf as django_csrf
from django.middleware.csrf import CsrfViewMiddleware, get_token
from django.utils import translation
from django.utils.cache import patch_cache_control
from django_tasks import task

logger = logging.getLogger(__name__)

GENERATION_KEY = "egov:pagecache:generation"
KEY_PREFIX = "egov:pagecache:page"
#: Cookies that change how a page renders for a visitor without a session (egov.web.preferences).
DISPLAY_COOKIES = ("egov_elder", "egov_contrast", "egov_font")
#: Response headers never replayed from the cache.
_NOT_STORED = {"set-cookie", "x-page-cache", "x-request-id", "content-length"}
CSRF_PLACEHOLDER = b"__egov_csrf_token__"
MESSAGES_COOKIE = "messages"
_TOKEN_RE = re.compile(rb"\b[A-Za-z0-9]{64}\b")


def _setting(name: str, default: Any) -> Any:
    return getattr(settings, name, default)


def page_cache() -> BaseCache:
    return caches[_setting("PAGE_CACHE_ALIAS", "default")]


def current_generation(cache: BaseCache | None = None) -> int:
    cache = cache or page_cache()
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        # add() so that two processes starting at once agree on the first value; the clock as the first value,
        # so that after a cache flush no process mistakes the new generation for one it memoised before
        # (egov.domain.portal.memo).
        cache.add(GENERATION_KEY, int(time.time()), timeout=None)
        generation = cache.get(GENERATION_KEY, 1)
    return int(generation)


def invalidate_all() -> int:
    """Make every cached page unreachable (entries then expire on their own). Returns the new generation."""
    cache = page_cache()
    current_generation(cache)
    try:
        return int(cache.incr(GENERATION_KEY))
    except ValueError:  # evicted between the two calls
        generation = int(time.time())
        cache.set(GENERATION_KEY, generation, timeout=None)
        return generation


def cache_key(request: HttpRequest, generation: int | None = None) -> str | None:
    """The key of ``request``'s page for an anonymous visitor, or None when the request must not be cached.

    Any anonymous GET may be looked up (a miss costs one cache read); only responses that rendered a Wagtail
    page are ever stored, so a hit is always a page, whichever view (Wagtail's or the portal's path-prefix
    view) served it."""
    if request.method not in ("GET", "HEAD"):
        return None
    if settings.SESSION_COOKIE_NAME in request.COOKIES or MESSAGES_COOKIE in request.COOKIES:
        return None  # signed in, or a notice waiting to be shown (django.contrib.messages' cookie)
    allowed = set(_setting("PAGE_CACHE_QUERY_PARAMS", ("page",)))
    if any(name not in allowed for name in request.GET):
        return None
    try:
        host = request.get_host()
    except DisallowedHost:
        return None
    if generation is None:
        generation = current_generation()
    request._portal_generation = generation  # type: ignore[attr-defined]  # read once per request (memo.py)
    language = translation.get_language_from_request(request, check_path=True)
    modes = "|".join(request.COOKIES.get(name, "") for name in DISPLAY_COOKIES)
    query = "&".join(f"{name}={request.GET.get(name, '')}" for name in sorted(request.GET))
    raw = "\n".join((host.lower(), request.path, query, language, modes))
    digest = hashlib.sha256(raw.encode()).hexdigest()
    return f"{KEY_PREFIX}:{generation}:{digest}"


def _page_may_be_cached(response: HttpResponse) -> bool:
    page = (getattr(response, "context_data", None) or {}).get("page")
    if page is None:
        return False
    if getattr(page, "page_cache_seconds", None) == 0:
        return False
    # Pages behind a password or sign-in restriction are never shared between visitors.
    from egov.domain.portal.selectors import any_view_restrictions

    return not any_view_restrictions() or not page.get_view_restrictions().exists()


def _storable(request: HttpRequest, response: HttpResponse) -> bool:
    if response.status_code != 200 or response.streaming:
        return False
    if any(name != settings.CSRF_COOKIE_NAME for name in response.cookies):
        return False
    cache_control = response.get("Cache-Control", "").lower()
    if any(word in cache_control for word in ("private", "no-store", "no-cache")):
        return False
    if getattr(request, "is_preview", False):
        return False
    return _page_may_be_cached(response)


def _proxy_headers(response: HttpResponse, *, has_csrf: bool) -> None:
    """Browsers revalidate every time (a repealed policy must not linger); nginx keeps the page briefly —
    unless the page holds a CSRF token, which is per visitor and must never be shared by a proxy."""
    if has_csrf:
        patch_cache_control(response, private=True, max_age=0, must_revalidate=True)
        return
    patch_cache_control(response, public=True, max_age=0, must_revalidate=True)
    response["X-Accel-Expires"] = str(_setting("PAGE_CACHE_PROXY_SECONDS", 30))


def _strip_csrf_tokens(content: bytes, request: HttpRequest) -> tuple[bytes, bool]:
    """Replace the visitor's CSRF tokens in the page by a placeholder (each hit gets its own visitor's
    token back). A token is recognised by unmasking to the request's CSRF secret, nothing else matches."""
    secret = request.META.get("CSRF_COOKIE")
    if not secret:
        return content, False
    found = False

    def swap(match: re.Match[bytes]) -> bytes:
        nonlocal found
        # Django's own unmasking (private, stable since 1.10): the only way to recognise its tokens.
        if django_csrf._unmask_cipher_token(match.group(0).decode()) == secret:  # type: ignore[attr-defined]
            found = True
            return CSRF_PLACEHOLDER
        return match.group(0)

    return _TOKEN_RE.sub(swap, content), found


#: Paths that are never portal pages: skipped without touching the cache (health checks must see the real
#: state of Redis, APIs and the office zone are never cached here).
NEVER_CACHED_PREFIXES = ("/healthz", "/api/", "/office/", "/static/", "/media/", "/i18n/", "/prefs/", "/exchange/")


class AnonymousPageCacheMiddleware:
    """Serves anonymous GETs of Wagtail pages from the cache and stores what Wagtail rendered."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        # The CSRF middleware sits after this one; a hit skips it, so it is asked directly for the
        # visitor's token and cookie.
        self.csrf = CsrfViewMiddleware(get_response)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(NEVER_CACHED_PREFIXES):
            return self.get_response(request)
        cache = page_cache()
        try:
            key = cache_key(request)
            stored = cache.get(key) if key is not None else None
        except Exception:  # the cache is an optimisation: when it is down, pages are rendered as usual
            logger.warning("page cache unavailable; serving uncached", exc_info=True)
            return self.get_response(request)
        if key is None:
            return self.get_response(request)
        if stored is not None:
            return self._replay(request, *stored)
        response = self.get_response(request)
        if not _storable(request, response):
            return response
        if hasattr(response, "render") and not getattr(response, "is_rendered", True):
            response.render()
        content, has_csrf = _strip_csrf_tokens(response.content, request)
        _proxy_headers(response, has_csrf=has_csrf)
        headers = [(name, value) for name, value in response.items() if name.lower() not in _NOT_STORED]
        try:
            cache.set(key, (content, headers, has_csrf), timeout=_setting("PAGE_CACHE_SECONDS", 600))
        except Exception:
            logger.warning("page cache unavailable; page not stored", exc_info=True)
        response["X-Page-Cache"] = "MISS"
        return response

    def _replay(
        self, request: HttpRequest, content: bytes, headers: list[tuple[str, str]], has_csrf: bool
    ) -> HttpResponse:
        if has_csrf:
            self.csrf.process_request(request)
            content = content.replace(CSRF_PLACEHOLDER, get_token(request).encode())
        response = HttpResponse(content, status=200)
        for name, value in headers:
            response[name] = value
        if has_csrf:
            self.csrf.process_response(request, response)  # sets the CSRF cookie for a first-time visitor
        response["X-Page-Cache"] = "HIT"
        return response


# --- invalidation on publish / unpublish / move / delete ---------------------------------------------


def _page_urls(page: Any) -> list[str]:
    """The full URLs of a page and its ancestors (its columns and home page), for the proxy refresh."""
    urls: list[str] = []
    for item in [page, *page.get_ancestors().filter(depth__gt=1).specific()]:
        try:
            url = item.get_full_url()
        except Exception:  # noqa: BLE001 - a page outside every site has no URL; nothing to refresh
            url = None
        if url:
            urls.append(url)
    return urls


def refresh_proxy(urls: Iterable[str]) -> int:
    """Ask each nginx in PAGE_CACHE_PROXY_REFRESH to fetch ``urls`` again, bypassing and replacing its copy.

    The shipped nginx.conf honours ``X-Egov-Cache-Refresh: 1`` only from the application hosts (no purge
    module needed). Best effort with a short timeout: a proxy that is down just expires its copy later.
    """
    from urllib.parse import urlsplit

    import requests

    bases = _setting("PAGE_CACHE_PROXY_REFRESH", ())
    done = 0
    for url in urls:
        parts = urlsplit(url)
        for base in bases:
            try:
                requests.get(
                    f"{base.rstrip('/')}{parts.path}",
                    headers={"Host": parts.netloc, "X-Egov-Cache-Refresh": "1"},
                    timeout=2,
                    allow_redirects=False,
                )
                done += 1
            except requests.RequestException as exc:
                logger.warning("页面缓存刷新失败 %s %s: %s", base, parts.path, exc)
    return done


@task()
def refresh_proxy_task(urls: list[str]) -> int:
    """The proxy refresh as a background job, so that publishing never waits for nginx."""
    return refresh_proxy(urls)


def page_changed(page: Any) -> None:
    """Invalidate the application cache now (after commit) and refresh the proxies' copies of the page."""

    def after_commit() -> None:
        invalidate_all()
        if _setting("PAGE_CACHE_PROXY_REFRESH", ()):
            refresh_proxy_task.enqueue(_page_urls(page))

    transaction.on_commit(after_commit)


def _on_page_event(sender: Any, instance: Any, **kwargs: Any) -> None:
    page_changed(instance)


def _on_setting_event(sender: Any, instance: Any, **kwargs: Any) -> None:
    transaction.on_commit(invalidate_all)


def connect_signals() -> None:
    """Called from an AppConfig.ready(): processes that never load the middleware (the task worker running
    scheduled publishing, management commands) must invalidate too."""
    from django.db.models.signals import post_delete, post_save
    from wagtail.models import Page, PageViewRestriction, Site
    from wagtail.signals import page_published, page_unpublished, post_page_move

    page_published.connect(_on_page_event, dispatch_uid="egov_pagecache_published")
    # A new restriction must stop the cached copies of its pages at once; a site's host name changes URLs.
    for model in (PageViewRestriction, Site):
        post_save.connect(_on_setting_event, sender=model, dispatch_uid=f"egov_pagecache_{model.__name__}_saved")
        post_delete.connect(_on_setting_event, sender=model, dispatch_uid=f"egov_pagecache_{model.__name__}_deleted")
    page_unpublished.connect(_on_page_event, dispatch_uid="egov_pagecache_unpublished")
    post_page_move.connect(_on_page_event, dispatch_uid="egov_pagecache_moved")
    post_delete.connect(_on_page_event, sender=Page, dispatch_uid="egov_pagecache_deleted")
