"""The Hinggan org tree as the demo data builds it: exact names, codes and places in the tree."""

from __future__ import annotations

import pytest

from egov.kernel.orgs.demo.tree import load_positions, load_units
from egov.kernel.orgs.models import OrgKind, OrgUnit, Position
from egov.kernel.orgs.selectors import units_under

LEAGUE_DEPARTMENTS = [
    "行政公署办公室",
    "发展和改革委员会",
    "教育局",
    "公安局",
    "民政局",
    "司法局",
    "财政局",
    "人力资源和社会保障局",
    "自然资源局",
    "生态环境局",
    "住房和城乡建设局",
    "交通运输局",
    "农牧局",
    "卫生健康委员会",
    "市场监督管理局",
    "医疗保障局",
    "政务服务与数据管理局",
    "档案馆",
]


@pytest.fixture
def tree(db: None) -> None:
    load_units()
    load_positions()


def unit(code: str) -> OrgUnit:
    return OrgUnit.objects.get(code=code)


def test_the_league_is_the_only_root_with_its_six_county_level_units(tree: None) -> None:
    # when
    roots = list(OrgUnit.objects.filter(parent=None))
    counties = roots[0].children.filter(kind=OrgKind.COUNTY).order_by("sort_order")

    # then
    assert [(r.code, r.name, r.short_name, r.kind, r.division_code) for r in roots] == [
        ("152200", "兴安盟行政公署", "兴安盟", OrgKind.LEAGUE, "152200")
    ]
    assert [(c.name, c.code, c.division_code, c.short_name) for c in counties] == [
        ("乌兰浩特市", "152201", "152201", "乌兰浩特市"),
        ("阿尔山市", "152202", "152202", "阿尔山市"),
        ("科尔沁右翼前旗", "152221", "152221", "科右前旗"),
        ("科尔沁右翼中旗", "152222", "152222", "科右中旗"),
        ("扎赉特旗", "152223", "152223", "扎赉特旗"),
        ("突泉县", "152224", "152224", "突泉县"),
    ]
    assert OrgUnit.objects.filter(kind__in=[OrgKind.LEAGUE, OrgKind.COUNTY]).count() == 7


@pytest.mark.parametrize("department", LEAGUE_DEPARTMENTS)
def test_every_required_league_department_sits_directly_under_the_league(tree: None, department: str) -> None:
    found = OrgUnit.objects.get(name=f"兴安盟{department}")

    assert (found.kind, found.parent.code, found.division_code, found.depth) == (
        OrgKind.DEPARTMENT,
        "152200",
        "152200",
        1,
    )
    assert found.code.startswith("152200-")
    assert found.short_name.startswith("盟")
    assert found.document_prefix.startswith("兴")


def test_league_department_names_codes_and_document_prefixes(tree: None) -> None:
    fgw = unit("152200-FGW")
    zsj = unit("152200-ZSJ")

    assert (fgw.name, fgw.short_name, fgw.document_prefix) == ("兴安盟发展和改革委员会", "盟发改委", "兴发改")
    assert (zsj.name, zsj.short_name) == ("兴安盟政务服务与数据管理局", "盟政数局")
    assert (unit("152200-BGS").name, unit("152200-BGS").document_prefix) == ("兴安盟行政公署办公室", "兴署办发")


def test_each_county_has_a_realistic_set_of_departments(tree: None) -> None:
    for county in OrgUnit.objects.filter(kind=OrgKind.COUNTY):
        departments = county.children.filter(kind=OrgKind.DEPARTMENT)
        assert 10 <= departments.count() <= 14, county.name
        assert set(departments.values_list("division_code", flat=True)) == {county.code}
        assert all(name.startswith(county.name) for name in departments.values_list("name", flat=True))

    qq_mz = unit("152221-MZJ")
    assert (qq_mz.name, qq_mz.short_name, qq_mz.document_prefix) == (
        "科尔沁右翼前旗民政局",
        "科右前旗民政局",
        "科右前民发",
    )
    assert unit("152221-ZFB").name == "科尔沁右翼前旗人民政府办公室"
    assert unit("152221-ZFB").document_prefix == "科右前政办发"
    assert unit("152201-SCJGJ").name == "乌兰浩特市市场监督管理局"
    assert unit("152202-WLTJ").name == "阿尔山市文化旅游体育局"


def test_internal_offices_for_the_league_and_a_county(tree: None) -> None:
    offices = OrgUnit.objects.filter(kind=OrgKind.OFFICE)

    assert set(offices.filter(parent__code="152200-MZJ").values_list("short_name", flat=True)) >= {
        "社会救助科",
        "养老服务科",
    }
    assert (
        offices.get(parent__code="152200-ZSJ", short_name="数据资源科").name == "兴安盟政务服务与数据管理局数据资源科"
    )
    relief = unit("152221-MZJ-SHJZK")
    assert (relief.name, relief.kind, relief.depth) == ("科尔沁右翼前旗民政局社会救助科", OrgKind.OFFICE, 3)
    assert [a.code for a in relief.ancestors()] == ["152200", "152221", "152221-MZJ", "152221-MZJ-SHJZK"]
    assert relief.county == unit("152221")


def test_every_path_is_the_parent_path_plus_own_id(tree: None) -> None:
    for node in OrgUnit.objects.select_related("parent"):
        parent_path = node.parent.path if node.parent else "/"
        assert node.path == f"{parent_path}{node.pk}/"
        assert node.depth == (node.parent.depth + 1 if node.parent else 0)


def test_subtree_queries_keep_counties_apart(tree: None) -> None:
    qianqi, tuquan = unit("152221"), unit("152224")
    relief = unit("152221-MZJ-SHJZK")

    assert relief.is_within(qianqi)
    assert not relief.is_within(tuquan)
    assert relief in units_under(qianqi)
    assert relief not in units_under(tuquan)
    assert unit("152224-MZJ") not in units_under(qianqi)
    assert units_under(tuquan).count() == 1 + tuquan.children.count()
    assert qianqi not in units_under(qianqi, include_self=False)
    assert units_under(unit("152200")).count() == OrgUnit.objects.count()


def test_positions_include_the_usual_ranks(tree: None) -> None:
    names = set(Position.objects.values_list("name", flat=True))

    assert {"盟长", "副盟长", "局长", "副局长", "主任", "副主任", "科长", "副科长", "科员"} <= names
    assert Position.objects.get(name="局长").is_leader
    assert not Position.objects.get(name="科员").is_leader


def test_loading_the_tree_again_changes_nothing(tree: None) -> None:
    # given
    before = list(OrgUnit.objects.order_by("code").values_list("code", "path", "name", "document_prefix"))

    # when
    created, updated = load_units()

    # then
    assert (created, updated) == (0, 0)
    assert list(OrgUnit.objects.order_by("code").values_list("code", "path", "name", "document_prefix")) == before


def test_loading_restores_a_renamed_unit_in_place(tree: None) -> None:
    # given someone renamed a demo unit
    OrgUnit.objects.filter(code="152200-FGW").update(name="旧名称")

    # when
    created, updated = load_units()

    # then
    assert (created, updated) == (0, 1)
    assert unit("152200-FGW").name == "兴安盟发展和改革委员会"
