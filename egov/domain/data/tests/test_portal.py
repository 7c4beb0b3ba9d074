"""The open data portal (HTML list with facets, dataset page, downloads, row query API, applications)."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import load_workbook

from egov.domain.data.models import ApplicationStatus, OpenDataApplication
from egov.domain.data.services import DataItemSpec, data_table_load, opendata_decide
from egov.domain.data.tests.factories import OrgUnitFactory, data_admin, make_entry
from egov.kernel.access.policy import AccessDenied
from egov.kernel.access.tests.factories import UserFactory
from egov.kernel.audit.models import AuditEntry
from egov.kernel.errors import Rejected

pytestmark = pytest.mark.django_db

ITEMS = [
    DataItemSpec(name="站点", data_type="string", length=20, description="监测站点名称"),
    DataItemSpec(name="旗县", data_type="string", length=10),
    DataItemSpec(name="日期", data_type="date"),
    DataItemSpec(name="指数", data_type="integer"),
]


def _csv(n: int) -> bytes:
    counties = ["乌兰浩特市", "突泉县"]
    lines = ["站点,旗县,日期,指数"] + [
        f"站点{i},{counties[i % 2]},2026-01-{1 + i % 28:02d},{i}" for i in range(1, n + 1)
    ]
    return ("\n".join(lines) + "\n").encode()


@pytest.fixture
def portal() -> dict[str, Any]:
    league, county = OrgUnitFactory(name="兴安盟生态环境局"), OrgUnitFactory(name="突泉县气象局")
    admin, county_admin = data_admin(league), data_admin(county)
    air = make_entry(actor=admin, provider=league, title="空气质量日报", items=ITEMS, update_frequency="daily")
    data_table_load(actor=admin, entry=air, upload=SimpleUploadedFile("air.csv", _csv(25)))
    rain = make_entry(actor=county_admin, provider=county, title="降水量", items=ITEMS, data_format="XLSX")
    restricted = make_entry(
        actor=admin,
        provider=league,
        title="重点排污单位监测数据",
        items=ITEMS,
        open_type="conditional",
        sharing_type="conditional",
        sharing_basis="依法履职",
        use_conditions="仅限科研使用",
    )
    data_table_load(actor=admin, entry=restricted, upload=SimpleUploadedFile("r.csv", _csv(3)))
    draft = make_entry(actor=admin, provider=league, title="未发布的目录", publish=False)
    closed = make_entry(actor=admin, provider=league, title="不开放的目录", open_type="closed")
    return {
        "air": air,
        "rain": rain,
        "restricted": restricted,
        "draft": draft,
        "closed": closed,
        "admin": admin,
        "league": league,
    }


def test_list_shows_open_and_conditional_datasets_with_facets(client: Client, portal: dict[str, Any]) -> None:
    response = client.get("/data/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "空气质量日报" in html and "降水量" in html and "重点排污单位监测数据" in html
    assert "未发布的目录" not in html and "不开放的目录" not in html
    facets = {facet["key"]: facet for facet in response.context["facets"]}
    assert {v["label"]: v["count"] for v in facets["provider"]["values"]} == {"兴安盟生态环境局": 2, "突泉县气象局": 1}
    assert {v["label"]: v["count"] for v in facets["format"]["values"]} == {"CSV": 2, "XLSX": 1}
    assert {v["label"]: v["count"] for v in facets["frequency"]["values"]} == {"每月": 2, "每日": 1}
    # when a facet is chosen, the list and the other facets narrow
    response = client.get("/data/", {"frequency": "daily"})
    assert [entry.title for entry in response.context["page"].object_list] == ["空气质量日报"]
    response = client.get("/data/", {"q": "降水"})
    assert [entry.title for entry in response.context["page"].object_list] == ["降水量"]


def test_bad_page_number_is_a_400_with_a_message(client: Client, portal: dict[str, Any]) -> None:
    response = client.get("/data/", {"page": "abc"})
    assert response.status_code == 400
    assert "页码应为正整数，已为您显示第 1 页" in response.content.decode()


def test_dataset_page_previews_rows_and_describes_columns(client: Client, portal: dict[str, Any]) -> None:
    response = client.get(f"/dataset/{portal['air'].name}")
    assert response.status_code == 200
    html = response.content.decode()
    assert "监测站点名称" in html
    assert len(response.context["preview"].rows) == 10
    assert "前 10 条，共 25 条" in html
    assert client.get(f"/dataset/{portal['draft'].name}").status_code == 404
    assert client.get(f"/dataset/{portal['closed'].name}").status_code == 404


def _body(response: Any) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_downloads_in_three_formats(client: Client, portal: dict[str, Any]) -> None:
    name = portal["air"].name
    csv_response = client.get(f"/dataset/{name}/download.csv")
    assert csv_response.status_code == 200 and csv_response.streaming
    text = _body(csv_response).decode("utf-8-sig")
    lines = text.strip().split("\r\n")
    assert lines[0] == "站点,旗县,日期,指数"
    assert lines[1] == "站点1,突泉县,2026-01-02,1"
    assert len(lines) == 26
    json_response = client.get(f"/dataset/{name}/download.json")
    data = json.loads(_body(json_response))
    assert (data["row_count"], len(data["rows"]), data["rows"][0]) == (
        25,
        25,
        {"站点": "站点1", "旗县": "突泉县", "日期": "2026-01-02", "指数": 1},
    )
    xlsx_response = client.get(f"/dataset/{name}/download.xlsx")
    sheet = load_workbook(io.BytesIO(_body(xlsx_response)), read_only=True).worksheets[0]
    sheet_rows = list(sheet.iter_rows(values_only=True))
    assert sheet_rows[0] == ("站点", "旗县", "日期", "指数")
    assert sheet_rows[1] == ("站点1", "突泉县", "2026-01-02", 1)
    assert len(sheet_rows) == 26
    assert client.get(f"/dataset/{name}/download.pdf").status_code == 404
    assert client.get(f"/dataset/{portal['rain'].name}/download.csv").status_code == 404  # nothing loaded


def test_row_query_api_filters_and_pages_with_a_cursor(client: Client, portal: dict[str, Any]) -> None:
    url = f"/api/public/data/datasets/{portal['air'].name}/rows"
    seen: list[int] = []
    params: dict[str, Any] = {"filter": ["旗县:eq:突泉县", "指数:gte:5"], "fields": "指数,旗县", "limit": "4"}
    while True:
        response = client.get(url, params)
        assert response.status_code == 200
        body = response.json()
        assert [column["name"] for column in body["columns"]] == ["指数", "旗县"]
        seen += [row["指数"] for row in body["rows"]]
        if body["next_cursor"] is None:
            break
        params["cursor"] = body["next_cursor"]
    assert seen == [5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25]
    assert body["total_rows"] == 25 and body["version"] == 1


@pytest.mark.parametrize(
    ("params", "status", "message"),
    [
        ({"filter": "旗县"}, 400, "筛选条件“旗县”格式不正确，应为“数据项:条件:取值”，如 旗县:eq:突泉县"),
        ({"filter": "海拔:eq:1"}, 400, "没有名为“海拔”的数据项"),
        ({"filter": "指数:gte:高"}, 400, "数据项“指数”的取值应为整数"),
        (
            {"filter": "指数:between:1"},
            400,
            "不支持的筛选条件“between”，可用：eq、ne、lt、lte、gt、gte、in、contains、startswith、isnull",
        ),
        ({"limit": "many"}, 400, "每页条数应为整数"),
        ({"limit": "5000"}, 400, "每页条数应在 1 到 1000 之间"),
        ({"cursor": "@@"}, 400, "翻页游标无效，请从第一页重新查询"),
        ({"fields": "站点,密码"}, 400, "没有名为“密码”的数据项"),
    ],
)
def test_row_query_api_bad_input_is_a_4xx_with_a_clear_message(
    client: Client, portal: dict[str, Any], params: dict[str, str], status: int, message: str
) -> None:
    response = client.get(f"/api/public/data/datasets/{portal['air'].name}/rows", params)
    assert response.status_code == status
    assert response.json()["error"]["message"] == message


def test_row_query_api_unknown_and_restricted_datasets_are_404(client: Client, portal: dict[str, Any]) -> None:
    response = client.get("/api/public/data/datasets/xam-no-such/rows")
    assert (response.status_code, response.json()["error"]["message"]) == (404, "未找到该数据集")
    response = client.get(f"/api/public/data/datasets/{portal['restricted'].name}/rows")
    assert response.status_code == 404
    assert response.json()["error"]["message"] == "该数据集为有条件开放，获得提供单位同意后方可查询"


def test_conditional_dataset_needs_an_approved_application(client: Client, portal: dict[str, Any]) -> None:
    # given a conditionally open dataset and a signed-in citizen
    entry = portal["restricted"]
    citizen = UserFactory()
    client.force_login(citizen)
    page = client.get(f"/dataset/{entry.name}")
    assert page.context["preview"] is None and "申请使用" in page.content.decode()
    assert client.get(f"/dataset/{entry.name}/download.csv").status_code == 404
    # when the form is sent incomplete, then complete
    response = client.post(f"/dataset/{entry.name}/apply", {"organization": "兴安职业技术学院", "contact": ""})
    assert response.status_code == 400
    assert "兴安职业技术学院" in response.content.decode()  # what was typed is kept
    response = client.post(
        f"/dataset/{entry.name}/apply",
        {"organization": "兴安职业技术学院", "purpose": "大气污染课题研究", "contact": "0482-1234567"},
    )
    assert response.status_code == 302
    application = OpenDataApplication.objects.get()
    # an outsider cannot decide it; the provider's data manager approves
    with pytest.raises(AccessDenied):
        opendata_decide(actor=data_admin(OrgUnitFactory()), application=application, approve=True)
    with pytest.raises(Rejected, match="不同意时请写明理由"):
        opendata_decide(actor=portal["admin"], application=application, approve=False)
    opendata_decide(actor=portal["admin"], application=application, approve=True)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.APPROVED and application.valid_until is not None
    # then the citizen may preview, download (audited) and query
    assert len(client.get(f"/dataset/{entry.name}").context["preview"].rows) == 3
    response = client.get(f"/dataset/{entry.name}/download.csv")
    assert response.status_code == 200
    assert AuditEntry.objects.filter(action="data.download", actor_id=citizen.pk).count() == 1
    assert client.get(f"/api/public/data/datasets/{entry.name}/rows").status_code == 200
    # and anonymous visitors still may not
    client.logout()
    assert client.get(f"/dataset/{entry.name}/download.csv").status_code == 404
    assert client.get(f"/dataset/{entry.name}/apply").status_code == 302  # to the sign-in page


def test_open_datasets_need_no_application(client: Client, portal: dict[str, Any]) -> None:
    client.force_login(UserFactory())
    assert client.get(f"/dataset/{portal['air'].name}/apply").status_code == 404
