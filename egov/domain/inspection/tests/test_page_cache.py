"""The portal's anonymous page cache (egov.domain.portal.cache) with its middleware installed as the lead is
installed in settings: hits, misses, who bypasses it, and invalidation on publish, unpublish and move."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.conf import settings
from django.http import HttpResponse
from django.test import Client, RequestFactory, override_settings
from wagtail.models import PageViewRestriction

from egov.domain.inspection.tests.factories import make_article, make_column, make_home
from egov.domain.portal import cache as page_cache

pytestmark = pytest.mark.django_db

PAGE_CACHE = "egov.domain.portal.cache.AnonymousPageCacheMiddleware"


def test_the_page_cache_is_installed_once() -> None:
    assert settings.MIDDLEWARE.count(PAGE_CACHE) == 1


@pytest.fixture(autouse=True)
def _with_page_cache() -> Iterator[None]:
    caches = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "pagecache-test"}}
    with override_settings(CACHES=caches):
        from django.core.cache import caches as all_caches

        all_caches["default"].clear()
        page_cache.local_pages.clear()
        yield
        page_cache.local_pages.clear()


@pytest.fixture
def site() -> dict[str, Any]:
    home = make_home()
    news = make_column(home, kind="news", title="政务动态")
    article = make_article(news, title="第一条动态")
    return {"home": home, "news": news, "article": article, "url": news.get_url()}


def test_second_anonymous_visit_is_served_from_the_cache(site: dict[str, Any]) -> None:
    client = Client()
    first = client.get(site["url"])
    second = client.get(site["url"])
    assert first.status_code == second.status_code == 200
    assert first["X-Page-Cache"] == "MISS"
    assert second["X-Page-Cache"] == "HIT"
    assert second["Content-Type"] == first["Content-Type"]
    assert "Content-Security-Policy" in second
    assert "max-age=0" in second["Cache-Control"]
    # the same page, only the (freshly masked) CSRF tokens differ
    tokens = re.compile(rb"[A-Za-z0-9]{64}")
    assert tokens.sub(b"T", second.content) == tokens.sub(b"T", first.content)


def _page_token(response: Any) -> str:
    found = re.search(r'name="csrf-token" content="([A-Za-z0-9]{64})"', response.content.decode())
    assert found, "the web shell puts a CSRF token in every page"
    return found.group(1)


def test_anonymous_pages_hold_no_per_visitor_token_so_the_proxy_may_keep_them(site: dict[str, Any]) -> None:
    # given two anonymous visitors (anonymous pages carry no CSRF token since the display and language switches
    # check it only for signed-in users)
    first_visitor, second_visitor = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    miss = first_visitor.get(site["url"])
    hit = second_visitor.get(site["url"])
    # then the second gets the first's page from the cache, byte for byte, with no token and no CSRF cookie
    assert (miss["X-Page-Cache"], hit["X-Page-Cache"]) == ("MISS", "HIT")
    assert hit.content == miss.content
    assert b"csrfmiddlewaretoken" not in hit.content and b'name="csrf-token"' not in hit.content
    assert settings.CSRF_COOKIE_NAME not in hit.cookies
    # and such a page is handed to the proxy cache
    assert hit["X-Accel-Expires"] == miss["X-Accel-Expires"]


def test_pages_without_tokens_are_offered_to_the_proxy() -> None:
    response = HttpResponse(b"<p>x</p>")
    page_cache._proxy_headers(response, has_csrf=False)
    assert response["X-Accel-Expires"] == "30"
    assert response["Cache-Control"] in ("public, max-age=0, must-revalidate", "max-age=0, must-revalidate, public")
    request = RequestFactory().get("/")
    assert page_cache._strip_csrf_tokens(b"a" * 64, request) == (b"a" * 64, False)


def test_a_visitor_with_a_session_always_reaches_wagtail(site: dict[str, Any]) -> None:
    Client().get(site["url"])
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = "abc"
    response = client.get(site["url"])
    assert response.status_code == 200
    assert "X-Page-Cache" not in response


def test_display_modes_and_paging_are_cached_separately(site: dict[str, Any]) -> None:
    Client().get(site["url"])
    elder = Client()
    elder.cookies["egov_elder"] = "1"
    assert elder.get(site["url"])["X-Page-Cache"] == "MISS"
    assert elder.get(site["url"])["X-Page-Cache"] == "HIT"
    assert Client().get(site["url"], {"page": "2"})["X-Page-Cache"] == "MISS"
    # other query parameters never touch the cache (no cache-busting or filling it with junk)
    assert "X-Page-Cache" not in Client().get(site["url"], {"utm": "x"})


def test_non_page_views_and_posts_are_not_stored() -> None:
    client = Client()
    client.get("/sites/")
    assert "X-Page-Cache" not in client.get("/sites/") or client.get("/sites/")["X-Page-Cache"] != "HIT"
    assert "X-Page-Cache" not in client.post("/sites/")


def test_restricted_pages_are_never_cached(site: dict[str, Any]) -> None:
    PageViewRestriction.objects.create(page=site["news"], restriction_type="password", password="secret")
    client = Client()
    client.get(site["url"])
    assert client.get(site["url"]).get("X-Page-Cache") != "HIT"


def test_publishing_invalidates_the_cached_lists(site: dict[str, Any], django_capture_on_commit_callbacks: Any) -> None:
    client = Client()
    client.get(site["url"])
    assert client.get(site["url"])["X-Page-Cache"] == "HIT"
    with django_capture_on_commit_callbacks(execute=True):
        make_article(site["news"], title="刚刚发布的动态")
    response = client.get(site["url"])
    assert response["X-Page-Cache"] == "MISS"
    assert "刚刚发布的动态" in response.content.decode()


def test_unpublishing_and_moving_invalidate(site: dict[str, Any], django_capture_on_commit_callbacks: Any) -> None:
    client = Client()
    client.get(site["url"])
    with django_capture_on_commit_callbacks(execute=True):
        site["article"].unpublish()
    response = client.get(site["url"])
    assert response["X-Page-Cache"] == "MISS"
    assert "第一条动态" not in response.content.decode()

    other = make_column(site["home"], kind="news", title="要闻")
    client.get(site["url"])
    generation = page_cache.current_generation()
    with django_capture_on_commit_callbacks(execute=True):
        make_article(other).move(site["news"], pos="last-child")
    assert page_cache.current_generation() > generation


class _Recorder(BaseHTTPRequestHandler):
    seen: list[tuple[str, str | None, str | None]] = []  # noqa: RUF012

    def do_GET(self) -> None:
        self.seen.append((self.path, self.headers.get("X-Egov-Cache-Refresh"), self.headers.get("Host")))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


def test_publishing_refreshes_the_proxy_copies(site: dict[str, Any], django_capture_on_commit_callbacks: Any) -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Recorder.seen = []
    try:
        refresh = [f"http://127.0.0.1:{server.server_address[1]}"]
        with override_settings(PAGE_CACHE_PROXY_REFRESH=refresh), django_capture_on_commit_callbacks(execute=True):
            article = make_article(site["news"], title="新文章")
    finally:
        server.shutdown()
        server.server_close()
    paths = {path for path, header, _host in _Recorder.seen if header == "1"}
    assert article.get_url() in paths
    assert site["url"] in paths  # its column
    assert site["home"].get_url() in paths  # and the home page


# --- the WSGI layer (config.wsgi wraps Django in PageCacheApplication) ----------------------------------


@pytest.fixture
def wsgi(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """Calls the project's WSGI application as gunicorn does; yields a function returning (status, headers,
    body), and counts the requests that entered Django's handler."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    from config.wsgi import application

    entered: list[int] = []

    def count(**kwargs: Any) -> None:
        entered.append(1)

    # As Django's test client does: the test's transaction must outlive the request (on PostgreSQL
    # close_old_connections would close the connection the test runs in, at the start and at the end).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    request_started.connect(count, dispatch_uid="test_page_cache_wsgi")

    def call(path: str, method: str = "GET", **extra: str) -> tuple[str, dict[str, str], bytes]:
        environ = RequestFactory().generic(method, path, **extra).environ
        seen: dict[str, Any] = {}

        def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> None:
            seen["status"], seen["headers"] = status, headers

        result = application(environ, start_response)
        try:
            body = b"".join(result)
        finally:
            getattr(result, "close", lambda: None)()
        names = [name.lower() for name, _value in seen["headers"]]
        assert len(names) == len(set(names)), f"a header sent twice: {names}"
        return seen["status"], dict(seen["headers"]), body

    call.entered = entered  # type: ignore[attr-defined]
    try:
        yield call
    finally:
        request_started.disconnect(dispatch_uid="test_page_cache_wsgi")
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def test_the_wsgi_layer_answers_a_stored_page_without_entering_django(site: dict[str, Any], wsgi: Any) -> None:
    status, miss_headers, miss = wsgi(site["url"])
    assert status == "200 OK" and miss_headers["X-Page-Cache"] == "MISS"
    assert page_cache.STORE_HEADER not in miss_headers  # the mark between middleware and WSGI layer stays inside
    assert wsgi.entered == [1]

    status, headers, body = wsgi(site["url"], HTTP_X_REQUEST_ID="trace-42")
    assert status == "200 OK" and headers["X-Page-Cache"] == "HIT"
    assert wsgi.entered == [1], "a hit must not enter Django's handler"
    assert body == miss and headers["Content-Length"] == str(len(miss))
    # what the outer middleware added on the way out is replayed; what belongs to one request is not
    replayed = ("Content-Type", "Content-Security-Policy", "X-Content-Type-Options", "Cache-Control", "X-Accel-Expires")
    for name in replayed:
        assert headers[name] == miss_headers[name], name
    assert headers["X-Request-ID"] == "trace-42" and miss_headers["X-Request-ID"] != "trace-42"
    assert "Set-Cookie" not in headers

    status, headers, body = wsgi(site["url"], method="HEAD")
    assert (status, headers["X-Page-Cache"], body) == ("200 OK", "HIT", b"")


