"""Site cluster routing: by path (/sites/<key>/…) and by host name; RSS, sitemap, Open Graph, print view,
Mongolian translation and the language switch."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from django.test import Client
from django.urls import reverse
from wagtail.models import Locale

from egov.domain.portal.models import ColumnPage
from egov.domain.portal.tests.factories import add_page, article, body, column, make_site, publish

pytestmark = pytest.mark.django_db


def test_each_site_is_served_under_its_own_path() -> None:
    # given two sites with an article each
    league = make_site("hinggan", name="兴安盟人民政府门户网站", default=True)
    county = make_site("wlht", name="乌兰浩特市人民政府")
    a = add_page(column(league, "zwdt"), article("盟里的新闻"))
    b = add_page(column(county, "zwdt"), article("市里的新闻"))
    client = Client()
    # then each page has an address under its site and shows that site's name
    assert a.url == f"/sites/hinggan/zwdt/{a.slug}/"
    assert b.url == f"/sites/wlht/zwdt/{b.slug}/"
    page_a = client.get(a.url).content.decode()
    assert "盟里的新闻" in page_a and "兴安盟人民政府门户网站" in page_a
    page_b = client.get(b.url).content.decode()
    assert "市里的新闻" in page_b and "乌兰浩特市人民政府" in page_b
    # and a page of one site is not reachable under another site's path
    assert client.get(f"/sites/wlht/zwdt/{a.slug}/").status_code == 404
    assert client.get("/sites/nosuchsite/").status_code == 404


def test_a_site_answers_on_its_own_host_name() -> None:
    league = make_site("hinggan", name="兴安盟人民政府门户网站", default=True)
    county = make_site("wlht", name="乌兰浩特市人民政府")
    story = add_page(column(county, "zwdt"), article("市里的新闻"))
    client = Client()
    root = client.get("/", HTTP_HOST=county.host).content.decode()
    assert "乌兰浩特市人民政府" in root and "市里的新闻" in root
    assert "兴安盟人民政府门户网站" in client.get("/", HTTP_HOST=league.host).content.decode()
    # Wagtail's own routing (the final catch-all) serves the host's pages by their plain path
    response = client.get(f"/zwdt/{story.slug}/", HTTP_HOST=county.host)
    assert response.status_code == 200 and "市里的新闻" in response.content.decode()


def test_host_routing_setting_gives_wagtail_urls(settings: pytest.FixtureRequest) -> None:
    county = make_site("wlht")
    story = add_page(column(county, "zwdt"), article())
    settings.PORTAL_ROUTING = "host"  # type: ignore[attr-defined]
    assert story.get_url_parts()[2] == f"/zwdt/{story.slug}/"
    assert story.full_url == f"http://{county.host}/zwdt/{story.slug}/"


def test_root_without_a_portal_site_is_the_platform_home_page() -> None:
    response = Client().get("/")
    assert response.status_code == 200
    assert "兴安盟一体化电子政务平台" in response.content.decode()


def test_column_lists_entries_newest_first_with_paging() -> None:
    home = make_site()
    news = column(home, "zwdt")
    news.per_page = 2
    publish(news)
    for days in (3, 1, 2):
        add_page(news, article(f"新闻{days}天前", days_ago=days))
    client = Client()
    first = client.get(news.url).content.decode()
    assert first.index("新闻1天前") < first.index("新闻2天前")
    assert "新闻3天前" not in first
    second = client.get(news.url + "?page=2").content.decode()
    assert "新闻3天前" in second and "新闻1天前" not in second
    assert client.get(news.url + "?page=abc").status_code == 200  # a bad page number shows page 1


def test_footer_shows_site_code_and_registration_numbers() -> None:
    home = make_site()
    html = Client().get(home.url).content.decode()
    assert "网站标识码：1522000099" in html
    assert "蒙ICP备00000000号" in html


def test_rss_feed_of_a_column() -> None:
    home = make_site()
    news = column(home, "zwdt")
    add_page(news, article("第一条新闻", text="新闻正文"))
    response = Client().get(news.url + "rss.xml")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    channel = ET.fromstring(response.content).find("channel")  # noqa: S314 — our own response
    assert channel is not None
    assert [item.findtext("title") for item in channel.findall("item")] == ["第一条新闻"]
    assert channel.findall("item")[0].findtext("link", "").endswith(news.url + news.get_children().first().slug + "/")


def test_sitemap_lists_live_pages_only() -> None:
    home = make_site()
    live = add_page(column(home, "zwdt"), article("已发布"))
    draft = add_page(column(home, "zwdt"), article("草稿"), live=False)
    for url in ("/sitemap.xml", reverse("portal:site_sitemap", args=[home.site_key])):
        response = Client().get(url)
        assert response.status_code == 200
        locations = [
            el.text
            for el in ET.fromstring(response.content).iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")  # noqa: S314
        ]
        assert f"http://testserver{live.url}" in locations
        assert not any(loc.endswith(f"/{draft.slug}/") for loc in locations)


def test_article_has_open_graph_tags_and_a_print_view() -> None:
    home = make_site()
    story = add_page(column(home, "zwdt"), article("开放图谱测试", text="这是一段摘要文字。"))
    html = Client().get(story.url).content.decode()
    assert '<meta property="og:title" content="开放图谱测试">' in html
    assert '<meta property="og:type" content="article">' in html
    assert 'content="这是一段摘要文字。"' in html
    printed = Client().get(story.url + "?print=1").content.decode()
    assert "print-view" in printed and 'class="main-nav"' not in printed


def test_mongolian_translation_is_shown_vertically_and_the_language_switch_keeps_the_page() -> None:
    # given an article with an mn translation
    home = make_site()
    story = add_page(column(home, "zwdt"), article("中文标题", text="中文正文"))
    mn, _ = Locale.objects.get_or_create(language_code="mn")
    translated = story.copy_for_translation(mn, copy_parents=True)
    assert all(parent.live for parent in translated.get_ancestors().filter(depth__gt=1))  # aliases, live
    translated.title, translated.body = "ᠮᠣᠩᠭᠣᠯ ᠭᠠᠷᠴᠠᠭ", body("ᠮᠣᠩᠭᠣᠯ ᠪᠢᠴᠢᠭ")
    publish(translated)
    client = Client()
    # when the visitor switches to Mongolian on the article
    response = client.post("/i18n/setlang/", {"language": "mn", "next": story.url})
    # then they stay on the same address, which now shows the translation, set vertically
    assert response.status_code == 302 and response["Location"] == story.url
    html = client.get(story.url).content.decode()
    assert "ᠮᠣᠩᠭᠣᠯ ᠭᠠᠷᠴᠠᠭ" in html and "中文正文" not in html
    assert '<html lang="mn"' in html
    assert 'class="mn-scroll portal-mn" lang="mn"' in html and 'class="mn-vertical article"' in html
    # and switching back shows the Chinese page again
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": story.url})
    assert "中文正文" in client.get(story.url).content.decode()


def test_page_without_translation_falls_back_to_chinese_in_mongolian_mode() -> None:
    home = make_site()
    story = add_page(column(home, "zwdt"), article("只有中文", text="中文正文"))
    client = Client()
    client.post("/i18n/setlang/", {"language": "mn", "next": story.url})
    response = client.get(story.url)
    assert response.status_code == 200 and "中文正文" in response.content.decode()


def test_link_column_points_elsewhere() -> None:
    home = make_site()
    services = add_page(home, ColumnPage(title="政务服务", slug="zwfw", link_url="/services/"))
    html = Client().get(home.url).content.decode()
    assert 'href="/services/"' in html
    assert services.is_link
