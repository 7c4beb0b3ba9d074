"""Permission matrix: managing the tree needs ``orgs.manage`` at the unit concerned; a denied action
changes nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from egov.kernel.access.policy import AccessDenied
from egov.kernel.access.tests.factories import grant
from egov.kernel.accounts.models import User
from egov.kernel.orgs.models import Membership, OrgKind, OrgUnit, Position
from egov.kernel.orgs.services import (
    membership_add,
    membership_remove,
    org_unit_create,
    org_unit_delete,
    org_unit_move,
    org_unit_update,
    position_create,
)
from egov.kernel.orgs.tests.conftest import SmallTree
from egov.kernel.orgs.tests.factories import StaffFactory


def snapshot() -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]], list[str]]:
    units = list(OrgUnit.objects.order_by("pk").values_list("pk", "code", "name", "path", "depth", "parent_id"))
    memberships = list(Membership.objects.order_by("pk").values_list("pk", "user_id", "org_unit_id", "is_primary"))
    return units, memberships, list(Position.objects.values_list("name", flat=True))


ACTIONS: dict[str, Callable[[User, SmallTree], object]] = {
    "create": lambda actor, t: org_unit_create(
        actor=actor, name="新部门", code="152224-NEW", kind=OrgKind.DEPARTMENT, division_code="152224", parent=t.tuquan
    ),
    "update": lambda actor, t: org_unit_update(actor=actor, unit=t.tuquan_mz, name="改名"),
    "move": lambda actor, t: org_unit_move(actor=actor, unit=t.tuquan_mz, new_parent=t.league),
    "delete": lambda actor, t: org_unit_delete(actor=actor, unit=t.tuquan_mz),
    "membership_add": lambda actor, t: membership_add(actor=actor, user=StaffFactory(), org_unit=t.tuquan_mz),
    "membership_remove": lambda actor, t: membership_remove(
        actor=actor, membership=Membership.objects.get(org_unit=t.tuquan_mz)
    ),
    "position_create": lambda actor, t: position_create(actor=actor, name="副科长"),
}


@pytest.fixture
def tree_with_member(small_tree: SmallTree) -> SmallTree:
    membership_add(user=StaffFactory(), org_unit=small_tree.tuquan)
    membership_add(user=StaffFactory(), org_unit=small_tree.tuquan_mz)
    return small_tree


@pytest.mark.parametrize("action", ACTIONS)
def test_a_viewer_can_change_nothing(tree_with_member: SmallTree, action: str) -> None:
    # given someone who may only look at the tree
    viewer = StaffFactory()
    grant(viewer, "handler", tree_with_member.league, include_subunits=True)
    before = snapshot()

    # when / then
    with pytest.raises(AccessDenied) as caught:
        ACTIONS[action](viewer, tree_with_member)
    assert str(caught.value) == "您没有权限执行此操作：管理组织机构"
    assert snapshot() == before


@pytest.mark.parametrize("action", ["create", "update", "move", "delete", "membership_add", "membership_remove"])
def test_a_county_administrator_cannot_touch_another_county(tree_with_member: SmallTree, action: str) -> None:
    # given an administrator of 科右前旗 only
    admin = StaffFactory()
    grant(admin, "sysadmin", tree_with_member.qianqi, include_subunits=True)
    before = snapshot()

    # when / then
    with pytest.raises(AccessDenied):
        ACTIONS[action](admin, tree_with_member)
    assert snapshot() == before


def test_a_county_administrator_manages_their_own_county(small_tree: SmallTree) -> None:
    # given
    admin = StaffFactory()
    grant(admin, "sysadmin", small_tree.qianqi, include_subunits=True)

    # when
    created = org_unit_create(
        actor=admin,
        name="科尔沁右翼前旗财政局",
        code="152221-CZJ",
        kind=OrgKind.DEPARTMENT,
        division_code="152221",
        parent=small_tree.qianqi,
    )
    org_unit_update(actor=admin, unit=small_tree.qianqi_mz, short_name="科右前旗民政局")
    membership_add(actor=admin, user=StaffFactory(), org_unit=created)

    # then
    assert OrgUnit.objects.get(pk=small_tree.qianqi_mz.pk).short_name == "科右前旗民政局"
    assert Membership.objects.filter(org_unit=created).count() == 1


def test_moving_out_of_ones_scope_is_refused(small_tree: SmallTree) -> None:
    # given an administrator of 科右前旗, moving a unit of theirs to 突泉县 (outside their scope)
    admin = StaffFactory()
    grant(admin, "sysadmin", small_tree.qianqi, include_subunits=True)
    before = snapshot()

    # when / then
    with pytest.raises(AccessDenied):
        org_unit_move(actor=admin, unit=small_tree.qianqi_mz, new_parent=small_tree.tuquan)
    assert snapshot() == before
