from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from egov.kernel.access.models import Role
from egov.kernel.access.permissions import PERMISSIONS
from egov.kernel.access.policy import AccessDenied, has_perm, perms_for, require, units_with_perm
from egov.kernel.access.tests.conftest import Tree
from egov.kernel.access.tests.factories import RoleAssignmentFactory, StaffFactory
from egov.kernel.accounts.models import User
from egov.kernel.orgs.models import OrgUnit

pytestmark = pytest.mark.django_db


def grant(
    role_code: str,
    unit: OrgUnit,
    *,
    include_subunits: bool = False,
    valid_until: dt.datetime | None = None,
    user: User | None = None,
) -> User:
    assignment = RoleAssignmentFactory(
        user=user or StaffFactory(),
        role=Role.objects.get(code=role_code),
        org_unit=unit,
        include_subunits=include_subunits,
        valid_until=valid_until,
    )
    return assignment.user


def test_role_at_unit_without_subunits_covers_that_unit_only(tree: Tree) -> None:
    # given a handler at 科右前旗民政局, not covering sub-units
    user = grant("handler", tree.qianqi_civil)
    # then
    assert has_perm(user, "workflow.handle", tree.qianqi_civil)
    assert not has_perm(user, "workflow.handle", tree.qianqi_relief)
    assert not has_perm(user, "workflow.handle", tree.qianqi)
    assert not has_perm(user, "workflow.handle", tree.tuquan_civil)
    assert has_perm(user, "workflow.handle")  # "anywhere"
    assert not has_perm(user, "workflow.supervise", tree.qianqi_civil)


def test_role_with_subunits_covers_the_subtree_but_not_parent_or_sibling_county(tree: Tree) -> None:
    user = grant("handler", tree.qianqi_civil, include_subunits=True)
    assert has_perm(user, "workflow.handle", tree.qianqi_civil)
    assert has_perm(user, "workflow.handle", tree.qianqi_relief)
    assert not has_perm(user, "workflow.handle", tree.qianqi)
    assert not has_perm(user, "workflow.handle", tree.league)
    assert not has_perm(user, "workflow.handle", tree.tuquan_civil)


def test_role_in_one_county_gives_nothing_in_the_sibling_county(tree: Tree) -> None:
    # given the head of 科右前旗民政局, covering the whole county bureau
    user = grant("office_head", tree.qianqi_civil, include_subunits=True)
    # then nothing at 突泉县民政局
    for perm in PERMISSIONS:
        assert not has_perm(user, perm, tree.tuquan_civil), perm
    assert list(units_with_perm(user, "workflow.handle")) == [tree.qianqi_civil, tree.qianqi_relief]


def test_expired_assignment_is_ignored(tree: Tree) -> None:
    user = grant("handler", tree.qianqi_civil, valid_until=timezone.now() - dt.timedelta(seconds=1))
    assert not has_perm(user, "workflow.handle", tree.qianqi_civil)
    assert not has_perm(user, "workflow.handle")
    assert perms_for(user) == set()
    assert not units_with_perm(user, "workflow.handle").exists()


def test_assignment_expiring_during_a_request_stops_counting(tree: Tree, monkeypatch: pytest.MonkeyPatch) -> None:
    # given a grant valid for one more hour, already cached on the user object
    user = grant("handler", tree.qianqi_civil, valid_until=timezone.now() + dt.timedelta(hours=1))
    assert has_perm(user, "workflow.handle", tree.qianqi_civil)
    # when the clock passes its end
    later = timezone.now() + dt.timedelta(hours=2)
    monkeypatch.setattr(timezone, "now", lambda: later)
    # then
    assert not has_perm(user, "workflow.handle", tree.qianqi_civil)


def test_anonymous_and_inactive_users_hold_nothing(tree: Tree) -> None:
    inactive = grant("leader", tree.league, include_subunits=True, user=StaffFactory(is_active=False))
    for user in (AnonymousUser(), inactive, None):
        assert not has_perm(user, "workflow.handle", tree.league)
        assert perms_for(user) == set()
        assert not units_with_perm(user, "workflow.handle").exists()


def test_unknown_permission_is_a_programming_error(tree: Tree) -> None:
    user = grant("handler", tree.qianqi_civil)
    with pytest.raises(ValueError, match=r"unknown permission 'workflow\.handel'"):
        has_perm(user, "workflow.handel")


def test_superuser_holds_everything_except_reading_the_audit_log(tree: Tree) -> None:
    root = StaffFactory(is_superuser=True)
    assert has_perm(root, "access.assign_roles", tree.tuquan_civil)
    assert has_perm(root, "system.configure")
    assert not has_perm(root, "audit.view")
    assert not has_perm(root, "audit.export", tree.league)
    assert perms_for(root) == set(PERMISSIONS) - {"audit.view", "audit.export"}
    assert units_with_perm(root, "orgs.manage").count() == 6
    assert not units_with_perm(root, "audit.view").exists()


def test_units_with_perm_combines_grants_in_one_query(
    tree: Tree, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    # given a handler at 突泉县民政局 (only) and at 科右前旗民政局 with its sub-units
    user = grant("handler", tree.tuquan_civil)
    grant("handler", tree.qianqi_civil, include_subunits=True, user=user)
    grant("editor", tree.league, include_subunits=True, user=user)
    # when / then: one query for the grants, one for the units
    with django_assert_num_queries(2):
        units = list(units_with_perm(user, "workflow.handle"))
    assert set(units) == {tree.tuquan_civil, tree.qianqi_civil, tree.qianqi_relief}
    everything = list(tree.league.subtree().order_by("path"))
    with django_assert_num_queries(1):
        assert list(units_with_perm(user, "portal.edit").order_by("path")) == everything


def test_checks_after_the_first_are_free(tree: Tree, django_assert_num_queries: DjangoAssertNumQueries) -> None:
    user = grant("leader", tree.qianqi, include_subunits=True)
    with django_assert_num_queries(1):
        assert has_perm(user, "insight.view", tree.qianqi_civil)
        assert not has_perm(user, "insight.view", tree.tuquan)
        assert perms_for(user) == {
            "workflow.handle",
            "workflow.supervise",
            "workflow.view_all",
            "insight.view",
            "orgs.view",
        }


def test_require_raises_access_denied_with_the_permission_label(tree: Tree) -> None:
    user = grant("handler", tree.qianqi_civil)
    require(user, "workflow.handle", tree.qianqi_civil)  # allowed: no exception
    with pytest.raises(AccessDenied) as caught:
        require(user, "workflow.handle", tree.tuquan_civil, target=tree.tuquan_civil)
    assert str(caught.value) == "您没有权限执行此操作：办理业务"
    assert caught.value.user == user
    assert caught.value.perm == "workflow.handle"
    assert caught.value.org_unit == tree.tuquan_civil
    assert caught.value.target == tree.tuquan_civil
