"""Writes to the org tree: rules, exact messages, audit entries and path maintenance."""

from __future__ import annotations

import pytest

from egov.kernel.audit.models import AuditEntry
from egov.kernel.errors import Rejected
from egov.kernel.orgs.models import Membership, OrgKind, OrgUnit, Position
from egov.kernel.orgs.services import (
    membership_add,
    membership_remove,
    membership_update,
    org_unit_create,
    org_unit_delete,
    org_unit_move,
    org_unit_update,
    position_create,
    position_delete,
)
from egov.kernel.orgs.tests.conftest import SmallTree
from egov.kernel.orgs.tests.factories import OrgUnitFactory, PositionFactory, StaffFactory


def paths(*units: OrgUnit) -> list[tuple[str, int]]:
    return [(u.path, u.depth) for u in OrgUnit.objects.filter(pk__in=[u.pk for u in units]).order_by("pk")]


# --- create -----------------------------------------------------------------------------------------


def test_create_computes_path_and_depth_and_is_audited(small_tree: SmallTree) -> None:
    # given
    actor = StaffFactory(is_superuser=True)

    # when
    unit = org_unit_create(
        actor=actor,
        name="科尔沁右翼前旗财政局",
        code="152221-CZJ",
        kind=OrgKind.DEPARTMENT,
        division_code="152221",
        parent=small_tree.qianqi,
        document_prefix="科右前财发",
    )

    # then
    assert unit.path == f"{small_tree.qianqi.path}{unit.pk}/"
    assert unit.depth == 2
    entry = AuditEntry.objects.get(action="orgs.unit_create", target_id=str(unit.pk))
    assert (entry.actor_username, entry.result, entry.org_unit_id) == (actor.username, "success", unit.pk)


@pytest.mark.parametrize(
    ("kwargs", "code", "message"),
    [
        ({"code": "152221-MZJ"}, "org_code_taken", "机构代码“152221-MZJ”已被使用"),
        ({"division_code": "15222"}, "org_division_code", "行政区划代码应为6位数字"),
        ({"name": "  "}, "org_name_required", "请填写机构全称"),
        ({"kind": OrgKind.COUNTY}, "org_parent_kind", "旗县市（县级）的上级机构应为：盟（地级）"),
        ({"kind": OrgKind.LEAGUE}, "org_parent_forbidden", "盟（地级）不能有上级机构"),
        ({"uscc": "91152200MA0N8X2K10"}, "org_uscc", "统一社会信用代码校验位不正确"),
    ],
)
def test_create_rejects_bad_input_with_a_clear_message(
    small_tree: SmallTree, kwargs: dict[str, str], code: str, message: str
) -> None:
    # given
    before = OrgUnit.objects.count()
    values = {"name": "新部门", "code": "NEW-1", "kind": OrgKind.DEPARTMENT, "division_code": "152221"} | kwargs

    # when
    with pytest.raises(Rejected) as caught:
        org_unit_create(parent=small_tree.qianqi_mz, **values)  # type: ignore[arg-type]

    # then
    assert (caught.value.code, caught.value.message) == (code, message)
    assert OrgUnit.objects.count() == before


def test_an_office_needs_a_parent(db: None) -> None:
    with pytest.raises(Rejected) as caught:
        org_unit_create(name="办公室", code="X-BGS", kind=OrgKind.OFFICE, division_code="152200")

    assert caught.value.message == "内设机构必须有上级机构"
    assert caught.value.field == "parent"


def test_an_office_cannot_sit_under_a_county(small_tree: SmallTree) -> None:
    with pytest.raises(Rejected) as caught:
        org_unit_create(name="科室", code="X-K", kind=OrgKind.OFFICE, division_code="152221", parent=small_tree.qianqi)

    assert caught.value.message == "内设机构的上级机构应为：部门、内设机构"


# --- update -----------------------------------------------------------------------------------------


def test_update_changes_only_what_differs_and_audits_before_and_after(small_tree: SmallTree) -> None:
    # when
    unit = org_unit_update(unit=small_tree.qianqi_mz, short_name="科右前旗民政局", name="科尔沁右翼前旗民政局")

    # then
    assert unit.short_name == "科右前旗民政局"
    entry = AuditEntry.objects.get(action="orgs.unit_update", target_id=str(unit.pk))
    assert entry.detail == {"before": {"short_name": ""}, "after": {"short_name": "科右前旗民政局"}}


def test_update_without_changes_writes_nothing(small_tree: SmallTree) -> None:
    org_unit_update(unit=small_tree.qianqi_mz, name="科尔沁右翼前旗民政局")

    assert not AuditEntry.objects.filter(action="orgs.unit_update").exists()