def test_the_wsgi_layer_serves_each_language_and_display_mode_its_own_page(site: dict[str, Any], wsgi: Any) -> None:
    wsgi(site["url"])
    # a browser asking for English still gets the Chinese page (ChineseFirstMiddleware), from the cache
    assert wsgi(site["url"], HTTP_ACCEPT_LANGUAGE="en")[1]["X-Page-Cache"] == "HIT"
    _status, headers, english = wsgi(site["url"], HTTP_COOKIE=f"{settings.LANGUAGE_COOKIE_NAME}=en")
    assert headers["X-Page-Cache"] == "MISS" and b'lang="en"' in english
    assert wsgi(site["url"], HTTP_COOKIE="egov_elder=1")[1]["X-Page-Cache"] == "MISS"
    assert wsgi.entered == [1, 1, 1]


def test_the_wsgi_layer_leaves_signed_in_visitors_and_other_requests_to_django(site: dict[str, Any], wsgi: Any) -> None:
    wsgi(site["url"])
    _status, headers, _body = wsgi(site["url"], HTTP_COOKIE=f"{settings.SESSION_COOKIE_NAME}=abc")
    assert "X-Page-Cache" not in headers
    assert wsgi(site["url"], method="POST")[1].get("X-Page-Cache") is None
    assert "X-Page-Cache" not in wsgi(site["url"] + "?utm=x")[1]
    assert wsgi("/healthz")[0].startswith("200")
    assert len(wsgi.entered) == 5


