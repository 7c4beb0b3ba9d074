"""三员分立: system, security and audit administrators are three different people; the auditor changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from egov.kernel.access.models import Role, RoleAssignment
from egov.kernel.access.permissions import READ_ONLY_PERMISSIONS, separation_violation
from egov.kernel.access.policy import AccessDenied, has_perm, perms_for, units_with_perm
from egov.kernel.access.services import role_assign
from egov.kernel.access.tests.conftest import Tree
from egov.kernel.access.tests.factories import RoleAssignmentFactory, StaffFactory
from egov.kernel.accounts.models import User
from egov.kernel.errors import Rejected

pytestmark = pytest.mark.django_db

TWO_ADMIN_ROLES = "三员分立：系统管理员、安全管理员、审计管理员不能由同一人兼任"
AUDITOR_WRITES = "三员分立：可以查看审计日志的人员不能拥有任何修改数据的权限"


@pytest.fixture
def secadmin(tree: Tree) -> User:
    return RoleAssignmentFactory(
        role=Role.objects.get(code="secadmin"), org_unit=tree.league, include_subunits=True
    ).user


def holder(role_code: str, tree: Tree, **kwargs: object) -> User:
    return RoleAssignmentFactory(
        role=Role.objects.get(code=role_code), org_unit=tree.league, include_subunits=True, **kwargs
    ).user


def test_sysadmin_cannot_read_the_audit_log(tree: Tree) -> None:
    sysadmin = holder("sysadmin", tree)
    assert has_perm(sysadmin, "system.configure", tree.tuquan_civil)
    assert not has_perm(sysadmin, "audit.view")
    assert not has_perm(sysadmin, "audit.export", tree.league)
    assert not units_with_perm(sysadmin, "audit.view").exists()
    assert not perms_for(sysadmin) & {"audit.view", "audit.export"}


def test_sysadmin_and_secadmin_cannot_read_the_audit_log_or_assign_each_others_work(tree: Tree) -> None:
    sysadmin, secadmin = holder("sysadmin", tree), holder("secadmin", tree)
    assert not has_perm(sysadmin, "access.assign_roles")
    assert not has_perm(secadmin, "audit.view")
    assert not has_perm(secadmin, "system.configure")


def test_auditor_role_has_no_write_permission() -> None:
    auditor = Role.objects.get(code="auditor")
    assert set(auditor.permissions) <= READ_ONLY_PERMISSIONS
    assert set(auditor.permissions) == {"audit.view", "audit.export"}


def test_a_role_reading_the_audit_log_may_not_also_write() -> None:
    role = Role(code="auditor_plus", name="审计加办理", permissions=["audit.view", "workflow.handle"])
    with pytest.raises(ValidationError) as caught:
        role.full_clean()
    assert caught.value.message_dict == {"permissions": [AUDITOR_WRITES]}


def test_role_permissions_must_be_registered() -> None:
    role = Role(code="typo", name="拼写错误", permissions=["workflow.handel", "orgs.view"])
    with pytest.raises(ValidationError) as caught:
        role.full_clean()
    assert caught.value.message_dict == {"permissions": ["未知的权限：workflow.handel"]}


@pytest.mark.parametrize(
    ("held", "given", "message"),
    [
        ("sysadmin", "auditor", TWO_ADMIN_ROLES),
        ("auditor", "sysadmin", TWO_ADMIN_ROLES),
        ("sysadmin", "secadmin", TWO_ADMIN_ROLES),
        ("secadmin", "auditor", TWO_ADMIN_ROLES),
        ("auditor", "handler", AUDITOR_WRITES),
        ("handler", "auditor", AUDITOR_WRITES),
    ],
)
def test_role_assign_refuses_combinations_against_separation_of_duties(
    tree: Tree,
    secadmin: User,
    held: str,
    given: str,
    message: str,
) -> None:
    # given a person who already holds one role
    person = holder(held, tree)
    perms_before = perms_for(person)
    before = list(RoleAssignment.objects.values_list("pk", "user_id", "role__code"))
    # when the security administrator gives them a conflicting one
    with pytest.raises(Rejected) as caught:
        role_assign(actor=secadmin, user=person, role_code=given, org_unit=tree.qianqi)
    # then it is refused and nothing changed
    assert caught.value.code == "separation_of_duties"
    assert caught.value.message == message
    assert list(RoleAssignment.objects.values_list("pk", "user_id", "role__code")) == before
    assert perms_for(User.objects.get(pk=person.pk)) == perms_before


def test_an_expired_administrator_role_does_not_block_a_new_one(tree: Tree, secadmin: User) -> None:
    # given a former auditor whose role has run out
    former = holder("auditor", tree, valid_until=timezone.now() - dt.timedelta(days=1))
    # when
    assignment = role_assign(actor=secadmin, user=former, role_code="sysadmin", org_unit=tree.league)
    # then
    assert assignment.role.code == "sysadmin"
    assert has_perm(former, "system.configure", tree.tuquan_civil)
    assert not has_perm(former, "audit.view")


def test_separation_rule_function() -> None:
    assert separation_violation({}) is None
    assert separation_violation({"auditor": frozenset({"audit.view", "orgs.view"})}) is None
    assert separation_violation({"sysadmin": frozenset(), "secadmin": frozenset()}) == TWO_ADMIN_ROLES
    assert separation_violation({"custom": frozenset({"audit.export", "portal.edit"})}) == AUDITOR_WRITES


def test_sysadmin_cannot_assign_roles_at_all(tree: Tree) -> None:
    sysadmin = holder("sysadmin", tree)
    person = StaffFactory()
    with pytest.raises(AccessDenied) as caught:
        role_assign(actor=sysadmin, user=person, role_code="auditor", org_unit=tree.league)
    assert str(caught.value) == "您没有权限执行此操作：分配角色"
    assert not RoleAssignment.objects.filter(user=person).exists()
