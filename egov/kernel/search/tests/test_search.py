"""The search over real Chinese text: the founding document, one article per paragraph."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from egov.kernel.errors import Rejected
from egov.kernel.search import text
from egov.kernel.search.backends import PostgreSQLBackend, SQLiteBackend
from egov.kernel.search.models import SearchDocument
from egov.kernel.search.selectors import search
from egov.kernel.search.services import index_object, remove_object
from egov.kernel.search.tests.factories import founding_paragraphs, index_founding_document, indexed

pytestmark = pytest.mark.django_db


def test_place_names_of_the_custom_dictionary_stay_one_word() -> None:
    assert text.words("科尔沁右翼前旗人民政府在乌兰浩特市召开会议") == [
        "科尔沁右翼前旗",
        "人民政府",
        "在",
        "乌兰浩特市",
        "召开",
        "会议",
    ]
    assert "全程办事代理制" in text.words("继续推行全程办事代理制")


def test_a_place_inside_a_longer_name_is_found() -> None:
    # given a document that jieba segments as 乌兰浩特市
    indexed(object_id=1, title="乌兰浩特市政务服务中心迁址公告")
    # when searching the shorter name
    results = search("乌兰浩特")
    # then it is found and the name is highlighted
    assert [h.id for h in results.hits] == ["1"]
    assert results.hits[0].title_html == "<mark>乌兰浩特</mark>市政务服务中心迁址公告"


def test_information_resources_ranks_the_road_car_cargo_paragraph_first() -> None:
    # given the founding document, one article per paragraph
    index_founding_document()
    road_car_cargo = next(n for n, p in enumerate(founding_paragraphs()) if "网络是'路'" in p)
    # when
    results = search("信息资源", page_size=20)
    # then every paragraph with the word is found, the one built around it first
    assert results.hits[0].id == str(road_car_cargo)
    containing = {str(n) for n, p in enumerate(founding_paragraphs()) if "信息资源" in p}
    assert containing <= {h.id for h in results.hits}
    assert "<mark>信息资源</mark>" in results.hits[0].snippet_html


def test_full_process_agency_finds_the_last_paragraph() -> None:
    index_founding_document()
    last = len(founding_paragraphs()) - 1

    results = search("全程办事代理制")

    assert [h.id for h in results.hits] == [str(last)]
    assert "继续推行<mark>全程办事代理制</mark>" in results.hits[0].snippet_html


def test_every_word_of_the_query_must_occur() -> None:
    index_founding_document()

    both = search("资金 培训")
    only_funds = search("资金")

    assert 0 < both.total < only_funds.total
    for hit in both.hits:
        body = SearchDocument.objects.get(object_id=hit.id).body
        assert "资金" in body and "培训" in body


@pytest.mark.parametrize(
    "query", ['"', "AND OR", "*", "NEAR(", '电子政务"', "政务 OR", "^政务", "col:政务", "(", "''", "-政务", "NOT"]
)
def test_fts_syntax_in_the_query_never_breaks_the_search(query: str) -> None:
    index_founding_document()

    results = search(query)

    assert results.total >= 0


def test_operator_words_are_searched_as_words() -> None:
    indexed(object_id=1, title="AND 与 OR 的用法")
    indexed(object_id=2, title="其他文章")

    assert [h.id for h in search("AND OR").hits] == ["1"]


def test_snippet_escapes_html_except_the_marks() -> None:
    indexed(object_id=1, title="通知", body="<script>alert(1)</script> 电子政务 & 数据")

    snippet = search("电子政务").hits[0].snippet_html

    assert snippet == "&lt;script&gt;alert(1)&lt;/script&gt; <mark>电子政务</mark> &amp; 数据"


def test_filters_by_type_site_year_and_validity() -> None:
    # given
    indexed(
        object_id=1,
        title="政务公开规定",
        object_type="portal.policy",
        site="xam",
        published=dt.datetime(2023, 3, 1, tzinfo=dt.UTC),
        facets={"validity": "有效"},
    )
    indexed(
        object_id=2,
        title="政务公开规定（旧）",
        object_type="portal.policy",
        site="xam",
        published=dt.datetime(2019, 3, 1, tzinfo=dt.UTC),
        facets={"validity": "已废止"},
    )
    indexed(
        object_id=3,
        title="政务公开工作动态",
        object_type="portal.article",
        site="aes",
        published=dt.datetime(2023, 6, 1, tzinfo=dt.UTC),
    )
    # then
    assert {h.id for h in search("政务公开").hits} == {"1", "2", "3"}
    assert {h.id for h in search("政务公开", types=["portal.policy"]).hits} == {"1", "2"}
    assert {h.id for h in search("政务公开", site="aes").hits} == {"3"}
    assert {h.id for h in search("政务公开", year=2023).hits} == {"1", "3"}
    assert {h.id for h in search("政务公开", facets={"validity": "已废止"}).hits} == {"2"}
    counts = search("政务公开", types=["portal.policy"]).facet_counts
    assert counts == {
        "type": {"portal.policy": 2},
        "site": {"xam": 2},
        "year": {"2023": 1, "2019": 1},
        "validity": {"有效": 1, "已废止": 1},
    }


def test_sort_by_date_puts_the_newest_first_and_pages() -> None:
    index_founding_document()
    matching = [str(n) for n, p in enumerate(founding_paragraphs()) if "资金" in p]

    first = search("资金", sort="date", page=1, page_size=3)
    second = search("资金", sort="date", page=2, page_size=3)

    assert first.total == len(matching)
    assert [h.id for h in first.hits + second.hits] == list(reversed(matching))[:6]
    assert len(matching) > 3
    assert first.pages == (len(matching) + 2) // 3


def test_empty_query_lists_the_site_newest_first() -> None:
    indexed(object_id=1, title="旧文", site="xam", published=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    indexed(object_id=2, title="新文", site="xam", published=dt.datetime(2024, 1, 1, tzinfo=dt.UTC))
    indexed(object_id=3, title="别站", site="aes")

    assert [h.id for h in search("", site="xam").hits] == ["2", "1"]


def test_index_and_remove_keep_the_full_text_index_in_sync() -> None:
    # given
    indexed(object_id=7, title="阿尔山市冬季旅游公告")
    assert search("阿尔山").total == 1
    # when the object is edited
    indexed(object_id=7, title="突泉县春耕生产通知")
    # then the old words no longer match and the new ones do
    assert search("阿尔山").total == 0
    assert [h.title for h in search("突泉县").hits] == ["突泉县春耕生产通知"]
    assert SearchDocument.objects.count() == 1
    # when it is unpublished
    assert remove_object(object_type="portal.article", object_id="7") is True
    # then
    assert search("突泉县").total == 0
    assert remove_object(object_type="portal.article", object_id="7") is False


@pytest.mark.parametrize(
    ("kwargs", "code", "message"),
    [
        ({"query": "政" * 101}, "query_too_long", "检索词不能超过 100 个字"),
        ({"query": "政务", "page": 0}, "bad_page", "页码应为 1 到 1000 之间的整数"),
        ({"query": "政务", "page": -1}, "bad_page", "页码应为 1 到 1000 之间的整数"),
        ({"query": "政务", "sort": "random"}, "bad_sort", "排序方式只能是按相关度或按日期"),
        ({"query": "政务", "page_size": 51}, "bad_page_size", "每页条数应为 1 到 50 之间的整数"),
        ({"query": "政务", "facets": {"validity') OR 1=1 --": "x"}}, "bad_facet", "筛选条件不正确"),
    ],
)
def test_bad_input_is_rejected_in_chinese(kwargs: dict, code: str, message: str) -> None:
    query = kwargs.pop("query")
    with pytest.raises(Rejected) as caught:
        search(query, **kwargs)
    assert (caught.value.code, caught.value.message) == (code, message)


def test_an_empty_title_is_rejected_and_nothing_is_written() -> None:
    with pytest.raises(Rejected) as caught:
        index_object(object_type="portal.article", object_id="1", title="  ", body="正文", url="/a/1/")
    assert caught.value.message == "标题不能为空"
    assert SearchDocument.objects.count() == 0


def test_a_bulk_delete_outside_the_service_also_leaves_the_full_text_index() -> None:
    # given (the FTS5 triggers / generated column follow every write to the table, not only the service's)
    indexed(object_id=1, title="扎赉特旗防汛通知")
    # when
    SearchDocument.objects.filter(object_id="1").delete()
    indexed(object_id=2, title="突泉县通知")
    # then
    assert search("扎赉特旗").total == 0
    assert search("通知").total == 1


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite 的候选上限按加入索引的先后取")
def test_on_sqlite_very_common_words_rank_only_the_matches_last_indexed(monkeypatch: pytest.MonkeyPatch) -> None:
    # given 40 documents that mention 政务服务 (indexed one after the other) and 10 that do not, of two sites
    for n in range(40):
        indexed(object_id=n, title=f"政务服务动态第{n}期", site="xam" if n % 2 else "kyqq")
    for n in range(40, 50):
        indexed(object_id=n, title="农牧业生产情况")
    # and an engine that ranks at most 5 matches
    monkeypatch.setattr(SQLiteBackend, "max_candidates", 5)

    # when the common word is searched by relevance
    results = search("政务服务", page_size=5)

    # then only the 5 matches indexed last are ranked; the total is the exact count of the word's matches, marked
    # as an estimate because the facet counts describe the five only
    assert sorted(int(h.id) for h in results.hits) == [35, 36, 37, 38, 39]
    assert (results.total, results.estimated) == (40, True)
    assert sum(results.facet_counts["site"].values()) == 5
    # a later page widens the window instead of coming back empty
    assert len(search("政务服务", page=3, page_size=5).hits) == 5
    # with a filter the window is taken among the filtered matches, and the total scaled by the filter's share
    one_site = search("政务服务", site="xam", page_size=5)
    assert sorted(int(h.id) for h in one_site.hits) == [31, 33, 35, 37, 39]
    # (xam holds 30 of the 50 documents: 20 of the matches and the 10 others)
    assert one_site.estimated and one_site.total == round(40 * 30 / 50)
    # words with fewer matches than the cap are ranked and counted exactly
    rare = search("农牧业")
    assert (rare.total, rare.estimated) == (10, False)


@pytest.mark.postgres_only
@pytest.mark.skipif(connection.vendor != "postgresql", reason="需要 PostgreSQL（候选上限只在 PostgreSQL 上启用）")
def test_very_common_words_rank_only_the_newest_matches_and_estimate_the_total(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # given 40 documents that all mention 政务服务 (published on consecutive days) and 10 that do not
    day = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    for n in range(40):
        indexed(object_id=n, title=f"政务服务动态第{n}期", published=day + dt.timedelta(days=n))
    for n in range(40, 50):
        indexed(object_id=n, title="农牧业生产情况", published=day + dt.timedelta(days=n))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE search_searchdocument")
    # and an engine that ranks at most 5 matches
    monkeypatch.setattr(PostgreSQLBackend, "max_candidates", 5)

    # when the common word is searched by relevance
    results = search("政务服务", page_size=5)

    # then only the 5 newest matches are ranked, and the total is marked as an estimate
    assert results.estimated
    assert results.total >= 5
    assert sorted(int(h.id) for h in results.hits) == [35, 36, 37, 38, 39]
    # a later page widens the window instead of coming back empty
    assert {int(h.id) for h in search("政务服务", page=3, page_size=5).hits} <= set(range(40))
    assert len(search("政务服务", page=3, page_size=5).hits) == 5
    # a rare word is still counted exactly
    rare = search("农牧业")
    assert (rare.total, rare.estimated) == (10, False)