def test_publishing_makes_the_wsgi_layer_render_again(
    site: dict[str, Any], wsgi: Any, django_capture_on_commit_callbacks: Any
) -> None:
    wsgi(site["url"])
    assert wsgi(site["url"])[1]["X-Page-Cache"] == "HIT"
    with django_capture_on_commit_callbacks(execute=True):
        make_article(site["news"], title="刚刚发布的动态")
    _status, headers, body = wsgi(site["url"])
    assert headers["X-Page-Cache"] == "MISS" and "刚刚发布的动态" in body.decode()
    assert wsgi(site["url"])[1]["X-Page-Cache"] == "HIT"


def test_a_cache_that_is_down_only_costs_the_wsgi_layer_its_shortcut(
    site: dict[str, Any], wsgi: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    class Down:
        def get(self, *args: Any, **kwargs: Any) -> Any:
            raise ConnectionError("redis down")

        set = add = incr = get

    monkeypatch.setattr(page_cache, "page_cache", lambda: Down())
    status, headers, body = wsgi(site["url"])
    assert status == "200 OK" and "第一条动态" in body.decode()
    assert "X-Page-Cache" not in headers


def test_pages_served_lately_are_answered_without_a_round_trip(
    site: dict[str, Any], wsgi: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    wsgi(site["url"])  # rendered, stored in the shared cache and here
    shared = page_cache.page_cache()
    reads: list[Any] = []
    monkeypatch.setattr(shared, "get_many", lambda keys, **kw: reads.append(keys) or {})
    assert wsgi(site["url"])[1]["X-Page-Cache"] == "HIT"
    assert reads == [], "a fresh generation and a local copy need no shared-cache read"


def test_another_process_publishing_reaches_this_one_within_the_local_seconds(site: dict[str, Any], wsgi: Any) -> None:
    wsgi(site["url"])
    assert wsgi(site["url"])[1]["X-Page-Cache"] == "HIT"
    # another process publishes: the shared generation moves, this process's note of it does not
    shared = page_cache.page_cache()
    shared.incr(page_cache.GENERATION_KEY)
    assert wsgi(site["url"])[1]["X-Page-Cache"] == "HIT"  # within PAGE_CACHE_LOCAL_SECONDS
    page_cache.local_pages.read_at -= 1.0  # the second has passed
    assert wsgi(site["url"])[1]["X-Page-Cache"] == "MISS"
    with override_settings(PAGE_CACHE_LOCAL_SECONDS=0):  # the local copy turned off: every hit asks
        shared.incr(page_cache.GENERATION_KEY)
        assert wsgi(site["url"])[1]["X-Page-Cache"] == "MISS"


def test_the_local_copy_keeps_within_its_bytes_dropping_the_least_recently_served() -> None:
    local = page_cache.LocalPages()
    with override_settings(PAGE_CACHE_LOCAL_BYTES=800):
        for name in "abc":
            local.put(name, (7, b"x" * 100, [], False, True))
        assert local.get("a", 7) is not None  # a served again: b is now the oldest
        for name in "defghij":
            local.put(name, (7, b"x" * 100, [], False, True))
        assert local.size <= 800
        assert local.get("a", 7) is not None and local.get("b", 7) is None
        assert local.get("a", 8) is None  # another generation is a miss
        local.put("big", (7, b"x" * 101, [], False, True))  # more than an eighth of the room: not kept
        assert local.get("big", 7) is None
