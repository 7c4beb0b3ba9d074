"""The office workbench: sign-in required, navigation filtered by the access layer, identity shown."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from egov.kernel.access.models import Role
from egov.web.navigation import OFFICE_NAV, NavEntry
from egov.web.tests.factories import MembershipFactory, RoleAssignmentFactory, UserFactory


def open_to_all_staff() -> list[tuple[str, str]]:
    """Entries without a permission (工作台, and 待办 once the workflow app serves it)."""
    return [(entry.url, str(entry.label)) for entry in OFFICE_NAV if entry.perm is None and entry.url]


def OFFICE_NAV_URLS() -> list[tuple[str, str]]:
    return [(entry.url, str(entry.label)) for entry in OFFICE_NAV if entry.url]


def side_nav(html: str) -> list[str]:
    nav = re.search(r'<nav class="side-nav"[^>]*>(.*?)</nav>', html, re.S)
    assert nav is not None
    return re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', nav.group(1))


@pytest.mark.django_db
def test_workbench_requires_office_sign_in(client: Client) -> None:
    response = client.get("/office/")
    assert response.status_code == 302
    assert response["Location"] == "/office/login/?next=/office/"


@pytest.mark.django_db
def test_staff_without_roles_sees_only_the_workbench(client: Client) -> None:
    # given
    membership = MembershipFactory(org_unit__name="兴安盟发展和改革委员会", org_unit__short_name="盟发改委")
    client.force_login(membership.user)
    # when
    html = client.get("/office/").content.decode()
    # then
    assert side_nav(html) == open_to_all_staff()
    assert side_nav(html)[0] == ("/office/", "工作台")
    assert "尚未分配角色" in html
    assert '<span class="user-unit">盟发改委</span>' in html
    assert "兴安盟发展和改革委员会" in html


def entry_perms(entry: NavEntry) -> set[str]:
    return {entry.perm} if isinstance(entry.perm, str) else set(entry.perm or ())


def entries_for(perms: set[str]) -> list[tuple[str, str]]:
    return [
        (entry.url, str(entry.label))
        for entry in OFFICE_NAV
        if entry.url and (entry.perm is None or entry_perms(entry) & perms)
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role_code", "entry"),
    [
        ("secadmin", ("/office/access/", "用户与权限")),
        ("auditor", ("/office/audit/", "安全审计")),
        ("editor", ("/office/cms/", "内容管理")),
        ("sysadmin", ("/office/django-admin/", "系统管理")),
        ("data_authority", ("/office/exchange/", "数据共享交换")),
        ("data_admin", ("/office/exchange/", "数据共享交换")),
    ],
)
def test_each_entry_appears_only_with_its_permission(client: Client, role_code: str, entry: tuple[str, str]) -> None:
    # given
    assignment = RoleAssignmentFactory(role=Role.objects.get(code=role_code))
    client.force_login(assignment.user)
    # when
    nav = side_nav(client.get("/office/").content.decode())
    # then: exactly the entries whose permission the role holds, in menu order
    assert entry in nav
    assert nav == entries_for(set(assignment.role.permissions))
    assert len(nav) > len(open_to_all_staff())


@pytest.mark.django_db
def test_role_names_and_primary_unit_are_shown(client: Client) -> None:
    # given a staff member in two units, holding two roles
    primary = MembershipFactory(org_unit__name="科右前旗民政局")
    user = primary.user
    MembershipFactory(user=user, org_unit__name="兴安盟民政局", is_primary=False)
    RoleAssignmentFactory(user=user, org_unit=primary.org_unit, role=Role.objects.get(code="handler"))
    RoleAssignmentFactory(user=user, org_unit=primary.org_unit, role=Role.objects.get(code="editor"))
    client.force_login(user)
    # when
    html = client.get("/office/").content.decode()
    # then
    assert '<span class="user-roles">业务经办人、网站编辑</span>' in html
    assert re.search(r"<dd>科右前旗民政局<span class=\"badge\">主要任职</span>、兴安盟民政局</dd>", html)
    assert "您好，" + user.real_name in html


@pytest.mark.django_db
def test_superuser_is_not_shown_the_audit_log_entry(client: Client) -> None:
    # 三员分立: the break-glass account does everything except read the audit log.
    user = UserFactory(staff=True, is_superuser=True)
    client.force_login(user)
    urls = [url for url, _label in side_nav(client.get("/office/").content.decode())]
    everyone = [url for url, _label in open_to_all_staff()]
    assert "/office/audit/" not in urls
    assert urls == [url for url, _label in OFFICE_NAV_URLS() if url != "/office/audit/"]
    assert set(everyone) <= set(urls)


@pytest.mark.django_db
def test_workbench_leaves_a_panel_for_the_worklist(client: Client) -> None:
    client.force_login(MembershipFactory().user)
    html = client.get("/office/").content.decode()
    assert '<h2 id="tasks-title" class="panel-title">待办</h2>' in html
    assert 'hx-get="/office/work/panel/"' in html  # the workflow app's panel, loaded by htmx
    assert '<a href="/office/work/todo/">查看我的待办</a>' in html  # and without JS, a link


@pytest.mark.django_db
@pytest.mark.urls("egov.web.tests.urls")
def test_citizens_are_refused_the_workbench(client: Client) -> None:
    client.force_login(UserFactory())
    response = client.get("/office/")
    assert response.status_code == 403
    assert "工作台仅供公职人员使用" in response.content.decode()
