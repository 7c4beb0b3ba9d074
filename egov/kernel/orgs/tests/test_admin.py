"""The Django admin writes through the services: same rules, same audit entries."""

from __future__ import annotations

import pytest
from django.test import Client

from egov.kernel.access.tests.factories import grant
from egov.kernel.audit.models import AuditEntry
from egov.kernel.orgs.models import OrgUnit
from egov.kernel.orgs.tests.conftest import SmallTree
from egov.kernel.orgs.tests.factories import StaffFactory

ADMIN = "/office/django-admin/orgs/orgunit/"


@pytest.fixture
def admin_client(small_tree: SmallTree, client: Client) -> Client:
    user = StaffFactory(username="orgs-admin", is_staff=True)
    grant(user, "sysadmin", small_tree.league, include_subunits=True)
    client.force_login(user)
    return client


def form_data(unit: OrgUnit, **changes: object) -> dict[str, object]:
    data = {
        "name": unit.name,
        "short_name": unit.short_name,
        "code": unit.code,
        "kind": unit.kind,
        "division_code": unit.division_code,
        "sort_order": unit.sort_order,
        "uscc": unit.uscc,
        "document_prefix": unit.document_prefix,
        "parent": unit.parent_id or "",
        "is_active": "on" if unit.is_active else "",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value != ""}


def test_adding_a_unit_goes_through_the_service(small_tree: SmallTree, admin_client: Client) -> None:
    response = admin_client.post(
        f"{ADMIN}add/",
        {
            "name": "突泉县财政局",
            "code": "152224-CZJ",
            "kind": "department",
            "division_code": "152224",
            "sort_order": "3",
            "parent": small_tree.tuquan.pk,
            "is_active": "on",
        },
    )

    assert response.status_code == 302
    unit = OrgUnit.objects.get(code="152224-CZJ")
    assert unit.path == f"{small_tree.tuquan.path}{unit.pk}/"
    assert AuditEntry.objects.get(action="orgs.unit_create", target_id=str(unit.pk)).actor_username == "orgs-admin"


def test_changing_the_parent_moves_the_subtree(small_tree: SmallTree, admin_client: Client) -> None:
    t = small_tree

    response = admin_client.post(f"{ADMIN}{t.qianqi_mz.pk}/change/", form_data(t.qianqi_mz, parent=t.tuquan.pk))

    assert response.status_code == 302
    assert OrgUnit.objects.get(pk=t.relief_team.pk).path.startswith(f"{t.tuquan.path}{t.qianqi_mz.pk}/")
    assert AuditEntry.objects.filter(action="orgs.unit_move").count() == 1


def test_a_misplaced_unit_is_a_form_error_not_a_500(small_tree: SmallTree, admin_client: Client) -> None:
    t = small_tree

    response = admin_client.post(f"{ADMIN}{t.relief.pk}/change/", form_data(t.relief, parent=t.tuquan.pk))

    assert response.status_code == 200
    assert "内设机构的上级机构应为：部门、内设机构" in response.content.decode()
    assert OrgUnit.objects.get(pk=t.relief.pk).parent_id == t.qianqi_mz.pk


def test_deleting_a_unit_with_children_is_refused(small_tree: SmallTree, admin_client: Client) -> None:
    response = admin_client.post(f"{ADMIN}{small_tree.relief.pk}/delete/", {"post": "yes"})

    assert response.status_code == 200
    assert "无法删除" in response.content.decode()
    assert OrgUnit.objects.filter(pk=small_tree.relief.pk).exists()
    assert not AuditEntry.objects.filter(action="orgs.unit_delete").exists()


def test_deleting_an_unused_unit_goes_through_the_service(small_tree: SmallTree, admin_client: Client) -> None:
    response = admin_client.post(f"{ADMIN}{small_tree.tuquan_mz.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    assert not OrgUnit.objects.filter(pk=small_tree.tuquan_mz.pk).exists()
    assert AuditEntry.objects.get(action="orgs.unit_delete").actor_username == "orgs-admin"


def test_a_viewer_cannot_change_units_in_the_admin(small_tree: SmallTree, client: Client) -> None:
    viewer = StaffFactory(is_staff=True)
    grant(viewer, "handler", small_tree.league, include_subunits=True)
    client.force_login(viewer)

    response = client.post(f"{ADMIN}{small_tree.qianqi_mz.pk}/change/", form_data(small_tree.qianqi_mz, name="改名"))

    assert response.status_code == 403
    assert OrgUnit.objects.get(pk=small_tree.qianqi_mz.pk).name == "科尔沁右翼前旗民政局"
