"""The fq / sort parser on its own (its effect on real data is covered in test_ckan_api)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import Q

from egov.domain.data.query import QueryError, parse_fq, parse_sort


def test_empty_query_filters_nothing() -> None:
    assert parse_fq("  ") == Q()


def test_and_binds_tighter_than_or() -> None:
    assert parse_fq("name:x OR name:y code:z") == Q(name__iexact="x") | (Q(name__iexact="y") & Q(code__iexact="z"))
    assert parse_fq("(name:x OR name:y) AND code:z") == (Q(name__iexact="x") | Q(name__iexact="y")) & Q(
        code__iexact="z"
    )


def test_quoted_values_and_negation() -> None:
    assert parse_fq('title:"空气 质量"') == Q(title__iexact="空气 质量")
    assert parse_fq("-license_id:cc-by-4.0") == ~Q(license_id__iexact="cc-by-4.0")
    assert parse_fq("NOT license_id:odc-by") == ~Q(license_id__iexact="odc-by")


def test_date_ranges() -> None:
    start = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    assert parse_fq("metadata_modified:[2024-01-01T00:00:00Z TO *]") == Q(modified_at__gte=start)
    assert parse_fq("metadata_created:{2024-01-01T00:00:00Z TO 2024-01-01T00:00:00Z}") == Q(created_at__gt=start) & Q(
        created_at__lt=start
    )
    assert parse_fq("release_date:[* TO *]") == Q()


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("colour:red", "不支持的检索字段：colour"),
        ("name:x)", "检索条件中的括号不匹配"),
        ("(name:x", "检索条件不完整"),
        ("tags:", "检索条件不完整"),
        ("name:[a TO b]", "字段 name 不支持范围条件"),
        ("metadata_modified:[2024-01-01]", "范围条件应为 [起 TO 止]：[2024-01-01]"),
        ("tags:(a AND b)", "字段值列表只能用 OR 连接"),
    ],
)
def test_errors_have_chinese_messages(source: str, message: str) -> None:
    with pytest.raises(QueryError) as caught:
        parse_fq(source)
    assert str(caught.value) == message


def test_sort() -> None:
    assert parse_sort("score desc, metadata_modified desc", score=lambda: None) == ["-modified_at"]
    assert parse_sort("score desc, title_string asc", score=lambda: "score") == ["-score", "title"]
    with pytest.raises(QueryError, match="不支持的排序方式：title sideways"):
        parse_sort("title sideways", score=lambda: None)
