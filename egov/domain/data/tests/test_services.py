from __future__ import annotations

import hashlib
import re

import pytest

from egov.domain.data.models import CatalogEntry, CatalogEntryRevision, EntryStatus
from egov.domain.data.services import (
    DataItemSpec,
    catalog_entry_publish,
    catalog_entry_submit,
    catalog_entry_update,
)
from egov.domain.data.tests.factories import OrgUnitFactory, data_admin, data_reviewer, make_entry
from egov.kernel.access.policy import AccessDenied
from egov.kernel.access.tests.factories import UserFactory, grant
from egov.kernel.audit.models import AuditEntry
from egov.kernel.errors import Conflict, Rejected

pytestmark = pytest.mark.django_db


def test_create_registers_a_draft_with_items_tags_and_audit() -> None:
    # given
    unit = OrgUnitFactory()
    admin = data_admin(unit)
    # when
    entry = make_entry(
        actor=admin,
        provider=unit,
        publish=False,
        code="02.01.01-0007",
        tags=["旅游", "景区", "旅游"],
        items=[
            DataItemSpec(name="景区名称", data_type="string", length=100),
            DataItemSpec(name="等级", data_type="string", length=5),
        ],
    )
    # then
    assert entry.status == EntryStatus.DRAFT
    assert entry.version == 0
    assert entry.name == "xam-02-01-01-0007"
    assert list(entry.items.values_list("name", flat=True)) == ["景区名称", "等级"]
    assert sorted(entry.tags.values_list("name", flat=True)) == ["旅游", "景区"]
    assert AuditEntry.objects.filter(action="data.entry_create", target_id=str(entry.pk)).count() == 1


def test_resource_records_size_rows_and_checksum() -> None:
    unit = OrgUnitFactory()
    content = "名称,数量\n甲,1\n乙,2\n丙,3\n".encode()
    entry = make_entry(actor=data_admin(unit), provider=unit, csv=content)
    resource = entry.resources.get()
    assert resource.size == len(content)
    assert resource.row_count == 3
    assert resource.checksum == hashlib.sha256(content).hexdigest()
    assert resource.file.read() == content
    # the same content again (another entry) is stored once, under its checksum
    again = make_entry(actor=data_admin(unit), provider=unit, csv=content).resources.get()
    assert again.file.name == resource.file.name == f"data/resources/{resource.checksum[:2]}/{resource.checksum}.csv"


@pytest.mark.parametrize(
    ("overrides", "message", "field"),
    [
        ({"code": "2.1-1"}, "目录代码格式应为“类.项.目.细目-序号”，如 02.03.01-0001", "code"),
        ({"title": "  "}, "请填写数据目录名称", "title"),
        ({"sharing_type": "conditional"}, "有条件共享或不予共享的目录必须写明共享条件或法律依据", "sharing_basis"),
        ({"open_type": "public"}, "开放属性的取值无效", "open_type"),
        ({"items": []}, "请至少登记一个数据项", "items"),
        (
            {"items": [DataItemSpec(name="公民身份号码", data_type="string", length=18, is_personal=True)]},
            "含个人信息或敏感数据项的目录不能无条件开放",
            "open_type",
        ),
    ],
)
def test_create_rejects_bad_input_with_a_chinese_message(overrides: dict, message: str, field: str) -> None:
    unit = OrgUnitFactory()
    with pytest.raises(Rejected) as caught:
        make_entry(actor=data_admin(unit), provider=unit, publish=False, **overrides)
    assert (caught.value.message, caught.value.field) == (message, field)
    assert not CatalogEntry.objects.exists()


def test_duplicate_code_is_rejected() -> None:
    unit = OrgUnitFactory()
    admin = data_admin(unit)
    make_entry(actor=admin, provider=unit, code="03.01.01-0001")
    with pytest.raises(Rejected, match=re.escape("目录代码 03.01.01-0001 已被使用")):
        make_entry(actor=admin, provider=unit, code="03.01.01-0001")
    assert CatalogEntry.objects.count() == 1


