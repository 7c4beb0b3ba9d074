from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from egov.kernel.access.models import Role, RoleAssignment
from egov.kernel.audit.models import AuditEntry
from egov.kernel.files import rules
from egov.kernel.files.models import StoredFile
from egov.kernel.files.services import file_store
from egov.kernel.files.tests.factories import OrgUnitFactory, StaffFactory, UserFactory, pdf_bytes, upload
from egov.kernel.orgs.models import OrgKind, OrgUnit

pytestmark = pytest.mark.django_db


@pytest.fixture
def units() -> dict[str, OrgUnit]:
    league = OrgUnitFactory(name="兴安盟行政公署", code="152200", kind=OrgKind.LEAGUE, division_code="152200")
    qianqi = OrgUnitFactory(
        name="科尔沁右翼前旗人民政府", code="152221", kind=OrgKind.COUNTY, division_code="152221", parent=league
    )
    tuquan = OrgUnitFactory(
        name="突泉县人民政府", code="152224", kind=OrgKind.COUNTY, division_code="152224", parent=league
    )
    return {
        "qianqi_civil": OrgUnitFactory(
            name="科右前旗民政局", code="152221-MZJ", kind=OrgKind.DEPARTMENT, division_code="152221", parent=qianqi
        ),
        "tuquan_civil": OrgUnitFactory(
            name="突泉县民政局", code="152224-MZJ", kind=OrgKind.DEPARTMENT, division_code="152224", parent=tuquan
        ),
    }


def handler_at(unit: OrgUnit) -> object:
    staff = StaffFactory()
    RoleAssignment.objects.create(user=staff, role=Role.objects.get(code="handler"), org_unit=unit)
    return staff


@pytest.fixture
def material(units: dict[str, OrgUnit]) -> StoredFile:
    citizen = UserFactory()
    return file_store(
        actor=citizen,
        upload=upload("低保申请书.pdf", pdf_bytes()),
        purpose="application_material",
        org_unit=units["qianqi_civil"],
        related=("services.application", 42),
    )


def download_entries(result: str) -> int:
    return AuditEntry.objects.filter(action="files.download", result=result).count()


def test_owner_downloads_with_safe_headers_and_it_is_audited(client: Client, material: StoredFile) -> None:
    client.force_login(material.uploaded_by)
    response = client.get(reverse("files:download", args=[material.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == pdf_bytes()
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        "attachment; filename=\"_____.pdf\"; filename*=UTF-8''%E4%BD%8E%E4%BF%9D%E7%94%B3%E8%AF%B7%E4%B9%A6.pdf"
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    entry = AuditEntry.objects.get(action="files.download")
    assert (entry.actor_id, entry.target_id, entry.result) == (material.uploaded_by_id, str(material.pk), "success")


def test_stranger_gets_404_and_the_refusal_is_audited(client: Client, material: StoredFile) -> None:
    stranger = UserFactory()
    client.force_login(stranger)
    response = client.get(reverse("files:download", args=[material.pk]))
    assert response.status_code == 404
    assert download_entries("success") == 0
    assert AuditEntry.objects.get(action="files.download", result="denied").actor_id == stranger.pk


def test_anonymous_gets_404(client: Client, material: StoredFile) -> None:
    assert client.get(reverse("files:download", args=[material.pk])).status_code == 404
    assert download_entries("success") == 0


def test_staff_of_the_files_unit_may_download_in_the_office_zone(client: Client, units, material: StoredFile) -> None:
    client.force_login(handler_at(units["qianqi_civil"]))
    response = client.get(reverse("files:office_download", args=[material.pk]))
    assert response.status_code == 200
    assert download_entries("success") == 1


def test_staff_in_another_county_get_404(client: Client, units, material: StoredFile) -> None:
    client.force_login(handler_at(units["tuquan_civil"]))
    response = client.get(reverse("files:office_download", args=[material.pk]))
    assert response.status_code == 404
    assert download_entries("success") == 0


def test_unknown_file_id_is_404(client: Client) -> None:
    client.force_login(UserFactory())
    response = client.get(reverse("files:download", args=["00000000-0000-0000-0000-000000000000"]))
    assert response.status_code == 404


def test_apps_grant_downloads_for_their_objects_through_a_registered_rule(client: Client, material: StoredFile) -> None:
    agent = UserFactory()

    def agent_of_application(user: object, stored: StoredFile) -> bool:
        return stored.related_id == "42" and user == agent

    rules.register_download_rule("services.application", agent_of_application)
    try:
        client.force_login(agent)
        assert client.get(reverse("files:download", args=[material.pk])).status_code == 200
        client.force_login(UserFactory())
        assert client.get(reverse("files:download", args=[material.pk])).status_code == 404
    finally:
        rules.unregister_download_rule("services.application", agent_of_application)
