"""Public search API: GET /api/public/search?q=…&type=…&site=…&year=…&validity=…&sort=…&page=…

Mounted by egov/api/public.py with ``api.add_router("/search", router)``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from egov.kernel.search.selectors import search

router = Router(tags=["search"])


class SearchParams(Schema):
    q: str = Field("", description="检索词，最多 100 个字；多个词之间是“并且”关系")
    type: str | None = Field(None, max_length=64, description="对象类型，如 portal.article")
    site: str | None = Field(None, max_length=64, description="站点标识；不填为全部站点")
    year: int | None = Field(None, ge=1949, le=2100, description="发布年份")
    validity: str | None = Field(None, max_length=8, description="效力：有效、已修改、已废止")
    sort: str = Field("relevance", description="relevance（相关度）或 date（日期）")
    page: int = Field(1, description="页码，从 1 开始")
    page_size: int = Field(10, description="每页条数，1–50")


class HitOut(Schema):
    type: str
    id: str
    title: str
    url: str
    snippet_html: str = Field(description="摘要；除 <mark> 标记外均已转义")
    date: dt.datetime | None
    site: str
    facets: dict[str, Any]


class SearchOut(Schema):
    total: int
    total_estimated: bool = Field(description="匹配过多时为 true：total 为估计值，结果取自最新的匹配文档")
    page: int
    page_size: int
    pages: int
    hits: list[HitOut]
    facet_counts: dict[str, dict[str, int]]
    suggestion: str | None


@router.get("", response=SearchOut, summary="全站检索", auth=None)
def search_endpoint(request: HttpRequest, params: Query[SearchParams]) -> dict[str, Any]:
    """Bad input (q longer than 100 characters, page < 1 …) is a 400 with a Chinese message (search() rejects
    it); a value of the wrong type (page=abc) is the API's usual 422."""
    results = search(
        params.q,
        types=[params.type] if params.type else None,
        site=params.site,
        year=params.year,
        facets={"validity": params.validity} if params.validity else None,
        sort=params.sort,
        page=params.page,
        page_size=params.page_size,
    )
    return {
        "total": results.total,
        "total_estimated": results.estimated,
        "page": results.page,
        "page_size": results.page_size,
        "pages": results.pages,
        "hits": [hit.__dict__ | {"snippet_html": str(hit.snippet_html)} for hit in results.hits],
        "facet_counts": results.facet_counts,
        "suggestion": results.suggestion,
    }
