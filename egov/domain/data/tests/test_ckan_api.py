from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

import pytest
from django.test import Client

from egov.domain.data.models import CatalogEntry, DataTheme
from egov.domain.data.services import DataItemSpec
from egov.domain.data.tests.factories import OrgUnitFactory, data_admin, make_entry

pytestmark = pytest.mark.django_db


@pytest.fixture
def portal() -> dict[str, Any]:
    """Two providers, four portal datasets; a draft, a closed and a conditionally open entry (none visible)."""
    env_unit = OrgUnitFactory(name="兴安盟生态环境局", code="152200-STHJJ")
    tour_unit = OrgUnitFactory(name="兴安盟文化旅游体育局", code="152200-WLTJ")
    env_admin, tour_admin = data_admin(env_unit), data_admin(tour_unit)
    env_theme = DataTheme.objects.create(name="environment", title="生态环境")
    tour_theme = DataTheme.objects.create(name="tourism", title="文化旅游")
    air = make_entry(
        actor=env_admin, provider=env_unit, title="兴安盟空气质量日报", tags=["空气质量", "环境监测"], theme=env_theme
    )
    water = make_entry(
        actor=env_admin, provider=env_unit, title="兴安盟地表水水质月报", tags=["水质", "环境监测"], theme=env_theme
    )
    scenic = make_entry(
        actor=tour_admin, provider=tour_unit, title="兴安盟A级旅游景区名录", tags=["旅游", "景区"], theme=tour_theme
    )
    hotels = make_entry(
        actor=tour_admin,
        provider=tour_unit,
        title="兴安盟星级旅游饭店名录",
        tags=["旅游"],
        theme=tour_theme,
        sharing_type="conditional",
        sharing_basis="仅向监管部门共享",
    )
    make_entry(actor=tour_admin, provider=tour_unit, title="兴安盟旅行社名录（草稿）", publish=False)
    make_entry(
        actor=tour_admin,
        provider=tour_unit,
        title="兴安盟导游人员名录",
        open_type="conditional",
        sharing_type="conditional",
        sharing_basis="仅向监管部门共享",
    )
    make_entry(
        actor=env_admin,
        provider=env_unit,
        title="兴安盟居民健康档案",
        open_type="closed",
        sharing_type="none",
        sharing_basis="依据《个人信息保护法》",
        items=[DataItemSpec(name="姓名", data_type="string", is_personal=True)],
    )
    # Fixed modification times so ranges and sorting are deterministic.
    for entry, day in ((air, 3), (water, 1), (scenic, 2), (hotels, 4)):
        CatalogEntry.objects.filter(pk=entry.pk).update(modified_at=dt.datetime(2025, 1, day, tzinfo=dt.UTC))
    return {"air": air, "water": water, "scenic": scenic, "hotels": hotels}


def call(client: Client, action: str, method: str = "get", **params: Any) -> Any:
    if method == "get":
        return client.get(f"/api/3/action/{action}", params)
    return client.post(f"/api/action/{action}", json.dumps(params), content_type="application/json")


def test_package_list_envelope_is_ckans(client: Client, portal: dict[str, Any]) -> None:
    response = call(client, "package_list")
    assert response.status_code == 200
    assert response.json() == {
        "help": "http://testserver/api/3/action/help_show?name=package_list",
        "success": True,
        "result": sorted(portal[key].name for key in ("air", "water", "scenic", "hotels")),
    }


def test_post_with_json_body_and_unversioned_path(client: Client, portal: dict[str, Any]) -> None:
    response = call(client, "package_list", method="post", limit=2, offset=1)
    assert response.status_code == 200
    assert response.json()["result"] == sorted(portal[k].name for k in ("air", "water", "scenic", "hotels"))[1:3]


def test_unknown_action_is_a_bad_request(client: Client) -> None:
    response = client.get("/api/3/action/x")
    assert response.status_code == 400
    assert response.json() == "Bad request - Action name not known: x"


def test_body_that_is_not_json_is_a_bad_request(client: Client) -> None:
    response = client.post("/api/action/package_list", "{oops", content_type="application/json")
    assert response.status_code == 400
    assert response.json() == "Bad request - JSON Error: 请求体不是有效的 JSON"


