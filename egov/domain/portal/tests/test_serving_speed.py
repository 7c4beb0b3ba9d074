"""The fast serving path (issue 5): pages routed in two queries, the site's navigation and breadcrumbs from the
per-process memo (egov.domain.portal.memo), kept fresh on every change; summaries without stripping whole
bodies; the page cache bypassed for pending notices and dropped when a restriction appears."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.conf import settings
from django.test import Client, override_settings
from wagtail.models import PageViewRestriction

from egov.domain.portal import cache as page_cache
from egov.domain.portal.models import ColumnKind, ColumnPage, body_text
from egov.domain.portal.tests.factories import add_page, article, body, column, make_site, publish

pytestmark = pytest.mark.django_db

NO_PAGE_CACHE = [m for m in settings.MIDDLEWARE if m != "egov.domain.portal.cache.AnonymousPageCacheMiddleware"]


def _breadcrumb(html: str) -> list[tuple[str, str]]:
    trail = re.search(r'<nav class="breadcrumb".*?</nav>', html, re.S)
    assert trail, "the page shows a breadcrumb"
    return re.findall(r'<a href="([^"]+)">([^<]+)</a>', trail.group(0))


def _nav(html: str) -> list[tuple[str, str, bool]]:
    nav = re.search(r'<nav class="main-nav".*?</nav>', html, re.S)
    assert nav, "the page shows the main navigation"
    return [
        (href, title, bool(current))
        for href, current, title in re.findall(r'<a href="([^"]+)"( aria-current="page")?>([^<]+)</a>', nav.group(0))
    ]


@override_settings(MIDDLEWARE=NO_PAGE_CACHE)
def test_an_article_is_served_in_a_few_queries_with_its_site_frame(django_assert_max_num_queries: Any) -> None:
    # given a site with a sub-column holding an article
    home = make_site("speed")
    news = column(home, "zwdt")
    sub = add_page(news, ColumnPage(title="图片新闻", slug="tpxw", kind=ColumnKind.NEWS))
    page = add_page(sub, article("子栏目里的文章", text="第一段。" * 10))
    client = Client()
    client.get(page.url)  # the memo is filled by the first visit
    # when it is requested again (no page cache)
    with django_assert_max_num_queries(3):
        response = client.get(page.url)
    # then it is the article, with the breadcrumb down to its column and the section marked in the navigation
    html = response.content.decode()
    assert response.status_code == 200 and "子栏目里的文章" in html
    assert _breadcrumb(html) == [
        ("/sites/speed/", "首页"),
        ("/sites/speed/zwdt/", "政务动态"),
        ("/sites/speed/zwdt/tpxw/", "图片新闻"),
    ]
    assert _nav(html) == [
        ("/sites/speed/", "首页", False),
        ("/sites/speed/zwdt/", "政务动态", True),
        ("/sites/speed/zcwj/", "政策文件", False),
    ]
    assert f'<link rel="canonical" href="http://testserver{page.url}">' in html


@override_settings(MIDDLEWARE=NO_PAGE_CACHE)
def test_the_home_page_costs_no_query_per_linked_page() -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    # given a site whose home page lists the newest entries of its columns
    home = make_site("links")
    news = column(home, "zwdt")
    add_page(news, article("第一篇"))
    client = Client()
    client.get(home.url)
    with CaptureQueriesContext(connection) as few:
        first = client.get(home.url)
    # when five more entries are linked from it
    for n in range(5):
        add_page(news, article(f"新文章{n}"))
    client.get(home.url)
    with CaptureQueriesContext(connection) as more:
        response = client.get(home.url)
    # then it takes the same number of queries, and each link is the entry's address on its site
    html = response.content.decode()
    assert first.status_code == response.status_code == 200
    assert len(more.captured_queries) == len(few.captured_queries)
    assert "新文章4" in html and re.search(r'href="/sites/links/zwdt/[^"]+/"', html)


def test_routing_still_answers_what_wagtail_answers() -> None:
    home = make_site("routes")
    news = column(home, "zwdt")
    live = add_page(news, article("已发布"))
    draft = add_page(news, article("草稿"), live=False)
    client = Client()
    assert client.get(live.url).status_code == 200
    assert client.get(f"/sites/routes/zwdt/{draft.slug}/").status_code == 404  # not live
    assert client.get("/sites/routes/zwdt/no-such-page/").status_code == 404
    assert client.get(f"/sites/routes/zcwj/{live.slug}/").status_code == 404  # another column's path
    feed = client.get("/sites/routes/zwdt/rss.xml")  # a column's own route
    assert feed.status_code == 200 and "已发布" in feed.content.decode()
    assert client.get("/sites/routes/").status_code == 200


@override_settings(MIDDLEWARE=NO_PAGE_CACHE)
def test_renaming_or_adding_a_column_shows_at_once() -> None:
    # given a page whose navigation has been memoised
    home = make_site("fresh")
    page = add_page(column(home, "zwdt"), article("文章"))
    client = Client()
    assert [title for _href, title, _current in _nav(client.get(page.url).content.decode())] == [
        "首页",
        "政务动态",
        "政策文件",
    ]
    # when a column is renamed and another one published (in this process, before any commit)
    news = column(home, "zwdt")
    news.title = "要闻动态"
    publish(news)
    add_page(home, ColumnPage(title="通知公告", slug="tzgg", kind=ColumnKind.NOTICE))
    # then the next page shows both
    html = client.get(page.url).content.decode()
    assert [title for _href, title, _current in _nav(html)] == ["首页", "要闻动态", "政策文件", "通知公告"]
    assert ("/sites/fresh/zwdt/", "要闻动态") in _breadcrumb(html)


def test_a_new_generation_starts_the_memo_over(django_capture_on_commit_callbacks: Any) -> None:
    from egov.domain.portal import memo

    calls: list[int] = []

    def build() -> int:
        calls.append(1)
        return len(calls)

    assert memo.remember(("test-key",), build) == memo.remember(("test-key",), build) == 1
    page_cache.invalidate_all()  # another process published something
    assert memo.remember(("test-key",), build) == 2


def test_the_summary_is_the_start_of_the_text_without_stripping_all_of_it() -> None:
    long_paragraph = "".join(f"<p>第{i}句话，<b>重点</b>内容&amp;说明。</p>" for i in range(2000))
    value = body(long_paragraph)
    page = article("长文", body=value)
    full = " ".join(body_text(page.body).split())
    assert page.og_description() == full[:120]
    assert len(page.og_description()) == 120
    assert body_text(page.body, limit=120).startswith(body_text(page.body)[:120])
    assert len(body_text(page.body, limit=120)) < len(body_text(page.body)) / 10


def test_a_visitor_with_a_pending_notice_is_not_served_a_cached_page() -> None:
    home = make_site("notice")
    page = add_page(column(home, "zwdt"), article("文章"))
    Client().get(page.url)
    assert Client().get(page.url)["X-Page-Cache"] == "HIT"
    visitor = Client()
    visitor.cookies["messages"] = "pending"
    assert "X-Page-Cache" not in visitor.get(page.url)


def test_a_new_restriction_ends_the_cached_copies(django_capture_on_commit_callbacks: Any) -> None:
    # given a cached public page
    home = make_site("private")
    news = column(home, "zwdt")
    page = add_page(news, article("将要受限的文章"))
    client = Client()
    client.get(page.url)
    assert client.get(page.url)["X-Page-Cache"] == "HIT"
    # when its column is put behind a password
    with django_capture_on_commit_callbacks(execute=True):
        PageViewRestriction.objects.create(page=news, restriction_type="password", password="secret")
    # then visitors get the password form, not the cached article
    response = Client().get(page.url)
    assert response.get("X-Page-Cache") != "HIT"
    assert "将要受限的文章" not in response.content.decode()