def test_update_refuses_a_code_in_use(small_tree: SmallTree) -> None:
    with pytest.raises(Rejected) as caught:
        org_unit_update(unit=small_tree.qianqi_mz, code="152224-MZJ")

    assert caught.value.message == "机构代码“152224-MZJ”已被使用"
    assert OrgUnit.objects.get(pk=small_tree.qianqi_mz.pk).code == "152221-MZJ"


def test_update_refuses_a_kind_its_children_cannot_sit_under(small_tree: SmallTree) -> None:
    # given a League department with an internal office
    department = OrgUnitFactory(name="兴安盟民政局", parent=small_tree.league)
    OrgUnitFactory(name="社会救助科", parent=department)

    # when it is turned into a county (offices cannot sit directly under a county)
    with pytest.raises(Rejected) as caught:
        org_unit_update(unit=department, kind=OrgKind.COUNTY)

    # then
    assert caught.value.message == "该机构现有的下级机构不能隶属于此层级类型"
    assert OrgUnit.objects.get(pk=department.pk).kind == OrgKind.DEPARTMENT


# --- move -------------------------------------------------------------------------------------------


def test_move_recomputes_the_path_of_the_whole_subtree(small_tree: SmallTree) -> None:
    # given
    t = small_tree

    # when
    org_unit_move(unit=t.qianqi_mz, new_parent=t.tuquan)

    # then
    moved = {u.pk: u for u in OrgUnit.objects.filter(pk__in=[t.qianqi_mz.pk, t.relief.pk, t.relief_team.pk])}
    assert moved[t.qianqi_mz.pk].path == f"{t.tuquan.path}{t.qianqi_mz.pk}/"
    assert moved[t.relief.pk].path == f"{t.tuquan.path}{t.qianqi_mz.pk}/{t.relief.pk}/"
    assert moved[t.relief_team.pk].path == f"{t.tuquan.path}{t.qianqi_mz.pk}/{t.relief.pk}/{t.relief_team.pk}/"
    assert moved[t.qianqi_mz.pk].parent_id == t.tuquan.pk
    assert moved[t.relief_team.pk].is_within(OrgUnit.objects.get(pk=t.tuquan.pk))
    assert not moved[t.relief_team.pk].is_within(OrgUnit.objects.get(pk=t.qianqi.pk))
    assert AuditEntry.objects.get(action="orgs.unit_move").detail == {
        "from_parent_id": t.qianqi.pk,
        "to_parent_id": t.tuquan.pk,
    }


def test_move_up_a_level_recomputes_depths(small_tree: SmallTree) -> None:
    t = small_tree

    org_unit_move(unit=t.qianqi_mz, new_parent=t.league)

    assert paths(t.qianqi_mz, t.relief, t.relief_team) == [
        (f"/{t.league.pk}/{t.qianqi_mz.pk}/", 1),
        (f"/{t.league.pk}/{t.qianqi_mz.pk}/{t.relief.pk}/", 2),
        (f"/{t.league.pk}/{t.qianqi_mz.pk}/{t.relief.pk}/{t.relief_team.pk}/", 3),
    ]


def test_move_leaves_other_branches_alone(small_tree: SmallTree) -> None:
    t = small_tree
    before = paths(t.league, t.qianqi, t.tuquan, t.tuquan_mz)

    org_unit_move(unit=t.qianqi_mz, new_parent=t.tuquan)

    assert paths(t.league, t.qianqi, t.tuquan, t.tuquan_mz) == before


@pytest.mark.parametrize("target", ["qianqi_mz", "relief_team"])
def test_move_into_its_own_subtree_is_refused(small_tree: SmallTree, target: str) -> None:
    t = small_tree
    before = paths(t.qianqi_mz, t.relief, t.relief_team)

    with pytest.raises(Rejected) as caught:
        org_unit_move(unit=t.qianqi_mz, new_parent=getattr(t, target))

    assert caught.value.message == "不能将机构移动到其自身或其下级机构之下"
    assert paths(t.qianqi_mz, t.relief, t.relief_team) == before


def test_move_checks_the_kind_rules(small_tree: SmallTree) -> None:
    with pytest.raises(Rejected) as caught:
        org_unit_move(unit=small_tree.relief, new_parent=small_tree.tuquan)

    assert caught.value.message == "内设机构的上级机构应为：部门、内设机构"


# --- delete -----------------------------------------------------------------------------------------


