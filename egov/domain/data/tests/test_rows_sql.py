"""The row query's hand-written SQL returns exactly what the ORM lookups it replaced return, for every operator
and column type, NULLs and LIKE metacharacters included."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.db.models import Q
from django.utils import timezone

from egov.domain.data import rows
from egov.domain.data.models import DataTable, DataType
from egov.domain.data.rows import RowFilter
from egov.kernel.calendar.deadlines import BEIJING

pytestmark = pytest.mark.django_db

COLUMNS = [
    ("编号", DataType.STRING),
    ("名称", DataType.STRING),
    ("员工数", DataType.INTEGER),
    ("注册资本", DataType.DECIMAL),
    ("成立日期", DataType.DATE),
    ("登记时间", DataType.DATETIME),
    ("是否存续", DataType.BOOLEAN),
]
NAMES = ["甲%乙", "甲_乙", "甲\\乙", "甲乙", "乙甲", None, "丙", "甲", "Abc", "abc", "甲乙丙", "乙"]


def _values(n: int) -> list[Any]:
    return [
        f"r{n:02d}",
        NAMES[n],
        None if n % 5 == 0 else n * 3,
        None if n % 4 == 0 else Decimal(n) / 4,
        None if n == 7 else dt.date(2020, 1, 1) + dt.timedelta(days=n * 30),
        None if n == 3 else timezone.make_aware(dt.datetime(2024, 1, 1, 8, 0) + dt.timedelta(hours=n * 7), BEIJING),
        None if n == 2 else n % 3 != 0,
    ]


@pytest.fixture
def table() -> Iterator[DataTable]:
    table = DataTable(
        version=1,
        table_name=rows.new_table_name(),
        columns=[
            {"name": name, "column": f"c{i}", "data_type": kind} for i, (name, kind) in enumerate(COLUMNS, start=1)
        ],
        row_count=len(NAMES),
    )
    rows.create_table(table)
    writer = rows.RowWriter(table)
    for n in range(len(NAMES)):
        writer.add(_values(n))
    writer.flush()
    rows.create_indexes(table)
    yield table
    rows.drop_table(table.table_name)


#: filter → the ORM condition it must be equivalent to (over the columns c1…c7 above).
CASES: list[tuple[RowFilter, Q]] = [
    (RowFilter("名称", "eq", "甲乙"), Q(c2="甲乙")),
    (RowFilter("名称", "ne", "甲乙"), ~Q(c2="甲乙")),
    (RowFilter("员工数", "ne", "6"), ~Q(c3=6)),
    (RowFilter("员工数", "gt", "10"), Q(c3__gt=10)),
    (RowFilter("员工数", "lte", "9"), Q(c3__lte=9)),
    (RowFilter("注册资本", "gte", "1.5"), Q(c4__gte=Decimal("1.5"))),
    (RowFilter("注册资本", "lt", "1"), Q(c4__lt=Decimal("1"))),
    (RowFilter("成立日期", "lte", "2020-06-01"), Q(c5__lte=dt.date(2020, 6, 1))),
    (RowFilter("登记时间", "gt", "2024-01-02 08:00:00"), Q(c6__gt=dt.datetime(2024, 1, 2, 8, tzinfo=BEIJING))),
    (RowFilter("是否存续", "eq", "是"), Q(c7=True)),
    (RowFilter("是否存续", "eq", "否"), Q(c7=False)),
    (RowFilter("是否存续", "ne", "是"), ~Q(c7=True)),
    (RowFilter("名称", "in", "甲|乙|甲"), Q(c2__in=["甲", "乙"])),
    (RowFilter("员工数", "in", ["3", "6", "999"]), Q(c3__in=[3, 6, 999])),
    (RowFilter("名称", "contains", "%"), Q(c2__contains="%")),
    (RowFilter("名称", "contains", "_"), Q(c2__contains="_")),
    (RowFilter("名称", "contains", "\\"), Q(c2__contains="\\")),
    (RowFilter("名称", "contains", "乙"), Q(c2__contains="乙")),
    (RowFilter("名称", "startswith", "甲乙"), Q(c2__startswith="甲乙")),
    (RowFilter("名称", "startswith", ""), Q()),
    (RowFilter("员工数", "isnull", "true"), Q(c3__isnull=True)),
    (RowFilter("成立日期", "isnull", "false"), Q(c5__isnull=False)),
]


@pytest.mark.parametrize(("flt", "condition"), CASES, ids=[f"{f.column}-{f.op}-{f.value}" for f, _q in CASES])
def test_each_operator_matches_the_orm(table: DataTable, flt: RowFilter, condition: Q) -> None:
    model = rows.row_model(table)
    expected = list(model._default_manager.filter(condition).order_by("row").values_list("c1", flat=True))
    page = rows.rows_query(table, columns=["编号"], filters=[flt], limit=100)
    assert [row["编号"] for row in page.rows] == expected


def test_values_come_back_typed_as_before(table: DataTable) -> None:
    page = rows.rows_query(table, filters=[RowFilter("编号", "eq", "r05")])
    assert page.rows == [
        {
            "编号": "r05",
            "名称": None,
            "员工数": None,
            "注册资本": "1.25",
            "成立日期": "2020-05-30",
            "登记时间": "2024-01-02T19:00:00+08:00",
            "是否存续": True,
        }
    ]


def test_filters_combine_and_the_cursor_pages_through_every_match(table: DataTable) -> None:
    filters = [RowFilter("员工数", "gte", "3"), RowFilter("是否存续", "ne", "否")]
    seen, cursor = [], None
    while True:
        page = rows.rows_query(table, columns=["编号"], filters=filters, cursor=cursor, limit=2)
        seen += [row["编号"] for row in page.rows]
        cursor = page.next_cursor
        if cursor is None:
            break
    model = rows.row_model(table)
    expected = model._default_manager.filter(Q(c3__gte=3) & ~Q(c7=False)).order_by("row").values_list("c1", flat=True)
    assert seen == list(expected) and len(seen) >= 3
