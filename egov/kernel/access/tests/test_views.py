from __future__ import annotations

import datetime as dt

import pytest
from django.conf import LazySettings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from egov.kernel.access.models import Role, RoleAssignment
from egov.kernel.access.tests.conftest import Tree
from egov.kernel.access.tests.factories import RoleAssignmentFactory, StaffFactory
from egov.kernel.accounts.models import User
from egov.kernel.audit.models import AuditEntry

pytestmark = pytest.mark.django_db

LIST_URL = "/office/access/"
ASSIGN_URL = "/office/access/assign/"


@pytest.fixture(autouse=True)
def _plain_static_and_denial_middleware(settings: LazySettings) -> None:
    # No collectstatic manifest in unit tests; and the denial middleware as the lead will install it.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "egov.kernel.access.middleware.AccessDeniedAuditMiddleware"]


@pytest.fixture
def secadmin(tree: Tree) -> User:
    return RoleAssignmentFactory(
        user=StaffFactory(username="qianqi_sec", real_name="包安全"),
        role=Role.objects.get(code="secadmin"),
        org_unit=tree.qianqi,
        include_subunits=True,
    ).user


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_urls_are_named_in_the_access_namespace() -> None:
    assert reverse("access:assignment_list") == LIST_URL
    assert reverse("access:assignment_create") == ASSIGN_URL
    assert reverse("access:assignment_revoke", args=[7]) == "/office/access/7/revoke/"


def test_list_shows_only_assignments_in_the_administrators_scope(tree: Tree, secadmin: User) -> None:
    RoleAssignmentFactory(user=StaffFactory(username="qianqi_clerk"), org_unit=tree.qianqi_civil)
    RoleAssignmentFactory(user=StaffFactory(username="tuquan_clerk"), org_unit=tree.tuquan_civil)
    response = signed_in(secadmin).get(LIST_URL)
    assert response.status_code == 200
    content = response.content.decode()
    assert "qianqi_clerk" in content
    assert "科右前旗民政局" in content
    assert "tuquan_clerk" not in content


def test_list_search_filters(tree: Tree, secadmin: User) -> None:
    RoleAssignmentFactory(user=StaffFactory(username="alpha_clerk"), org_unit=tree.qianqi_civil)
    RoleAssignmentFactory(user=StaffFactory(username="beta_clerk"), org_unit=tree.qianqi_civil)
    content = signed_in(secadmin).get(LIST_URL, {"q": "alpha"}).content.decode()
    assert "alpha_clerk" in content
    assert "beta_clerk" not in content


def test_list_is_forbidden_without_the_permission_and_the_denial_is_audited(tree: Tree) -> None:
    handler = RoleAssignmentFactory(org_unit=tree.qianqi_civil).user
    response = signed_in(handler).get(LIST_URL)
    assert response.status_code == 403
    entry = AuditEntry.objects.get(action="access.denied")
    assert (entry.actor_id, entry.result, entry.detail) == (handler.pk, "denied", {"perm": "access.assign_roles"})


def test_assign_form_offers_only_units_in_scope(tree: Tree, secadmin: User) -> None:
    response = signed_in(secadmin).get(ASSIGN_URL)
    assert response.status_code == 200
    units = list(response.context["form"].fields["org_unit"].queryset)
    assert units == [tree.qianqi, tree.qianqi_civil, tree.qianqi_relief]


def test_assign_grants_the_role(tree: Tree, secadmin: User) -> None:
    clerk = StaffFactory(username="new_clerk", real_name="李办理")
    response = signed_in(secadmin).post(
        ASSIGN_URL,
        {
            "username": " new_clerk ",
            "role": Role.objects.get(code="handler").pk,
            "org_unit": tree.qianqi_civil.pk,
            "include_subunits": "1",
            "valid_until": "2099-12-31",
        },
        follow=True,
    )
    assert response.redirect_chain == [(LIST_URL, 302)]
    assignment = RoleAssignment.objects.get(user=clerk)
    assert (assignment.role.code, assignment.org_unit, assignment.include_subunits) == (
        "handler",
        tree.qianqi_civil,
        True,
    )
    # the chosen day is included: valid until the start of 2100-01-01, Beijing time
    assert assignment.valid_until == timezone.make_aware(dt.datetime(2100, 1, 1))
    assert "已为 李办理 分配角色：业务经办人" in response.content.decode()


