"""Reads of the org tree: the nested display tree in one query, and a person's units."""

from __future__ import annotations

import pytest

from egov.kernel.orgs.models import OrgKind
from egov.kernel.orgs.selectors import org_tree, primary_unit, unit_members, user_units
from egov.kernel.orgs.services import membership_add, org_unit_update
from egov.kernel.orgs.tests.conftest import SmallTree
from egov.kernel.orgs.tests.factories import OrgUnitFactory, PositionFactory, StaffFactory


def names(nodes: list) -> list[str]:
    return [node.unit.name for node in nodes]


def test_org_tree_nests_units_in_one_query(small_tree: SmallTree, django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    # given
    membership_add(user=StaffFactory(), org_unit=small_tree.qianqi_mz)

    # when
    with django_assert_num_queries(1):
        roots = org_tree()

    # then
    assert names(roots) == ["兴安盟行政公署"]
    assert names(roots[0].children) == ["科尔沁右翼前旗", "突泉县"]
    qianqi_mz = roots[0].children[0].children[0]
    assert (qianqi_mz.unit.name, qianqi_mz.member_count) == ("科尔沁右翼前旗民政局", 1)
    assert names(qianqi_mz.children[0].children) == ["救助组"]
    assert roots[0].unit_count == 7


def test_siblings_follow_the_sort_order(small_tree: SmallTree) -> None:
    org_unit_update(unit=small_tree.qianqi, sort_order=9)

    assert names(org_tree()[0].children) == ["突泉县", "科尔沁右翼前旗"]


def test_inactive_units_and_their_branch_are_hidden_unless_asked_for(small_tree: SmallTree) -> None:
    org_unit_update(unit=small_tree.qianqi_mz, is_active=False)

    assert org_tree()[0].unit_count == 4
    assert org_tree(include_inactive=True)[0].unit_count == 7


def test_org_tree_of_a_subtree(small_tree: SmallTree) -> None:
    roots = org_tree(root=small_tree.qianqi)

    assert names(roots) == ["科尔沁右翼前旗"]
    assert roots[0].unit_count == 4


def test_primary_unit_and_user_units(small_tree: SmallTree) -> None:
    # given a person in two units, the second one primary
    person = StaffFactory()
    membership_add(user=person, org_unit=small_tree.tuquan_mz)
    membership_add(user=person, org_unit=small_tree.qianqi_mz, is_primary=True)

    # then
    assert primary_unit(person) == small_tree.qianqi_mz
    assert list(user_units(person)) == [small_tree.qianqi_mz, small_tree.tuquan_mz]


def test_primary_unit_of_someone_without_a_unit_is_none(db: None) -> None:
    assert primary_unit(StaffFactory()) is None
    assert list(user_units(StaffFactory())) == []


@pytest.mark.django_db
def test_unit_members_lists_leaders_first() -> None:
    unit = OrgUnitFactory(kind=OrgKind.LEAGUE)
    clerk, head = PositionFactory(name="科员", rank=60), PositionFactory(name="局长", rank=30)
    membership_add(user=StaffFactory(username="a-clerk"), org_unit=unit, position=clerk)
    membership_add(user=StaffFactory(username="b-head"), org_unit=unit, position=head)

    assert [m.user.username for m in unit_members(unit)] == ["b-head", "a-clerk"]