def test_delete_refuses_a_unit_with_children(small_tree: SmallTree) -> None:
    with pytest.raises(Rejected) as caught:
        org_unit_delete(unit=small_tree.relief)

    assert caught.value.message == "该机构下还有下级机构，不能删除"
    assert OrgUnit.objects.filter(pk=small_tree.relief.pk).exists()


def test_delete_refuses_a_unit_with_members(small_tree: SmallTree) -> None:
    membership_add(user=StaffFactory(), org_unit=small_tree.tuquan_mz)

    with pytest.raises(Rejected) as caught:
        org_unit_delete(unit=small_tree.tuquan_mz)

    assert caught.value.message == "该机构还有任职人员，不能删除"
    assert OrgUnit.objects.filter(pk=small_tree.tuquan_mz.pk).exists()


def test_delete_removes_an_unused_leaf_and_audits_it(small_tree: SmallTree) -> None:
    pk = small_tree.tuquan_mz.pk

    org_unit_delete(unit=small_tree.tuquan_mz)

    assert not OrgUnit.objects.filter(pk=pk).exists()
    assert AuditEntry.objects.get(action="orgs.unit_delete").detail == {"code": "152224-MZJ", "name": "突泉县民政局"}


# --- memberships and positions ----------------------------------------------------------------------


def test_a_person_can_belong_to_several_units_with_one_primary(small_tree: SmallTree) -> None:
    # given
    person = StaffFactory()
    head = PositionFactory(name="科长")

    # when
    first = membership_add(user=person, org_unit=small_tree.qianqi_mz)
    second = membership_add(user=person, org_unit=small_tree.relief, position=head)

    # then
    first.refresh_from_db()
    assert (first.is_primary, second.is_primary) == (True, False)
    assert second.position == head

    # when the second becomes the primary one
    membership_update(membership=second, is_primary=True)

    # then
    assert list(Membership.objects.filter(user=person, is_primary=True).values_list("org_unit__code", flat=True)) == [
        "152221-MZJ-SHJZK"
    ]


def test_joining_the_same_unit_twice_is_refused(small_tree: SmallTree) -> None:
    person = StaffFactory()
    membership_add(user=person, org_unit=small_tree.qianqi_mz)

    with pytest.raises(Rejected) as caught:
        membership_add(user=person, org_unit=small_tree.qianqi_mz)

    assert caught.value.message == "该人员已在“科尔沁右翼前旗民政局”任职"
    assert Membership.objects.filter(user=person).count() == 1


def test_only_staff_can_join_a_unit(small_tree: SmallTree) -> None:
    citizen = StaffFactory(kind="person")

    with pytest.raises(Rejected) as caught:
        membership_add(user=citizen, org_unit=small_tree.qianqi_mz)

    assert caught.value.message == "只有公职人员可以加入机构"
    assert not Membership.objects.exists()


def test_removing_the_primary_membership_promotes_another(small_tree: SmallTree) -> None:
    person = StaffFactory()
    primary = membership_add(user=person, org_unit=small_tree.qianqi_mz)
    membership_add(user=person, org_unit=small_tree.tuquan_mz)

    membership_remove(membership=primary)

    assert list(Membership.objects.filter(user=person).values_list("org_unit__code", "is_primary")) == [
        ("152224-MZJ", True)
    ]
    assert AuditEntry.objects.filter(action="orgs.membership_remove").count() == 1


def test_the_primary_flag_cannot_simply_be_cleared(small_tree: SmallTree) -> None:
    membership = membership_add(user=StaffFactory(), org_unit=small_tree.qianqi_mz)

    with pytest.raises(Rejected) as caught:
        membership_update(membership=membership, is_primary=False)

    assert caught.value.message == "每人须有一个主要任职，请将另一任职设为主要任职"
    membership.refresh_from_db()
    assert membership.is_primary


def test_position_names_are_unique(db: None) -> None:
    position_create(name="科长", rank=40)

    with pytest.raises(Rejected) as caught:
        position_create(name=" 科长 ")

    assert caught.value.message == "职务“科长”已存在"
    assert Position.objects.count() == 1


def test_a_position_held_by_someone_cannot_be_deleted(small_tree: SmallTree) -> None:
    head = PositionFactory(name="科长")
    membership_add(user=StaffFactory(), org_unit=small_tree.relief, position=head)

    with pytest.raises(Rejected) as caught:
        position_delete(position=head)

    assert caught.value.message == "仍有人员担任“科长”，不能删除"
    assert Position.objects.filter(pk=head.pk).exists()


def test_factories_build_through_the_service(db: None) -> None:
    league = OrgUnitFactory(kind=OrgKind.LEAGUE)
    department = OrgUnitFactory(parent=league)

    assert department.path == f"/{league.pk}/{department.pk}/"
