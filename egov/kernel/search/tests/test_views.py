"""The public search page and the public search API."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from egov.kernel.search.tests.factories import indexed

pytestmark = pytest.mark.django_db


@pytest.fixture
def documents() -> None:
    indexed(
        object_id=1,
        title="科尔沁右翼前旗政务服务指南",
        body="<b>政务服务</b>事项办理流程",
        object_type="portal.policy",
        site="kyqq",
        published=dt.datetime(2024, 3, 1, tzinfo=dt.UTC),
        facets={"validity": "有效", "document_number": "科右前政发〔2024〕3号"},
    )
    indexed(
        object_id=2,
        title="兴安盟政务服务中心工作动态",
        body="全盟政务服务效率提升",
        site="xam",
        published=dt.datetime(2023, 7, 1, tzinfo=dt.UTC),
    )


def test_page_shows_highlighted_hits_with_filters_kept(client: Client, documents: None) -> None:
    response = client.get("/search/", {"q": "政务服务", "site": "kyqq"})

    assert response.status_code == 200
    html = response.content.decode()
    assert "共找到 1 条结果" in html
    assert "科尔沁右翼前旗<mark>政务服务</mark>指南" in html
    assert "&lt;b&gt;<mark>政务服务</mark>&lt;/b&gt;事项办理流程" in html
    assert "科右前政发〔2024〕3号" in html
    assert 'value="kyqq" selected' in html
    assert "兴安盟政务服务中心工作动态" not in html


def test_page_offers_the_suggestion_as_a_link(client: Client, documents: None) -> None:
    response = client.get("/search/", {"q": "zhengwufuwu"})

    html = response.content.decode()
    assert "您是不是要找：" in html
    assert "?q=%E6%94%BF%E5%8A%A1%E6%9C%8D%E5%8A%A1" in html  # 政务服务
    assert "没有找到相关内容" in html


def test_page_without_query_invites_a_search(client: Client) -> None:
    response = client.get("/search/")

    assert response.status_code == 200
    assert "请输入检索词" in response.content.decode()


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"q": "政" * 101}, "检索词不能超过 100 个字"),
        ({"q": "政务", "page": "-1"}, "页码应为正整数"),
        ({"q": "政务", "year": "二〇二四"}, "年份应为四位数字"),
        ({"q": "政务", "sort": "random"}, "排序方式不正确"),
    ],
)
def test_page_rejects_bad_input_in_chinese_and_keeps_it(client: Client, params: dict, message: str) -> None:
    response = client.get("/search/", params)

    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert 'value="' + params["q"] + '"' in html


def test_api_returns_hits_facets_and_paging(client: Client, documents: None) -> None:
    response = client.get("/api/public/search", {"q": "政务服务", "sort": "date"})

    assert response.status_code == 200
    body = response.json()
    assert (body["total"], body["total_estimated"]) == (2, False)
    assert body["pages"] == 1
    assert [h["id"] for h in body["hits"]] == ["1", "2"]
    assert body["hits"][0]["snippet_html"] == "&lt;b&gt;<mark>政务服务</mark>&lt;/b&gt;事项办理流程"
    assert body["hits"][0]["facets"]["validity"] == "有效"
    assert body["facet_counts"]["site"] == {"kyqq": 1, "xam": 1}
    assert body["suggestion"] is None


def test_api_filters_by_validity_and_year(client: Client, documents: None) -> None:
    assert [h["id"] for h in client.get("/api/public/search", {"q": "政务", "validity": "有效"}).json()["hits"]] == [
        "1"
    ]
    assert [h["id"] for h in client.get("/api/public/search", {"q": "政务", "year": 2023}).json()["hits"]] == ["2"]


@pytest.mark.parametrize(
    ("params", "status", "message"),
    [
        ({"q": "政" * 101}, 400, "检索词不能超过 100 个字"),
        ({"q": "政务", "page": -1}, 400, "页码应为 1 到 1000 之间的整数"),
        ({"q": "政务", "sort": "random"}, 400, "排序方式只能是按相关度或按日期"),
        ({"q": "政务", "page": "abc"}, 422, "请求参数不正确"),
    ],
)
def test_api_rejects_bad_input_with_chinese_json(client: Client, params: dict, status: int, message: str) -> None:
    response = client.get("/api/public/search", params)

    assert response.status_code == status
    assert response.json()["error"]["message"] == message


@pytest.mark.parametrize("query", ['"', "AND OR", "*", "NEAR(", "政务 NOT", "'; DROP TABLE x; --"])
def test_api_survives_fts_syntax(client: Client, documents: None, query: str) -> None:
    assert client.get("/api/public/search", {"q": query}).status_code == 200


def test_page_searches_within_one_site_and_pages(client: Client) -> None:
    for n in range(12):
        indexed(
            object_id=n,
            title=f"阿尔山市政务公开第{n}期",
            site="aes",
            published=dt.datetime(2024, 1, 1, tzinfo=dt.UTC) + dt.timedelta(days=n),
        )
    indexed(object_id=99, title="兴安盟政务公开", site="xam")

    first = client.get("/search/", {"q": "政务公开", "site": "aes", "sort": "date"}).content.decode()
    second = client.get("/search/", {"q": "政务公开", "site": "aes", "sort": "date", "page": 2}).content.decode()

    assert "共找到 12 条结果" in first
    assert "第11期" in first and "第1期" not in first.replace("第11期", "")
    assert 'href="?q=%E6%94%BF%E5%8A%A1%E5%85%AC%E5%BC%80&amp;site=aes&amp;sort=date&amp;page=2"' in first
    assert "第1期" in second and "第0期" in second and "兴安盟政务公开" not in second
