from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from egov.kernel.access.models import Role, RoleAssignment
from egov.kernel.access.policy import AccessDenied, has_perm
from egov.kernel.access.services import role_assign, role_revoke
from egov.kernel.access.tests.conftest import Tree
from egov.kernel.access.tests.factories import RoleAssignmentFactory, StaffFactory
from egov.kernel.accounts.models import User, UserKind
from egov.kernel.audit.models import AuditEntry
from egov.kernel.errors import Conflict, NotFound, Rejected

pytestmark = pytest.mark.django_db


@pytest.fixture
def county_secadmin(tree: Tree) -> User:
    """The security administrator of 科右前旗 (the county and everything under it)."""
    return RoleAssignmentFactory(
        user=StaffFactory(username="qianqi_sec"),
        role=Role.objects.get(code="secadmin"),
        org_unit=tree.qianqi,
        include_subunits=True,
    ).user


def snapshot() -> list[tuple]:
    return list(
        RoleAssignment.objects.order_by("pk").values_list(
            "pk", "user_id", "role_id", "org_unit_id", "include_subunits", "valid_until", "granted_by_id"
        )
    )


def test_role_assign_grants_the_role_with_its_default_scope_and_audits(tree: Tree, county_secadmin: User) -> None:
    # given
    clerk = StaffFactory(username="clerk")
    assert not has_perm(clerk, "workflow.supervise", tree.qianqi_relief)
    # when
    assignment = role_assign(actor=county_secadmin, user=clerk, role_code="office_head", org_unit=tree.qianqi_civil)
    # then
    assert assignment.include_subunits is True  # 科室负责人 covers sub-units by default
    assert assignment.granted_by == county_secadmin
    assert assignment.valid_until is None
    assert has_perm(clerk, "workflow.supervise", tree.qianqi_relief)  # the cache on `clerk` was refreshed
    entry = AuditEntry.objects.get(action="access.role_assign")
    assert entry.result == "success"
    assert entry.actor == county_secadmin
    assert entry.org_unit == tree.qianqi_civil
    assert entry.target_id == str(assignment.pk)
    assert entry.detail == {"user_id": clerk.pk, "role": "office_head", "include_subunits": True, "valid_until": None}


def test_role_assign_honours_explicit_scope_and_end(tree: Tree, county_secadmin: User) -> None:
    until = timezone.now() + dt.timedelta(days=30)
    assignment = role_assign(
        actor=county_secadmin,
        user=StaffFactory(),
        role_code="handler",
        org_unit=tree.qianqi_civil,
        include_subunits=True,
        valid_until=until,
    )
    assignment.refresh_from_db()
    assert assignment.include_subunits is True
    assert assignment.valid_until == until


def test_role_assign_without_permission_changes_nothing(tree: Tree) -> None:
    # given a handler (no access.assign_roles) and an untouched grantee
    handler = RoleAssignmentFactory(org_unit=tree.qianqi_civil, include_subunits=True).user
    grantee = StaffFactory()
    before = snapshot()
    # when
    with pytest.raises(AccessDenied) as caught:
        role_assign(actor=handler, user=grantee, role_code="leader", org_unit=tree.qianqi_civil)
    # then
    assert str(caught.value) == "您没有权限执行此操作：分配角色"
    assert snapshot() == before
    assert not AuditEntry.objects.filter(action="access.role_assign").exists()
    # raised inside the service's transaction: left for the web layer to record after the rollback
    assert caught.value.audited is False


def test_security_admin_of_one_county_cannot_assign_in_another(tree: Tree, county_secadmin: User) -> None:
    before = snapshot()
    with pytest.raises(AccessDenied):
        role_assign(actor=county_secadmin, user=StaffFactory(), role_code="handler", org_unit=tree.tuquan_civil)
    with pytest.raises(AccessDenied):
        role_assign(actor=county_secadmin, user=StaffFactory(), role_code="handler", org_unit=tree.league)
    assert snapshot() == before


