"""The seeded catalogue: browsing, the guide page, query budgets, search, the public API, the demo step."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management.base import OutputWrapper
from django.test import Client

from egov.domain.services import selectors
from egov.domain.services.demo import ITEMS, item_code, load
from egov.domain.services.forms_schema import page_form_class
from egov.domain.services.models import FeeItem, Material, ServiceItem, ServiceItemVersion, Theme
from egov.kernel.search.selectors import search

pytestmark = pytest.mark.usefixtures("seeded")

GETI = item_code(next(row for row in ITEMS if row["name"] == "个体工商户设立登记"))
BUDONGCHAN = item_code(next(row for row in ITEMS if row["name"].startswith("国有建设用地使用权")))


def test_seed_has_at_least_30_published_items_in_league_and_counties() -> None:
    items = selectors.public_items()
    assert items.count() == len(ITEMS) >= 30
    divisions = set(items.values_list("org_unit__division_code", flat=True))
    assert {"152200", "152201", "152202", "152221", "152222", "152223", "152224"} <= divisions
    assert not ServiceItemVersion.objects.exclude(status="published").exists()


def test_every_seeded_item_has_a_working_form() -> None:
    for version in ServiceItemVersion.objects.all():
        pages = version.form_definition["pages"]
        assert len(pages) >= 2, version
        for index in range(len(pages)):
            empty = page_form_class(version.form_definition, index)(data={})
            required = [f["name"] for f in pages[index]["fields"] if f.get("required") and "show_if" not in f]
            assert set(required) <= set(empty.errors), version
            if not required and not any("show_if" in f for f in pages[index]["fields"]):
                assert empty.is_valid(), version


def test_demo_step_twice_adds_nothing() -> None:
    counts = (ServiceItem.objects.count(), ServiceItemVersion.objects.count(), Material.objects.count())
    out = StringIO()
    load(OutputWrapper(out))
    assert (ServiceItem.objects.count(), ServiceItemVersion.objects.count(), Material.objects.count()) == counts
    assert f"新发布 0 项（共 {len(ITEMS)} 项）" in out.getvalue()


def test_browsing_by_theme_division_department_event_and_audience() -> None:
    themes = {theme.code: theme.item_count for theme in selectors.themes_with_counts("person")}
    assert themes["hydj"] == 2  # 结婚登记、离婚登记
    assert set(selectors.filtered_items(selectors.ItemFilter(theme="hydj")).values_list("name", flat=True)) == {
        "内地居民结婚登记",
        "内地居民离婚登记",
    }
    by_division = {code: count for code, _name, count in selectors.divisions_with_counts()}
    assert sum(by_division.values()) == len(ITEMS)
    assert by_division["152201"] == selectors.filtered_items(selectors.ItemFilter(division="152201")).count()
    departments = {unit.code: unit.item_count for unit in selectors.departments_with_counts("152200")}
    assert departments["152200-SCJGJ"] == 2  # 企业设立登记、药品零售企业经营许可
    names = set(selectors.filtered_items(selectors.ItemFilter(org_unit="152200-SCJGJ")).values_list("name", flat=True))
    assert names == {"企业设立登记", "药品零售企业经营许可"}
    births = selectors.filtered_items(selectors.ItemFilter(life_event="chusheng", audience="person"))
    assert {"出生医学证明办理", "出生登记"} <= set(births.values_list("name", flat=True))
    legal = selectors.filtered_items(selectors.ItemFilter(audience="legal"))
    assert legal.exists()
    assert not legal.filter(current_version__audience="person").exists()
    assert Theme.objects.filter(audience="legal", code="zyzb").exists()


def test_item_guide_uses_three_queries(django_assert_max_num_queries: object) -> None:
    with django_assert_max_num_queries(3):  # type: ignore[operator]
        item = selectors.item_guide(BUDONGCHAN)
        version = item.current_version
        assert next(m.name for m in version.materials.all()) == "不动产登记申请书"
        assert [f.name for f in version.fees.all()] == ["不动产登记费（住宅）"]
        assert item.org_unit.name == "突泉县自然资源局"


def test_guide_page_shows_every_element(client: Client, django_assert_max_num_queries: object) -> None:
    item = ServiceItem.objects.select_related("current_version", "org_unit").get(code=BUDONGCHAN)
    version = item.current_version
    with django_assert_max_num_queries(8):  # type: ignore[operator]
        response = client.get(f"/services/items/{item.code}/")
    assert response.status_code == 200
    html = response.content.decode()
    for heading in ["基本信息", "受理条件", "办理材料", "办理流程", "收费", "办理时间地点", "咨询监督", "设定依据"]:
        assert f">{heading}</h2>" in html
    for label in ["基本编码", "实施编码", "事项类型", "行使层级", "实施主体", "服务对象", "办件类型", "法定办结时限",
                  "承诺办结时限", "到办事现场次数", "特别程序", "办理形式", "联办机构", "审批结果名称", "审批结果类型",
                  "审批结果样本", "通办范围", "是否网办", "网上办理深度", "办理地点", "办理时间", "咨询方式",
                  "监督投诉方式", "必要性", "材料类型", "来源渠道", "受理标准", "空白表格 / 示例样表"]:  # fmt: skip
        assert f">{label}<" in html, label
    for value in [item.basic_code, item.code, "行政确认", "旗县级", "突泉县自然资源局", "30工作日", "5工作日",
                  "突泉县税务局（契税征收）", "不动产权证书", "全盟通办", "80元/件（含第一本证书工本费）",
                  "发改价格规〔2016〕2559号", "《不动产登记暂行条例》第二十条", "网上办理、窗口办理",
                  "12345政务服务便民热线", "完税凭证", "通过税务部门共享核验", "联合审查"]:  # fmt: skip
        assert value in html, value
    assert version.place in html
    assert f'href="/services/items/{item.code}/apply/"' in html  # 在线办理 opens the application flow


def test_free_item_says_not_charged(client: Client) -> None:
    html = client.get(f"/services/items/{GETI}/").content.decode()
    assert "不收费" in html
    assert "《促进个体工商户发展条例》第八条" in html
    assert not FeeItem.objects.filter(version__item__code=GETI).exists()


def test_unknown_item_is_404(client: Client) -> None:
    response = client.get("/services/items/NO-SUCH-ITEM/")
    assert response.status_code == 404


def test_index_and_list_pages(client: Client, django_assert_max_num_queries: object) -> None:
    with django_assert_max_num_queries(8):  # type: ignore[operator]
        index = client.get("/services/?audience=legal")
    html = index.content.decode()
    assert index.status_code == 200
    assert "网上办事大厅" in html and "法人办事" in html and "准营准办" in html and "开办企业" in html
    with django_assert_max_num_queries(8):  # type: ignore[operator]
        listing = client.get("/services/items/?division=152200&dept=152200-SCJGJ")
    assert listing.status_code == 200
    assert "企业设立登记" in listing.content.decode()
    assert "个体工商户设立登记" not in listing.content.decode()


def test_list_page_bad_paging_is_a_clear_message(client: Client) -> None:
    response = client.get("/services/items/?page=abc")
    assert response.status_code == 400
    assert "页码应为数字，已为您显示第 1 页" in response.content.decode()
    past = client.get("/services/items/?page=99")
    assert past.status_code == 400
    assert "页码超出范围，共 2 页，已为您显示第 1 页" in past.content.decode()


def test_search_finds_a_seeded_item_by_name() -> None:
    results = search("食品经营许可", types=["services.item"])
    titles = [hit.title for hit in results.hits]
    assert "食品经营许可" in titles
    hit = next(hit for hit in results.hits if hit.title == "食品经营许可")
    assert hit.url.startswith("/services/items/")


def test_api_lists_filters_and_pages(client: Client) -> None:
    response = client.get("/api/public/services/items", {"audience": "person", "theme": "hydj"})
    assert response.status_code == 200
    body = response.json()
    assert body["total"] == 2
    assert {item["name"] for item in body["items"]} == {"内地居民结婚登记", "内地居民离婚登记"}
    guide = client.get(f"/api/public/services/items/{BUDONGCHAN}").json()
    assert guide["fees"][0]["standard"] == "80元/件（含第一本证书工本费）"
    assert guide["materials"][0]["name"] == "不动产登记申请书"


@pytest.mark.parametrize(
    ("params", "status", "message"),
    [
        ({"page": 0}, 400, "页码应从 1 开始"),
        ({"page": 99}, 400, "页码超出范围，共 2 页"),
        ({"page_size": 500}, 400, "每页条数应在 1 到 50 之间"),
        ({"page": "abc"}, 422, "请求参数不正确"),
        ({"audience": "robot"}, 400, "服务对象应为 person（自然人）或 legal（法人）"),
    ],
)
def test_api_bad_input_is_4xx_json(client: Client, params: dict[str, object], status: int, message: str) -> None:
    response = client.get("/api/public/services/items", params)
    assert response.status_code == status
    assert response.json()["error"]["message"] == message


def test_api_unknown_item_is_404_json(client: Client) -> None:
    response = client.get("/api/public/services/items/NO-SUCH-ITEM")
    assert response.status_code == 404
    assert response.json()["error"]["message"] == "没有找到该办事事项，可能已调整或停止办理"
