"""The audited "查看完整" button: staff allowed to see personal data get the plain value, everyone else gets
nothing, and every attempt lands in the audit log."""

from __future__ import annotations

import pytest
from django.test import Client

from egov.kernel.access.models import Role, RoleAssignment
from egov.kernel.audit.models import AuditEntry
from egov.kernel.identifiers import resident_id_check_char
from egov.kernel.orgs.services import org_unit_create
from egov.web.tests.factories import UserFactory

ID17 = "15222119800101005"
ID_NUMBER = ID17 + resident_id_check_char(ID17)


@pytest.fixture
def citizen():
    user = UserFactory()
    user.id_number = ID_NUMBER
    user.phone = "13912345678"
    user.save()
    return user


def staff_with(role_code: str | None):
    user = UserFactory(staff=True)
    if role_code:
        unit = org_unit_create(
            name="科尔沁右翼前旗民政局", code=f"T-{user.pk}", kind="department", division_code="152221"
        )
        RoleAssignment.objects.create(user=user, role=Role.objects.get(code=role_code), org_unit=unit)
    return user


@pytest.mark.django_db
def test_office_head_sees_the_full_id_number_and_the_reveal_is_audited(client: Client, citizen) -> None:
    # given
    client.force_login(staff_with("office_head"))
    # when
    response = client.post(f"/office/people/{citizen.pk}/reveal/id_number/", {"next": "/office/"})
    # then
    assert response.status_code == 200
    assert ID_NUMBER in response.content.decode()
    entry = AuditEntry.objects.filter(action="accounts.reveal_personal_data").get()
    assert entry.result == "success"
    assert entry.detail["field"] == "id_number"
    assert ID_NUMBER not in str(entry.detail)


@pytest.mark.django_db
def test_htmx_reveal_returns_only_the_value_fragment(client: Client, citizen) -> None:
    client.force_login(staff_with("office_head"))
    response = client.post(f"/office/people/{citizen.pk}/reveal/phone/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert "13912345678" in html
    assert "<html" not in html


@pytest.mark.django_db
@pytest.mark.parametrize("role_code", [None, "handler", "auditor"])
def test_staff_without_the_permission_are_refused_and_the_refusal_is_audited(
    client: Client, citizen, role_code: str | None
) -> None:
    client.force_login(staff_with(role_code))
    response = client.post(f"/office/people/{citizen.pk}/reveal/id_number/")
    assert response.status_code == 403
    assert ID_NUMBER not in response.content.decode()
    assert not AuditEntry.objects.filter(action="accounts.reveal_personal_data").exists()
    assert AuditEntry.objects.filter(action="access.denied", result="denied").count() == 1


@pytest.mark.django_db
def test_citizens_cannot_reveal_anything(client: Client, citizen) -> None:
    client.force_login(UserFactory())
    response = client.post(f"/office/people/{citizen.pk}/reveal/id_number/")
    assert response.status_code == 404
    assert ID_NUMBER not in response.content.decode()


@pytest.mark.django_db
def test_reveal_is_post_only_and_unknown_fields_are_refused(client: Client, citizen) -> None:
    client.force_login(staff_with("office_head"))
    assert client.get(f"/office/people/{citizen.pk}/reveal/id_number/").status_code == 405
    response = client.post(f"/office/people/{citizen.pk}/reveal/password/")
    assert response.status_code == 404
    assert "不能查看该项信息" in response.content.decode()
