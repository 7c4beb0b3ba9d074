"""Versioning: a published version is frozen; publishing the next one retires it and leaves its rows alone."""

from __future__ import annotations

import dataclasses

import pytest

from egov.domain.services.models import ServiceItem, ServiceItemVersion, VersionStatus
from egov.domain.services.services import (
    MaterialSpec,
    item_version_create_draft,
    item_version_publish,
    item_version_update,
)
from egov.domain.services.tests.factories import catalogue_manager, department, draft_item, guide
from egov.kernel.access.policy import AccessDenied
from egov.kernel.accounts.tests.factories import UserFactory
from egov.kernel.audit.models import AuditEntry
from egov.kernel.errors import Conflict, Rejected

pytestmark = pytest.mark.django_db


def test_publishing_v2_retires_v1_and_keeps_its_rows_unchanged() -> None:
    # given a published v1
    unit = department()
    manager = catalogue_manager(unit)
    item, v1 = draft_item(manager, unit)
    item_version_publish(actor=manager, version=v1)
    v1_before = ServiceItemVersion.objects.values().get(pk=v1.pk)
    v1_materials = list(v1.materials.values_list("pk", "name", "acceptance_standard"))
    # when v2 changes the conditions and the materials and is published
    changed = guide(
        conditions="新的受理条件",
        materials=[MaterialSpec(name="家庭经济状况核对授权书", acceptance_standard="全体家庭成员签字")],
    )
    v2 = item_version_create_draft(actor=manager, item=item, guide=changed)
    item_version_publish(actor=manager, version=v2)
    # then v1 is retired with every other field and its materials as they were
    v1_after = ServiceItemVersion.objects.values().get(pk=v1.pk)
    assert v1_after["status"] == VersionStatus.RETIRED
    assert v1_after["retired_at"] is not None
    for key in v1_before.keys() - {"status", "retired_at", "updated_at"}:
        assert v1_after[key] == v1_before[key], key
    assert list(v1.materials.values_list("pk", "name", "acceptance_standard")) == v1_materials
    item.refresh_from_db()
    assert item.current_version_id == v2.pk
    assert v2.number == 2
    assert list(item.current_version.materials.values_list("name", flat=True)) == ["家庭经济状况核对授权书"]
    actions = list(AuditEntry.objects.filter(action__startswith="services.").values_list("action", flat=True))
    assert actions.count("services.version_publish") == 2


def test_published_version_cannot_be_edited() -> None:
    unit = department()
    manager = catalogue_manager(unit)
    _item, v1 = draft_item(manager, unit)
    item_version_publish(actor=manager, version=v1)
    with pytest.raises(Conflict) as caught:
        item_version_update(actor=manager, version=v1, guide=guide(conditions="改过的条件"))
    assert caught.value.message == "已发布或已停用的版本不能修改，请新建草稿"
    v1.refresh_from_db()
    assert v1.conditions == "持有当地常住户口，家庭人均收入低于当地最低生活保障标准。"


def test_second_draft_and_double_publish_are_refused() -> None:
    unit = department()
    manager = catalogue_manager(unit)
    item, v1 = draft_item(manager, unit)
    with pytest.raises(Conflict) as caught:
        item_version_create_draft(actor=manager, item=item, guide=guide())
    assert caught.value.message == "该事项已有未发布的草稿，请在草稿上修改"
    item_version_publish(actor=manager, version=v1)
    with pytest.raises(Conflict) as again:
        item_version_publish(actor=manager, version=v1)
    assert again.value.message == "只有草稿可以发布，该版本状态已变化，请刷新后重试"


def test_draft_update_rejects_bad_form_definition_in_chinese() -> None:
    unit = department()
    manager = catalogue_manager(unit)
    _item, v1 = draft_item(manager, unit)
    bad = dataclasses.replace(guide(), form_definition={"pages": []})
    with pytest.raises(Rejected) as caught:
        item_version_update(actor=manager, version=v1, guide=bad)
    assert caught.value.message == "申请表单定义有误：表单定义应包含至少一页（pages）"
    with pytest.raises(Rejected) as limits:
        item_version_update(actor=manager, version=v1, guide=guide(promised_limit=40))
    assert limits.value.message == "承诺办结时限不能长于法定办结时限"


def test_citizen_cannot_publish_and_nothing_changes() -> None:
    # given a draft made by the manager
    unit = department()
    manager = catalogue_manager(unit)
    item, v1 = draft_item(manager, unit)
    citizen = UserFactory(person=True)
    entries_before = AuditEntry.objects.exclude(action="access.denied").count()
    # when a citizen tries to publish it
    with pytest.raises(AccessDenied) as caught:
        item_version_publish(actor=citizen, version=v1)
    assert caught.value.perm == "services.manage_catalogue"
    # then the draft is still a draft and the item has no public version
    v1.refresh_from_db()
    assert v1.status == VersionStatus.DRAFT
    assert v1.published_at is None
    assert ServiceItem.objects.get(pk=item.pk).current_version_id is None
    assert AuditEntry.objects.exclude(action="access.denied").count() == entries_before


def test_citizen_cannot_create_a_draft() -> None:
    unit = department()
    manager = catalogue_manager(unit)
    item, _v1 = draft_item(manager, unit)
    citizen = UserFactory(person=True)
    with pytest.raises(AccessDenied):
        item_version_update(actor=citizen, version=_v1, guide=guide(conditions="被篡改"))
    _v1.refresh_from_db()
    assert _v1.conditions == "持有当地常住户口，家庭人均收入低于当地最低生活保障标准。"
    assert item.versions.count() == 1


def test_system_configure_alone_no_longer_edits_the_catalogue() -> None:
    # given a system administrator (system.configure) but no 事项管理员 role
    from egov.kernel.access.models import Role, RoleAssignment

    unit = department()
    sysadmin = UserFactory(staff=True)
    RoleAssignment.objects.create(user=sysadmin, role=Role.objects.get(code="sysadmin"), org_unit=unit)
    # when they try to register an item, then access is denied and nothing is created
    with pytest.raises(AccessDenied) as caught:
        draft_item(sysadmin, unit)
    assert caught.value.perm == "services.manage_catalogue"
    assert not ServiceItem.objects.exists()