def test_assign_refused_by_a_rule_shows_the_message_and_keeps_the_input(tree: Tree, secadmin: User) -> None:
    sysadmin = RoleAssignmentFactory(
        user=StaffFactory(username="the_sysadmin"), role=Role.objects.get(code="sysadmin"), org_unit=tree.qianqi
    ).user
    before = RoleAssignment.objects.count()
    response = signed_in(secadmin).post(
        ASSIGN_URL,
        {"username": "the_sysadmin", "role": Role.objects.get(code="auditor").pk, "org_unit": tree.qianqi.pk},
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "三员分立：系统管理员、安全管理员、审计管理员不能由同一人兼任" in content
    assert 'value="the_sysadmin"' in content
    assert RoleAssignment.objects.count() == before
    assert not RoleAssignment.objects.filter(user=sysadmin, role__code="auditor").exists()


def test_assign_form_errors_are_in_chinese(tree: Tree, secadmin: User) -> None:
    response = signed_in(secadmin).post(
        ASSIGN_URL,
        {"username": "nobody", "role": "999999", "org_unit": tree.tuquan_civil.pk, "valid_until": "明天"},
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["username"] == ["用户不存在：nobody"]
    assert errors["role"] == ["请选择列表中的角色"]
    assert errors["org_unit"] == ["请选择您有权授权的机构"]
    assert errors["valid_until"] == ["输入一个有效的日期。"]
    assert not RoleAssignment.objects.exclude(user=secadmin).exists()


def test_revoke_removes_the_assignment(tree: Tree, secadmin: User) -> None:
    assignment = RoleAssignmentFactory(user=StaffFactory(real_name="王经办"), org_unit=tree.qianqi_civil)
    client = signed_in(secadmin)
    assert client.get(f"/office/access/{assignment.pk}/revoke/").status_code == 405
    response = client.post(f"/office/access/{assignment.pk}/revoke/", follow=True)
    assert response.redirect_chain == [(LIST_URL, 302)]
    assert not RoleAssignment.objects.filter(pk=assignment.pk).exists()
    assert "已撤销 王经办 的角色：业务经办人" in response.content.decode()


def test_revoke_out_of_scope_is_forbidden_changes_nothing_and_is_audited(tree: Tree, secadmin: User) -> None:
    elsewhere = RoleAssignmentFactory(org_unit=tree.tuquan_civil)
    response = signed_in(secadmin).post(f"/office/access/{elsewhere.pk}/revoke/")
    assert response.status_code == 403
    assert RoleAssignment.objects.filter(pk=elsewhere.pk).exists()
    # denied inside role_revoke's transaction, recorded by the middleware after the rollback
    entry = AuditEntry.objects.get(action="access.denied")
    assert (entry.actor_id, entry.org_unit_id, entry.detail) == (
        secadmin.pk,
        tree.tuquan_civil.pk,
        {"perm": "access.assign_roles"},
    )


def test_revoking_ones_own_role_shows_a_message(tree: Tree, secadmin: User) -> None:
    own = RoleAssignment.objects.get(user=secadmin)
    response = signed_in(secadmin).post(f"/office/access/{own.pk}/revoke/", follow=True)
    assert "不能撤销自己的角色" in response.content.decode()
    assert RoleAssignment.objects.filter(pk=own.pk).exists()


def test_revoking_a_missing_assignment_is_404(secadmin: User) -> None:
    assert signed_in(secadmin).post("/office/access/999999/revoke/").status_code == 404


@pytest.mark.parametrize("url", [LIST_URL, ASSIGN_URL])
def test_anonymous_visitors_are_sent_to_the_office_sign_in(url: str) -> None:
    response = Client().get(url)
    assert response.status_code == 302
    assert response["Location"] == f"/office/login/?next={url}"
