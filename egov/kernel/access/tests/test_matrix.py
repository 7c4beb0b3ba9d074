"""Every built-in role × every registered permission: has_perm says exactly what the role definition says."""

from __future__ import annotations

import pytest

from egov.kernel.access.models import Role
from egov.kernel.access.permissions import PERMISSIONS
from egov.kernel.access.policy import has_perm
from egov.kernel.access.tests.conftest import Tree
from egov.kernel.access.tests.factories import RoleAssignmentFactory

pytestmark = pytest.mark.django_db

#: The specification, written out independently of the data migration.
EXPECTED: dict[str, set[str]] = {
    "sysadmin": {"orgs.view", "orgs.manage", "accounts.manage_users", "system.configure", "notify.manage_templates"},
    "secadmin": {"access.assign_roles", "security.manage_policy"},
    "auditor": {"audit.view", "audit.export"},
    "handler": {"workflow.handle", "services.accept", "orgs.view"},
    "office_head": {
        "workflow.handle",
        "workflow.supervise",
        "orgs.view",
        "accounts.reveal_personal_data",
        "services.rectify",
    },
    "leader": {"workflow.handle", "workflow.supervise", "workflow.view_all", "insight.view", "orgs.view"},
    "editor": {"portal.edit"},
    "chief_editor": {"portal.edit", "portal.review", "portal.publish", "portal.inspect"},
    "portal_reviewer": {"portal.edit", "portal.review", "portal.inspect"},
    "catalogue_admin": {"services.manage_catalogue", "orgs.view"},
    "data_authority": {"data.review", "orgs.view"},
    "agent": {"services.agent", "workflow.handle", "orgs.view"},
    "data_admin": {"data.manage", "data.request", "orgs.view"},
}


def test_builtin_roles_are_exactly_the_specified_ones() -> None:
    roles = {role.code: role for role in Role.objects.filter(is_builtin=True)}
    assert set(roles) == set(EXPECTED)
    for code, role in roles.items():
        assert set(role.permissions) == EXPECTED[code], code
        role.full_clean()  # every code is registered and the role passes the 三员分立 rule


def test_registry_has_the_permissions_other_apps_code_against() -> None:
    assert set().union(*EXPECTED.values()) | {"workflow.view_all"} <= set(PERMISSIONS)
    assert all(PERMISSIONS[code] for code in PERMISSIONS)


@pytest.mark.parametrize("role_code", sorted(EXPECTED))
def test_permission_matrix(tree: Tree, role_code: str) -> None:
    # given the role at 科右前旗民政局, with its sub-units
    user = RoleAssignmentFactory(
        role=Role.objects.get(code=role_code), org_unit=tree.qianqi_civil, include_subunits=True
    ).user
    # then each permission is held there (and below) exactly when the role lists it, and never next door
    for perm in PERMISSIONS:
        expected = perm in EXPECTED[role_code]
        assert has_perm(user, perm, tree.qianqi_civil) is expected, perm
        assert has_perm(user, perm, tree.qianqi_relief) is expected, perm
        assert has_perm(user, perm) is expected, perm
        assert has_perm(user, perm, tree.tuquan_civil) is False, perm
        assert has_perm(user, perm, tree.qianqi) is False, perm