def test_publish_needs_review_then_versions_with_a_snapshot_each_time() -> None:
    # given a draft
    unit = OrgUnitFactory()
    admin, reviewer = data_admin(unit), data_reviewer(unit)
    entry = make_entry(actor=admin, provider=unit, publish=False, title="兴安盟空气质量日报")
    # when published straight from draft
    with pytest.raises(Conflict, match="目录须先提交审核，审核中或已发布的目录才能发布"):
        catalog_entry_publish(actor=reviewer, entry=entry)
    # then submitted, approved, changed (pending until approved) and approved again
    catalog_entry_submit(actor=admin, entry=entry)
    entry = catalog_entry_publish(actor=reviewer, entry=entry)
    entry = catalog_entry_update(actor=admin, entry=entry, changes={"title": "兴安盟空气质量日报（修订）"})
    entry.refresh_from_db()
    assert entry.title == "兴安盟空气质量日报"  # the public still sees version 1
    catalog_entry_submit(actor=admin, entry=entry)
    entry = catalog_entry_publish(actor=reviewer, entry=entry)
    assert (entry.status, entry.version, entry.title) == (EntryStatus.PUBLISHED, 2, "兴安盟空气质量日报（修订）")
    assert entry.pending_changes is None
    titles = list(CatalogEntryRevision.objects.filter(entry=entry).values_list("version", "snapshot__title"))
    assert titles == [(1, "兴安盟空气质量日报"), (2, "兴安盟空气质量日报（修订）")]
    assert entry.release_date is not None


def test_submit_twice_is_a_conflict() -> None:
    unit = OrgUnitFactory()
    admin = data_admin(unit)
    entry = make_entry(actor=admin, provider=unit, publish=False)
    catalog_entry_submit(actor=admin, entry=entry)
    with pytest.raises(Conflict, match="只有草稿状态的目录可以提交审核，请刷新后重试"):
        catalog_entry_submit(actor=admin, entry=entry)


def test_update_refuses_fields_that_identify_the_entry() -> None:
    unit = OrgUnitFactory()
    admin = data_admin(unit)
    entry = make_entry(actor=admin, provider=unit)
    with pytest.raises(Rejected, match="以下字段不能修改：code"):
        catalog_entry_update(actor=admin, entry=entry, changes={"code": "09.09-0001"})


@pytest.mark.parametrize(
    "who",
    [
        "data_admin_of_same_unit",
        "data_admin_of_other_unit",
        "reviewer_of_other_unit",
        "handler_of_same_unit",
        "citizen",
    ],
)
def test_only_the_data_authority_can_publish_and_nothing_changes(who: str) -> None:
    # given an entry in review at unit A
    unit, other = OrgUnitFactory(), OrgUnitFactory()
    admin = data_admin(unit)
    entry = make_entry(actor=admin, provider=unit, publish=False)
    catalog_entry_submit(actor=admin, entry=entry)
    if who == "data_admin_of_same_unit":
        intruder = admin
    elif who == "data_admin_of_other_unit":
        intruder = data_admin(other)
    elif who == "reviewer_of_other_unit":
        intruder = data_reviewer(other)
    elif who == "handler_of_same_unit":
        intruder = UserFactory(staff=True)
        grant(intruder, "handler", unit)
    else:
        intruder = UserFactory()
    audit_before = AuditEntry.objects.filter(result="success").count()
    # when
    with pytest.raises(AccessDenied, match="您没有权限执行此操作：审核数据目录与共享申请（数据主管部门）"):
        catalog_entry_publish(actor=intruder, entry=entry)
    if who != "data_admin_of_same_unit":
        with pytest.raises(AccessDenied):
            catalog_entry_update(actor=intruder, entry=entry, changes={"title": "篡改"})
    # then
    entry.refresh_from_db()
    assert (entry.status, entry.version, entry.title) == (EntryStatus.REVIEWING, 0, entry.title)
    assert entry.title != "篡改"
    assert not CatalogEntryRevision.objects.exists()
    assert AuditEntry.objects.filter(result="success").count() == audit_before