def test_package_show_not_found_for_unknown_draft_closed_and_conditional(
    client: Client, portal: dict[str, Any]
) -> None:
    hidden = CatalogEntry.objects.exclude(pk__in=[entry.pk for entry in portal.values()])
    assert hidden.count() == 3
    for key in ["no-such-dataset", *hidden.values_list("name", flat=True)]:
        response = call(client, "package_show", id=key)
        assert response.status_code == 404
        assert response.json() == {
            "help": "http://testserver/api/3/action/help_show?name=package_show",
            "success": False,
            "error": {"__type": "Not Found Error", "message": "Not found: 未找到该数据集"},
        }
    for entry in hidden:
        assert call(client, "package_show", id=str(entry.pk)).status_code == 404
    assert len(call(client, "package_list").json()["result"]) == 4


def test_missing_id_is_a_validation_error(client: Client) -> None:
    response = call(client, "package_show")
    assert response.status_code == 409
    assert response.json()["error"] == {"__type": "Validation Error", "id": ["缺少参数值"]}


def test_write_actions_are_refused_with_authorization_error(client: Client, portal: dict[str, Any]) -> None:
    count = CatalogEntry.objects.count()
    response = call(client, "package_create", method="post", name="x", title="新数据集")
    assert response.status_code == 403
    assert response.json()["error"] == {
        "__type": "Authorization Error",
        "message": "Access denied: 开放数据接口只读，不支持此操作",
    }
    assert CatalogEntry.objects.count() == count


def test_package_show_by_name_or_id_has_ckan_fields(client: Client, portal: dict[str, Any]) -> None:
    air = portal["air"]
    by_name = call(client, "package_show", id=air.name).json()["result"]
    by_id = call(client, "package_show", id=str(air.pk)).json()["result"]
    assert by_name == by_id
    assert by_name["id"] == str(air.pk)
    assert by_name["title"] == "兴安盟空气质量日报"
    assert by_name["organization"]["name"] == "152200-sthjj"
    assert by_name["organization"]["title"] == "兴安盟生态环境局"
    assert [g["name"] for g in by_name["groups"]] == ["environment"]
    assert [t["name"] for t in by_name["tags"]] == ["环境监测", "空气质量"]
    assert by_name["metadata_modified"] == "2025-01-03T00:00:00"
    extras = {extra["key"]: extra["value"] for extra in by_name["extras"]}
    assert extras["code"] == air.code
    assert extras["sharing_type"] == "无条件共享"
    assert extras["open_type"] == "无条件开放"
    assert json.loads(extras["data_items"])[0]["name"] == "名称"
    (resource,) = by_name["resources"]
    resource_hash = hashlib.sha256(b"a,b\n1,2\n3,4\n").hexdigest()
    assert resource["hash"] == f"sha256:{resource_hash}"
    assert resource["format"] == "CSV"
    assert resource["size"] == len(b"a,b\n1,2\n3,4\n")
    assert resource["url"] == f"http://testserver/media/data/resources/{resource_hash[:2]}/{resource_hash}.csv"
    shown = call(client, "resource_show", id=resource["id"]).json()["result"]
    assert shown == resource


def _names(response: Any) -> list[str]:
    body = response.json()
    assert body["success"] is True, body
    return [package["title"] for package in body["result"]["results"]]


@pytest.mark.parametrize(
    ("fq", "titles"),
    [
        ("organization:152200-wltj", ["兴安盟A级旅游景区名录", "兴安盟星级旅游饭店名录"]),
        ('tags:"环境监测"', ["兴安盟地表水水质月报", "兴安盟空气质量日报"]),
        ("tags:旅游 -tags:景区", ["兴安盟星级旅游饭店名录"]),
        ("groups:environment OR tags:景区", ["兴安盟A级旅游景区名录", "兴安盟地表水水质月报", "兴安盟空气质量日报"]),
        ("tags:(水质 OR 景区)", ["兴安盟A级旅游景区名录", "兴安盟地表水水质月报"]),
        (
            "metadata_modified:[2025-01-02T00:00:00Z TO *]",
            ["兴安盟A级旅游景区名录", "兴安盟星级旅游饭店名录", "兴安盟空气质量日报"],
        ),
        ("metadata_modified:[* TO 2025-01-02T00:00:00Z}", ["兴安盟地表水水质月报"]),
        ("sharing_type:conditional", ["兴安盟星级旅游饭店名录"]),
        (
            "open_type:open -sharing_type:conditional",
            ["兴安盟A级旅游景区名录", "兴安盟地表水水质月报", "兴安盟空气质量日报"],
        ),
        ("NOT groups:tourism AND res_format:CSV", ["兴安盟地表水水质月报", "兴安盟空气质量日报"]),
    ],
)
def test_package_search_fq(client: Client, portal: dict[str, Any], fq: str, titles: list[str]) -> None:
    response = call(client, "package_search", fq=fq, sort="title_string asc")
    assert sorted(_names(response)) == sorted(titles)
    assert response.json()["result"]["count"] == len(titles)


