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
        yield


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