@pytest.mark.parametrize(
    ("change", "code", "message"),
    [
        ({"role_code": "nonexistent"}, "role_unknown", "角色不存在"),
        ({"valid_until": "past"}, "valid_until_past", "有效期必须晚于当前时间"),
        ({"user": "self"}, "self_grant", "不能为自己分配角色"),
        ({"user": "citizen"}, "user_not_staff", "只能为公职人员分配角色"),
        ({"user": "inactive"}, "user_inactive", "该用户已停用，不能分配角色"),
    ],
)
def test_role_assign_rejects_bad_requests_without_changing_anything(
    tree: Tree, county_secadmin: User, change: dict, code: str, message: str
) -> None:
    users = {
        "self": county_secadmin,
        "citizen": StaffFactory(kind=UserKind.PERSON),
        "inactive": StaffFactory(is_active=False),
    }
    arguments = {
        "actor": county_secadmin,
        "user": StaffFactory(),
        "role_code": "handler",
        "org_unit": tree.qianqi_civil,
    }
    arguments.update(change)
    if change.get("user"):
        arguments["user"] = users[change["user"]]
    if change.get("valid_until"):
        arguments["valid_until"] = timezone.now() - dt.timedelta(minutes=1)
    before = snapshot()
    with pytest.raises(Rejected) as caught:
        role_assign(**arguments)
    assert (caught.value.code, caught.value.message) == (code, message)
    assert snapshot() == before
    assert not AuditEntry.objects.filter(action="access.role_assign").exists()


def test_a_current_assignment_cannot_be_granted_twice_but_an_expired_one_is_renewed(
    tree: Tree, county_secadmin: User
) -> None:
    clerk = StaffFactory()
    role_assign(actor=county_secadmin, user=clerk, role_code="handler", org_unit=tree.qianqi_civil)
    with pytest.raises(Conflict) as caught:
        role_assign(actor=county_secadmin, user=clerk, role_code="handler", org_unit=tree.qianqi_civil)
    assert caught.value.message == "该用户在此机构已拥有该角色"
    # given the grant has run out
    RoleAssignment.objects.filter(user=clerk).update(valid_until=timezone.now() - dt.timedelta(days=1))
    # when granted again
    renewed = role_assign(actor=county_secadmin, user=clerk, role_code="handler", org_unit=tree.qianqi_civil)
    # then the same row is renewed
    assert RoleAssignment.objects.filter(user=clerk).count() == 1
    assert renewed.valid_until is None
    assert has_perm(User.objects.get(pk=clerk.pk), "workflow.handle", tree.qianqi_civil)


def test_role_revoke_removes_the_role_and_audits(tree: Tree, county_secadmin: User) -> None:
    clerk = StaffFactory(username="clerk")
    assignment = role_assign(actor=county_secadmin, user=clerk, role_code="handler", org_unit=tree.qianqi_civil)
    assert has_perm(clerk, "workflow.handle", tree.qianqi_civil)
    # when
    role_revoke(actor=county_secadmin, assignment=assignment)
    # then
    assert not RoleAssignment.objects.filter(pk=assignment.pk).exists()
    assert not has_perm(clerk, "workflow.handle", tree.qianqi_civil)
    entry = AuditEntry.objects.get(action="access.role_revoke")
    assert entry.actor == county_secadmin
    assert entry.org_unit == tree.qianqi_civil
    assert entry.detail["role"] == "handler"
    assert entry.detail["user_id"] == clerk.pk


def test_role_revoke_out_of_scope_or_of_oneself_changes_nothing(tree: Tree, county_secadmin: User) -> None:
    elsewhere = RoleAssignmentFactory(org_unit=tree.tuquan_civil)
    own = RoleAssignment.objects.get(user=county_secadmin)
    before = snapshot()
    with pytest.raises(AccessDenied):
        role_revoke(actor=county_secadmin, assignment=elsewhere)
    with pytest.raises(Rejected) as caught:
        role_revoke(actor=county_secadmin, assignment=own)
    assert (caught.value.code, caught.value.message) == ("self_revoke", "不能撤销自己的角色")
    assert snapshot() == before
    assert not AuditEntry.objects.filter(action="access.role_revoke").exists()


def test_revoking_an_assignment_already_gone_says_so(tree: Tree, county_secadmin: User) -> None:
    assignment = RoleAssignmentFactory(org_unit=tree.qianqi_civil)
    RoleAssignment.objects.filter(pk=assignment.pk).delete()
    with pytest.raises(NotFound) as caught:
        role_revoke(actor=county_secadmin, assignment=assignment)
    assert caught.value.message == "该授权已被撤销，请刷新后重试"