@pytest.mark.parametrize(
    ("fq", "message"),
    [
        ("colour:red", "Search Query is invalid: 不支持的检索字段：colour"),
        ("tags:(a OR b", "Search Query is invalid: 检索条件不完整"),
        ("metadata_modified:[yesterday TO *]", "Search Query is invalid: 无法识别的日期：yesterday"),
        ("just words", "Search Query is invalid: 检索条件应为“字段:值”：just"),
    ],
)
def test_bad_fq_is_a_search_query_error(client: Client, portal: dict[str, Any], fq: str, message: str) -> None:
    response = call(client, "package_search", fq=fq)
    assert response.status_code == 400
    assert response.json()["error"] == {"__type": "Search Query Error", "message": message}


def test_q_sort_rows_and_start(client: Client, portal: dict[str, Any]) -> None:
    # every term must match; equal scores fall back to metadata_modified desc
    assert _names(call(client, "package_search", q="旅游 名录")) == ["兴安盟星级旅游饭店名录", "兴安盟A级旅游景区名录"]
    assert _names(call(client, "package_search", q="空气质量")) == ["兴安盟空气质量日报"]
    assert _names(call(client, "package_search", q="*:*", rows=0)) == []
    newest_first = _names(call(client, "package_search", sort="metadata_modified desc"))
    assert newest_first == [
        "兴安盟星级旅游饭店名录",
        "兴安盟空气质量日报",
        "兴安盟A级旅游景区名录",
        "兴安盟地表水水质月报",
    ]
    page = call(client, "package_search", sort="metadata_modified desc", rows=2, start=1)
    assert _names(page) == newest_first[1:3]
    assert page.json()["result"]["count"] == 4
    assert _names(call(client, "package_search", sort="title_string asc", rows=1)) == ["兴安盟A级旅游景区名录"]


