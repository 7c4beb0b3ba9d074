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
    PAGE_CACHE_LOCAL_SECONDS  how long a process trusts the generation it read, answering pages it holds
                              without a round trip (default 1; 0 turns the local copy off) — see LocalPages
    PAGE_CACHE_LOCAL_BYTES    room for the local copy per process (default 32 MiB)

Install by adding ``"egov.domain.portal.cache.AnonymousPageCacheMiddleware"`` to MIDDLEWARE right after
``egov.web.middleware.ChineseFirstMiddleware`` (before sessions, so a hit costs no session or user work), and
wrap the WSGI application in ``PageCacheApplication`` (config/wsgi.py): then a hit on a page without a
per-visitor token — every anonymous portal page — is answered before Django's handler runs (no request
signals, no middleware, no response object), which is what makes a cached page cost a fraction of a
millisecond. The middleware alone (the test client, a server not using config.wsgi) still serves and stores.
"""

from __future__ import annotations

import hashlib
import logging
import re
import threading
import time
from collections import OrderedDict
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
#: Entries are ``(generation, content, headers, has_csrf, final)`` (``Entry``); ``final`` when the headers are
#: those the visitor got (stored by PageCacheApplication after every middleware), which the WSGI layer may
#: replay by itself.
KEY_PREFIX = "egov:pagecache:v3"
#: Cookies that change how a page renders for a visitor without a session (egov.web.preferences).
DISPLAY_COOKIES = ("egov_elder", "egov_contrast", "egov_font")
#: Response headers never replayed from the cache.
_NOT_STORED = {"set-cookie", "x-page-cache", "x-request-id", "content-length"}
#: Set in the environ by PageCacheApplication: ``(key, generation, stored entry or None)``.
ENVIRON_LOOKUP = "egov.page_cache.lookup"
#: Set by the middleware on a storable page without CSRF token, for PageCacheApplication; never sent out.
STORE_HEADER = "X-Egov-Page-Cache-Store"
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
    """Make every cached page unreachable (entries are overwritten or expire). Returns the new generation."""
    cache = page_cache()
    current_generation(cache)
    try:
        generation = int(cache.incr(GENERATION_KEY))
    except ValueError:  # evicted between the two calls
        generation = int(time.time())
        cache.set(GENERATION_KEY, generation, timeout=None)
    local_pages.saw_generation(generation)
    return generation


def cache_key(request: HttpRequest) -> str | None:
    """The key of ``request``'s page for an anonymous visitor, or None when the request must not be cached.

    Any anonymous GET may be looked up (a miss costs one cache read); only responses that rendered a Wagtail
    page are ever stored, so a hit is always a page, whichever view (Wagtail's or the portal's path-prefix
    view) served it. The generation is not part of the key but of the entry (see ``lookup``)."""
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
    language = translation.get_language_from_request(request, check_path=True)
    modes = "|".join(request.COOKIES.get(name, "") for name in DISPLAY_COOKIES)
    query = "&".join(f"{name}={request.GET.get(name, '')}" for name in sorted(request.GET))
    raw = "\n".join((host.lower(), request.path, query, language, modes))
    digest = hashlib.sha256(raw.encode()).hexdigest()
    return f"{KEY_PREFIX}:{digest}"


#: A stored page: (generation it was rendered in, content, headers, has_csrf, final).
Entry = tuple[int, bytes, list[tuple[str, str]], bool, bool]


def lookup(request: HttpRequest, key: str | None = None) -> tuple[str, int, Entry | None] | None:
    """``(key, generation, entry or None)`` for ``request``, or None when it must not be cached.

    The generation and the entry are read in one round trip (``get_many``); an entry rendered in an older
    generation is a miss (and is overwritten by the next rendering of the page, so stale copies do not pile
    up). The generation is kept on the request for memo.py, which would otherwise read it again, and noted
    in ``local_pages``."""
    key = key or cache_key(request)
    if key is None:
        return None
    cache = page_cache()
    found = cache.get_many([GENERATION_KEY, key])
    generation = found.get(GENERATION_KEY)
    if generation is None:
        generation = current_generation(cache)
    generation = int(generation)
    request._portal_generation = generation  # type: ignore[attr-defined]
    local_pages.saw_generation(generation)
    entry = found.get(key)
    if entry is not None and entry[0] != generation:
        entry = None
    return key, generation, entry


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
        from_wsgi = request.META.pop(ENVIRON_LOOKUP, None)
        if from_wsgi is not None:  # PageCacheApplication read the cache already (and found nothing it may serve)
            looked_up = from_wsgi
            request._portal_generation = looked_up[1]  # type: ignore[attr-defined]
        else:
            try:
                looked_up = lookup(request)
            except Exception:  # the cache is an optimisation: when it is down, pages are rendered as usual
                logger.warning("page cache unavailable; serving uncached", exc_info=True)
                return self.get_response(request)
        if looked_up is None:
            return self.get_response(request)
        key, generation, stored = looked_up
        if stored is not None:
            return self._replay(request, *stored[1:4])
        response = self.get_response(request)
        if not _storable(request, response):
            return response
        if hasattr(response, "render") and not getattr(response, "is_rendered", True):
            response.render()
        content, has_csrf = _strip_csrf_tokens(response.content, request)
        _proxy_headers(response, has_csrf=has_csrf)
        response["X-Page-Cache"] = "MISS"
        if from_wsgi is not None and not has_csrf:
            # The WSGI layer stores it, with the headers the outer middleware add on the way out, and serves
            # it from then on without entering Django at all.
            response[STORE_HEADER] = "1"
            return response
        headers = [(name, value) for name, value in response.items() if name.lower() not in _NOT_STORED]
        try:
            cache.set(key, (generation, content, headers, has_csrf, False), timeout=_setting("PAGE_CACHE_SECONDS", 600))
        except Exception:
            logger.warning("page cache unavailable; page not stored", exc_info=True)
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


# --- this process's copy ---------------------------------------------------------------------------------


class LocalPages:
    """The pages this process served from the shared cache lately, and the generation it last read.

    For ``PAGE_CACHE_LOCAL_SECONDS`` (default 1 s) after reading the generation from the shared cache, the
    WSGI layer trusts it and answers a page it holds here without any round trip; after that it reads the
    shared cache again. So a publication in another process reaches this one's visitors at most that long
    later (the publishing process sees its own at once: ``invalidate_all`` notes the new generation here) —
    well inside the 30 s the nginx proxy may keep a page. ``PAGE_CACHE_LOCAL_BYTES`` (default 32 MiB) bounds
    the copies, least recently served dropped first; ``PAGE_CACHE_LOCAL_SECONDS = 0`` turns the copy off.
    """

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.items: OrderedDict[str, Entry] = OrderedDict()
        self.size = 0
        self.generation: int | None = None
        self.read_at = 0.0

    def clear(self) -> None:
        with self.lock:
            self.items.clear()
            self.size = 0
            self.generation = None

    def saw_generation(self, generation: int) -> None:
        self.generation, self.read_at = generation, time.monotonic()

    def fresh_generation(self) -> int | None:
        """The generation read less than PAGE_CACHE_LOCAL_SECONDS ago, or None."""
        if self.generation is None or time.monotonic() - self.read_at >= _setting("PAGE_CACHE_LOCAL_SECONDS", 1.0):
            return None
        return self.generation

    def get(self, key: str, generation: int) -> Entry | None:
        entry = self.items.get(key)
        if entry is None or entry[0] != generation:
            return None
        with self.lock:
            if key in self.items:
                self.items.move_to_end(key)
        return entry

    def put(self, key: str, entry: Entry) -> None:
        limit = _setting("PAGE_CACHE_LOCAL_BYTES", 32 * 1024 * 1024)
        if not _setting("PAGE_CACHE_LOCAL_SECONDS", 1.0) or len(entry[1]) > limit // 8:
            return
        with self.lock:
            old = self.items.pop(key, None)
            if old is not None:
                self.size -= len(old[1])
            self.items[key] = entry
            self.size += len(entry[1])
            while self.size > limit:
                _key, dropped = self.items.popitem(last=False)
                self.size -= len(dropped[1])


local_pages = LocalPages()


# --- the WSGI layer ------------------------------------------------------------------------------------


class PageCacheApplication:
    """WSGI wrapper around Django: serves stored final responses of anonymous portal pages itself.

    The lookup is the middleware's (``lookup``: one round trip for the generation and the entry); what it
    found or missed is handed to the middleware in the environ, so a miss costs no second read. A page the
    middleware marks with STORE_HEADER is stored here with the headers every outer middleware added
    (security headers, CSP), minus the per-request ones; a hit replays them with a fresh X-Request-ID.
    Entries with a CSRF token (signed-in shell) or stored by the middleware alone go through Django. Pages
    served lately are answered from ``local_pages`` without a round trip while the generation read is fresh.
    """

    def __init__(self, application: Callable[..., Any]) -> None:
        self.application = application
        # Without the middleware nothing is ever stored (and nothing would be invalidated for it): pass through.
        self.enabled = f"{__name__}.AnonymousPageCacheMiddleware" in settings.MIDDLEWARE

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if (
            not self.enabled
            or environ.get("REQUEST_METHOD") not in ("GET", "HEAD")
            or environ.get("PATH_INFO", "").startswith(NEVER_CACHED_PREFIXES)
        ):
            return self.application(environ, start_response)
        from django.core.handlers.wsgi import WSGIRequest

        from egov.web.middleware import chinese_first

        chinese_first(environ)
        request = WSGIRequest(environ)
        key = cache_key(request)
        if key is None:
            return self.application(environ, start_response)
        generation = local_pages.fresh_generation()
        stored = local_pages.get(key, generation) if generation is not None else None
        if stored is not None:  # only final pages without a token are kept locally
            return self._send(environ, start_response, stored)
        try:
            looked_up = lookup(request, key)
        except Exception:  # noqa: BLE001 - the middleware logs a cache that is down; Django serves the page
            return self.application(environ, start_response)
        assert looked_up is not None  # the key is known
        _key, generation, stored = looked_up
        if stored is not None and stored[4] and not stored[3]:
            local_pages.put(key, stored)
            return self._send(environ, start_response, stored)
        environ[ENVIRON_LOOKUP] = looked_up
        return self._serve_and_store(environ, start_response, key, generation)

    @staticmethod
    def _send(environ: dict[str, Any], start_response: Callable[..., Any], stored: Entry) -> Iterable[bytes]:
        from egov.web.middleware import request_id_from

        content, headers = stored[1], stored[2]
        start_response(
            "200 OK",
            [
                *headers,
                ("Content-Length", str(len(content))),
                ("X-Page-Cache", "HIT"),
                ("X-Request-ID", request_id_from(environ)),
            ],
        )
        return [b"" if environ["REQUEST_METHOD"] == "HEAD" else content]

    def _serve_and_store(
        self, environ: dict[str, Any], start_response: Callable[..., Any], key: str, generation: int
    ) -> Iterable[bytes]:
        seen: dict[str, Any] = {}

        def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            store = any(name == STORE_HEADER for name, _value in headers)
            if store:
                headers = [(name, value) for name, value in headers if name != STORE_HEADER]
                seen["headers"] = headers
            return start_response(status, headers, exc_info) if exc_info else start_response(status, headers)

        result = self.application(environ, capture)
        if "headers" not in seen:
            return result
        try:
            content = b"".join(result)
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()  # Django's request_finished (connections back, etc.)
        headers = [(name, value) for name, value in seen["headers"] if name.lower() not in _NOT_STORED]
        entry: Entry = (generation, content, headers, False, True)
        local_pages.put(key, entry)
        try:
            page_cache().set(key, entry, timeout=_setting("PAGE_CACHE_SECONDS", 600))
        except Exception:
            logger.warning("page cache unavailable; page not stored", exc_info=True)
        return [content]
