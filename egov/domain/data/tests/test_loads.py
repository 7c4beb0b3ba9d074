"""Loading the data behind an entry: validation with a per-row report, all-or-nothing, versions, queries."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from openpyxl import Workbook

from egov.domain.data import rows
from egov.domain.data.loading import LoadRejected
from egov.domain.data.models import DataTable
from egov.domain.data.rows import RowFilter
from egov.domain.data.selectors import current_table, rows_query
from egov.domain.data.services import DataItemSpec, data_table_load, provider_api_register
from egov.domain.data.tests.factories import OrgUnitFactory, data_admin, make_entry
from egov.kernel.access.policy import AccessDenied
from egov.kernel.audit.models import AuditEntry
from egov.kernel.crypto import sm3_hex
from egov.kernel.errors import Conflict, NotFound, Rejected

pytestmark = pytest.mark.django_db

ITEMS = [
    DataItemSpec(name="企业名称", data_type="string", length=20, required=True),
    DataItemSpec(name="统一社会信用代码", data_type="string", length=18, required=True, check_rule="uscc"),
    DataItemSpec(name="法人身份证号", data_type="string", length=18, check_rule="resident_id", is_personal=True),
    DataItemSpec(name="旗县", data_type="string", length=10, code_list=("乌兰浩特市", "突泉县", "扎赉特旗")),
    DataItemSpec(name="注册资本", data_type="decimal"),
    DataItemSpec(name="员工数", data_type="integer"),
    DataItemSpec(name="成立日期", data_type="date"),
    DataItemSpec(name="是否存续", data_type="boolean"),
]
HEADER = "企业名称,统一社会信用代码,法人身份证号,旗县,注册资本,员工数,成立日期,是否存续\n"
GOOD_USCC = "91152200MA0N8X2K1F"
GOOD_ID = "152201198503152013"


def _entry(unit=None):  # type: ignore[no-untyped-def]
    unit = unit or OrgUnitFactory()
    admin = data_admin(unit)
    entry = make_entry(
        actor=admin,
        provider=unit,
        items=ITEMS,
        open_type="conditional",
        sharing_type="conditional",
        sharing_basis="依法履职",
        csv=None,
    )
    return entry, admin


def _csv(body: str, name: str = "企业.csv", encoding: str = "utf-8") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, (HEADER + body).encode(encoding), content_type="text/csv")


def _good_rows(n: int) -> str:
    counties = ["乌兰浩特市", "突泉县", "扎赉特旗"]
    return "".join(
        f"企业{i},{GOOD_USCC},{GOOD_ID},{counties[i % 3]},{i}.5,{i},2020-01-{1 + i % 28:02d},是\n"
        for i in range(1, n + 1)
    )


def _tables() -> set[str]:
    return {name for name in connection.introspection.table_names() if name.startswith("data_rows_")}


def test_a_broken_file_reports_every_row_error_in_chinese_and_loads_nothing() -> None:
    # given an entry and a file with problems in rows 3, 4, 5 and 6 (the header is row 1)
    entry, admin = _entry()
    body = (
        f"企业甲,{GOOD_USCC},{GOOD_ID},乌兰浩特市,100,10,2020-01-01,是\n"
        f"企业乙,91152200MA0N8X2K1A,152201198503152012,突泉县,abc,1.5,2020-02-30,也许\n"
        f",{GOOD_USCC},,呼和浩特市,1,1,2020-01-01,否\n"
        f"企业名称特别特别特别特别特别特别特别特别长,{GOOD_USCC},,突泉县,1,1,2020-01-01,否\n"
        f"企业丁,{GOOD_USCC},,突泉县,1,1,2020-01-01,否,多余\n"
    )
    tables_before = _tables()
    # when
    with pytest.raises(LoadRejected) as caught:
        data_table_load(actor=admin, entry=entry, upload=_csv(body))
    # then every error is listed with row and column
    assert [str(error) for error in caught.value.errors] == [
        "第3行“统一社会信用代码”：统一社会信用代码校验位不正确",
        "第3行“法人身份证号”：身份证号码校验位不正确",
        "第3行“注册资本”：取值应为数值",
        "第3行“员工数”：取值应为整数",
        "第3行“成立日期”：取值应为日期（如 2024-01-31）",
        "第3行“是否存续”：取值应为是/否",
        "第4行“企业名称”：必填项不能为空",
        "第4行“旗县”：取值“呼和浩特市”不在代码表中（允许：乌兰浩特市、突泉县、扎赉特旗）",
        "第5行“企业名称”：长度为21个字符，超过了登记的20个字符",
        "第6行：该行的列数多于表头",
    ]
    assert caught.value.message == "数据校验未通过：共 10 处错误（涉及 4 行），未加载任何数据"
    # and nothing is loaded: no version, no table, no audit entry
    assert not DataTable.objects.exists()
    assert _tables() == tables_before
    assert not AuditEntry.objects.filter(action="data.table_load").exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("企业名称,不存在的列\n企业甲,1\n", "表头中有未登记的数据项：不存在的列；表头缺少必填数据项：统一社会信用代码"),
        ("企业名称,企业名称,统一社会信用代码\n", "表头中数据项重复：企业名称"),
        (HEADER, "文件中没有数据行"),
    ],
)
def test_file_level_problems_are_refused_with_a_clear_message(content: str, message: str) -> None:
    entry, admin = _entry()
    upload = SimpleUploadedFile("企业.csv", content.encode(), content_type="text/csv")
    with pytest.raises(Rejected) as caught:
        data_table_load(actor=admin, entry=entry, upload=upload)
    assert caught.value.message == message
    assert not DataTable.objects.exists()


def test_a_file_whose_content_is_not_a_table_is_refused_by_the_upload_checks() -> None:
    entry, admin = _entry()
    upload = SimpleUploadedFile("企业.csv", b"%PDF-1.4 not a table", content_type="text/csv")
    with pytest.raises(Rejected) as caught:
        data_table_load(actor=admin, entry=entry, upload=upload)
    assert caught.value.message == "文件内容与扩展名不符：检测为 PDF"


def test_each_load_is_a_new_version_with_rows_and_sm3() -> None:
    # given
    entry, admin = _entry()
    first_content = (HEADER + _good_rows(3)).encode("utf-8")
    # when loaded twice (the second time as GB 18030, as Excel saves Chinese CSV)
    first = data_table_load(
        actor=admin, entry=entry, upload=SimpleUploadedFile("a.csv", first_content, content_type="text/csv")
    )
    second_upload = _csv(_good_rows(5), encoding="gb18030")
    second_content = (HEADER + _good_rows(5)).encode("gb18030")
    second = data_table_load(actor=admin, entry=entry, upload=second_upload)
    # then
    first.refresh_from_db()
    assert (first.version, first.row_count, first.sm3, first.is_current) == (1, 3, sm3_hex(first_content), False)
    assert (second.version, second.row_count, second.sm3, second.is_current) == (2, 5, sm3_hex(second_content), True)
    assert current_table(entry) == second
    # the old version stays readable
    assert [row["企业名称"] for row in rows.rows_query(first, columns=["企业名称"]).rows] == ["企业1", "企业2", "企业3"]
    audit = AuditEntry.objects.filter(action="data.table_load").order_by("pk").last()
    assert audit is not None and audit.detail["rows"] == 5


def test_xlsx_with_typed_cells_loads() -> None:
    entry, admin = _entry()
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(HEADER.strip().split(","))
    import datetime as dt

    sheet.append(["企业甲", GOOD_USCC, GOOD_ID, "突泉县", 12.25, 7, dt.datetime(2021, 3, 4), "否"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    upload = SimpleUploadedFile("企业.xlsx", buffer.getvalue())
    table = data_table_load(actor=admin, entry=entry, upload=upload)
    page = rows_query(entry)
    assert table.source_format == "XLSX"
    assert page.rows == [
        {
            "企业名称": "企业甲",
            "统一社会信用代码": GOOD_USCC,
            "法人身份证号": GOOD_ID,
            "旗县": "突泉县",
            "注册资本": "12.25",
            "员工数": 7,
            "成立日期": "2021-03-04",
            "是否存续": False,
        }
    ]


def test_row_query_filters_and_cursor_paging() -> None:
    # given 30 rows
    entry, admin = _entry()
    data_table_load(actor=admin, entry=entry, upload=_csv(_good_rows(30)))
    # when filtered by county and a number range, paged by 4
    filters = [RowFilter("旗县", "eq", "突泉县"), RowFilter("员工数", "gte", "5"), RowFilter("员工数", "lt", "25")]
    seen: list[int] = []
    cursor = None
    pages = 0
    while True:
        page = rows_query(entry, columns=["员工数", "旗县"], filters=filters, cursor=cursor, limit=4)
        pages += 1
        seen += [row["员工数"] for row in page.rows]
        assert all(set(row) == {"员工数", "旗县"} for row in page.rows)
        cursor = page.next_cursor
        if cursor is None:
            break
    # then every matching row exactly once, in order (i % 3 == 1 → 突泉县)
    assert seen == [i for i in range(5, 25) if i % 3 == 1]
    assert pages == 2
    # other operators
    assert [
        r["员工数"] for r in rows_query(entry, columns=["员工数"], filters=[RowFilter("员工数", "in", "3|30")]).rows
    ] == [3, 30]
    assert (
        rows_query(entry, filters=[RowFilter("企业名称", "startswith", "企业2")], limit=100).rows[0]["企业名称"]
        == "企业2"
    )
    assert len(rows_query(entry, filters=[RowFilter("成立日期", "lte", "2020-01-02")]).rows) == 3  # i = 1, 28, 29
    assert len(rows_query(entry, filters=[RowFilter("旗县", "ne", "突泉县")]).rows) == 20
    assert len(rows_query(entry, filters=[RowFilter("注册资本", "gt", "29.5")]).rows) == 1


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"filters": [RowFilter("不存在", "eq", "1")]}, "没有名为“不存在”的数据项"),
        (
            {"filters": [RowFilter("员工数", "like", "1")]},
            "不支持的筛选条件“like”，可用：eq、ne、lt、lte、gt、gte、in、contains、startswith、isnull",
        ),
        ({"filters": [RowFilter("员工数", "gt", "很多")]}, "数据项“员工数”的取值应为整数"),
        ({"filters": [RowFilter("成立日期", "eq", "2020-13-01")]}, "数据项“成立日期”的取值应为日期（如 2024-01-31）"),
        ({"filters": [RowFilter("员工数", "contains", "1")]}, "“contains”只能用于文本数据项，“员工数”不是文本"),
        ({"columns": ["企业名称", "密码"]}, "没有名为“密码”的数据项"),
        ({"cursor": "!!!"}, "翻页游标无效，请从第一页重新查询"),
        ({"limit": 0}, "每页条数应在 1 到 1000 之间"),
        ({"limit": 1001}, "每页条数应在 1 到 1000 之间"),
    ],
)
def test_bad_row_queries_are_rejected_with_a_clear_message(kwargs: dict, message: str) -> None:
    entry, admin = _entry()
    data_table_load(actor=admin, entry=entry, upload=_csv(_good_rows(2)))
    with pytest.raises(Rejected) as caught:
        rows_query(entry, **kwargs)
    assert caught.value.message == message


def test_a_cursor_from_an_older_load_is_a_conflict_and_no_data_is_not_found() -> None:
    entry, admin = _entry()
    with pytest.raises(NotFound, match="该数据目录尚未加载数据"):
        rows_query(entry)
    data_table_load(actor=admin, entry=entry, upload=_csv(_good_rows(3)))
    cursor = rows_query(entry, limit=1).next_cursor
    data_table_load(actor=admin, entry=entry, upload=_csv(_good_rows(3)))
    with pytest.raises(Conflict, match="数据已更新为新版本，请从第一页重新查询"):
        rows_query(entry, cursor=cursor)


def test_only_the_providers_data_manager_loads_data_or_registers_an_api() -> None:
    unit = OrgUnitFactory()
    entry, _admin = _entry(unit)
    outsider = data_admin(OrgUnitFactory())
    with pytest.raises(AccessDenied):
        data_table_load(actor=outsider, entry=entry, upload=_csv(_good_rows(1)))
    with pytest.raises(AccessDenied):
        provider_api_register(actor=outsider, entry=entry, url="https://api.example.cn/x", description="说明")
    assert not DataTable.objects.exists()
    assert not entry.resources.exists()


def test_provider_api_is_registered_as_a_distribution() -> None:
    entry, admin = _entry()
    with pytest.raises(Rejected, match="接口地址应为以 http:// 或 https:// 开头的网址"):
        provider_api_register(actor=admin, entry=entry, url="ftp://x", description="说明")
    resource = provider_api_register(
        actor=admin, entry=entry, url="https://api.xam.gov.cn/ent", description="按统一社会信用代码查询"
    )
    assert (resource.format, resource.url, resource.description) == (
        "API",
        "https://api.xam.gov.cn/ent",
        "按统一社会信用代码查询",
    )