def test_rows_are_capped(client: Client, portal: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    from egov.domain.data import ckan

    assert ckan.MAX_ROWS == 1000
    monkeypatch.setattr(ckan, "MAX_ROWS", 3)
    result = call(client, "package_search", rows=5000).json()["result"]
    assert (result["count"], len(result["results"])) == (4, 3)


def test_bad_rows_and_sort(client: Client, portal: dict[str, Any]) -> None:
    response = call(client, "package_search", rows="many")
    assert response.status_code == 409
    assert response.json()["error"] == {"__type": "Validation Error", "rows": ["必须是整数"]}
    response = call(client, "package_search", sort="colour asc")
    assert response.json()["error"] == {
        "__type": "Search Query Error",
        "message": "Search Query is invalid: 不支持的排序方式：colour asc",
    }


def test_facets(client: Client, portal: dict[str, Any]) -> None:
    result = call(client, "package_search", **{"facet.field": '["organization","tags"]', "fq": "tags:旅游"}).json()[
        "result"
    ]
    assert result["facets"] == {"organization": {"152200-wltj": 2}, "tags": {"旅游": 2, "景区": 1}}
    assert result["search_facets"]["tags"] == {
        "title": "tags",
        "items": [
            {"name": "旅游", "display_name": "旅游", "count": 2},
            {"name": "景区", "display_name": "景区", "count": 1},
        ],
    }
    assert call(client, "package_search").json()["result"]["facets"] == {}


def test_organizations_groups_tags_licenses_status(client: Client, portal: dict[str, Any]) -> None:
    assert call(client, "organization_list").json()["result"] == ["152200-sthjj", "152200-wltj"]
    orgs = call(client, "organization_list", all_fields="true").json()["result"]
    assert [(o["name"], o["package_count"]) for o in orgs] == [("152200-sthjj", 2), ("152200-wltj", 2)]
    org = call(client, "organization_show", id="152200-WLTJ", include_datasets="true").json()["result"]
    assert org["title"] == "兴安盟文化旅游体育局"
    assert sorted(p["title"] for p in org["packages"]) == ["兴安盟A级旅游景区名录", "兴安盟星级旅游饭店名录"]
    assert call(client, "organization_show", id="nobody").status_code == 404
    assert call(client, "group_list").json()["result"] == ["environment", "tourism"]
    group = call(client, "group_show", id="tourism").json()["result"]
    assert (group["title"], group["package_count"]) == ("文化旅游", 2)
    assert call(client, "tag_list").json()["result"] == sorted(["旅游", "景区", "水质", "环境监测", "空气质量"])
    assert "cc-by-4.0" in [lic["id"] for lic in call(client, "license_list").json()["result"]]
    status = call(client, "status_show").json()["result"]
    assert status["ckan_version"] == "2.10.4"


def test_related_resources_appear_in_extras(client: Client, portal: dict[str, Any]) -> None:
    from egov.domain.data.services import catalog_entry_publish, catalog_entry_submit, catalog_entry_update
    from egov.domain.data.tests.factories import data_reviewer

    air, water = portal["air"], portal["water"]
    admin = data_admin(air.provider)
    catalog_entry_update(actor=admin, entry=air, changes={}, related=[water, air])
    catalog_entry_submit(actor=admin, entry=air)
    catalog_entry_publish(actor=data_reviewer(air.provider), entry=air)
    extras = {e["key"]: e["value"] for e in call(client, "package_show", id=air.name).json()["result"]["extras"]}
    assert json.loads(extras["related"]) == [water.name]


def test_package_search_query_count_does_not_grow_with_rows(
    client: Client, portal: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(12):
        body = call(client, "package_search", rows=100, **{"facet.field": '["tags","organization"]'}).json()
    assert body["result"]["count"] == 4


def test_facets_count_each_dataset_once_and_follow_the_text_query(client: Client, portal: dict[str, Any]) -> None:
    from egov.domain.data.services import resource_add

    air = portal["air"]
    admin = data_admin(air.provider)
    resource_add(actor=admin, entry=air, name="空气质量日报（第二份）", format="CSV", content=b"x\n1\n")
    resource_add(actor=admin, entry=air, name="空气质量日报（JSON）", format="JSON", content=b"[]")
    fields = '["organization","groups","tags","res_format","license_id","update_frequency"]'
    result = call(client, "package_search", rows=0, **{"facet.field": fields}).json()["result"]
    assert result["count"] == 4
    assert result["results"] == []
    assert result["facets"] == {
        "organization": {"152200-sthjj": 2, "152200-wltj": 2},
        "groups": {"environment": 2, "tourism": 2},
        "tags": {"旅游": 2, "环境监测": 2, "景区": 1, "水质": 1, "空气质量": 1},
        "res_format": {"CSV": 4, "JSON": 1},  # air has two CSV files: still one dataset
        "license_id": {"cc-by-4.0": 4},
        "update_frequency": {"monthly": 4},
    }
    # "监测" is only in the tags of air and water: the text query matches them through their tags.
    result = call(client, "package_search", q="监测", **{"facet.field": '["organization","res_format"]'}).json()
    assert result["result"]["count"] == 2
    assert result["result"]["facets"] == {"organization": {"152200-sthjj": 2}, "res_format": {"CSV": 2, "JSON": 1}}
    assert {p["name"] for p in result["result"]["results"]} == {air.name, portal["water"].name}
    limited = call(client, "package_search", rows=0, **{"facet.field": '["tags"]', "facet.limit": 2}).json()
    assert limited["result"]["facets"] == {"tags": {"旅游": 2, "环境监测": 2}}
    beyond = call(client, "package_search", start=10).json()["result"]
    assert (beyond["count"], beyond["results"]) == (4, [])
