"""Writes to the information resource catalogue. Every function checks "data.manage" at the provider unit,
runs in one transaction and leaves an audit entry."""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from egov.domain.data.models import (
    CODE_PATTERN,
    LICENSES,
    CatalogEntry,
    CatalogEntryRevision,
    ClassificationLevel,
    DataItem,
    DataTheme,
    DataType,
    EntryStatus,
    OpenType,
    Resource,
    SharingMethod,
    SharingType,
    Tag,
    UpdateFrequency,
)
from egov.kernel.access.policy import Actor, require
from egov.kernel.audit.services import audit_record
from egov.kernel.errors import Conflict, Rejected
from egov.kernel.orgs.models import OrgUnit


@dataclass(frozen=True)
class DataItemSpec:
    name: str
    data_type: str
    length: int | None = None
    description: str = ""
    is_personal: bool = False
    is_sensitive: bool = False


#: Fields ``catalog_entry_update`` may change (the code and provider identify the entry and stay fixed).
EDITABLE_FIELDS = frozenset(
    {
        "title",
        "summary",
        "data_format",
        "update_frequency",
        "sharing_type",
        "sharing_basis",
        "sharing_method",
        "use_conditions",
        "classification_level",
        "open_type",
        "theme",
        "license_id",
    }
)

_CHOICES: dict[str, tuple[type[Any], str]] = {
    "update_frequency": (UpdateFrequency, "更新频率"),
    "sharing_type": (SharingType, "共享属性"),
    "sharing_method": (SharingMethod, "共享方式"),
    "classification_level": (ClassificationLevel, "数据分类分级"),
    "open_type": (OpenType, "开放属性"),
}


def entry_name_for_code(code: str) -> str:
    """The CKAN-style identifier derived from the catalogue code: ``02.03.01-0001`` → ``xam-02-03-01-0001``."""
    return "xam-" + re.sub(r"[^0-9a-z]+", "-", code.lower())


def _validate(entry: CatalogEntry, items: Sequence[DataItemSpec] | None) -> None:
    if not entry.title.strip():
        raise Rejected("title_required", _("请填写数据目录名称"), field="title")
    if not entry.summary.strip():
        raise Rejected("summary_required", _("请填写摘要"), field="summary")
    for field, (choices, label) in _CHOICES.items():
        if getattr(entry, field) not in choices.values:
            raise Rejected("invalid_choice", _("%(label)s的取值无效") % {"label": label}, field=field)
    if entry.license_id not in LICENSES:
        raise Rejected("invalid_choice", _("许可协议的取值无效"), field="license_id")
    if entry.sharing_type != SharingType.UNCONDITIONAL and not entry.sharing_basis.strip():
        raise Rejected(
            "sharing_basis_required", _("有条件共享或不予共享的目录必须写明共享条件或法律依据"), field="sharing_basis"
        )
    if items is not None:
        if not items:
            raise Rejected("items_required", _("请至少登记一个数据项"), field="items")
        for item in items:
            if not item.name.strip() or item.data_type not in DataType.values:
                raise Rejected("invalid_item", _("数据项的名称和类型必须填写正确"), field="items")
    if items is not None:
        holds_personal = any(item.is_personal or item.is_sensitive for item in items)
    else:
        holds_personal = entry.items.filter(Q(is_personal=True) | Q(is_sensitive=True)).exists()
    if entry.open_type == OpenType.OPEN and holds_personal:
        raise Rejected("personal_data_open", _("含个人信息或敏感数据项的目录不能无条件开放"), field="open_type")


def _set_items(entry: CatalogEntry, items: Sequence[DataItemSpec]) -> None:
    entry.items.all().delete()
    DataItem.objects.bulk_create(
        DataItem(
            entry=entry,
            position=position,
            name=item.name.strip(),
            data_type=item.data_type,
            length=item.length,
            description=item.description,
            is_personal=item.is_personal,
            is_sensitive=item.is_sensitive,
        )
        for position, item in enumerate(items, start=1)
    )


def _set_tags(entry: CatalogEntry, tags: Iterable[str]) -> None:
    names = sorted({tag.strip() for tag in tags if tag.strip()})
    entry.tags.set([Tag.objects.get_or_create(name=name)[0] for name in names])


@transaction.atomic
def catalog_entry_create(
    *,
    actor: Actor,
    provider: OrgUnit,
    code: str,
    title: str,
    summary: str,
    data_format: str,
    update_frequency: str,
    sharing_type: str,
    sharing_method: str,
    classification_level: str,
    open_type: str,
    items: Sequence[DataItemSpec],
    sharing_basis: str = "",
    use_conditions: str = "",
    theme: DataTheme | None = None,
    tags: Iterable[str] = (),
    license_id: str = "cc-by-4.0",
) -> CatalogEntry:
    """Register a new catalogue entry (a draft) with its data items."""
    require(actor, "data.manage", provider)
    code = code.strip()
    if not re.match(CODE_PATTERN, code):
        raise Rejected("invalid_code", _("目录代码格式应为“类.项.目.细目-序号”，如 02.03.01-0001"), field="code")
    if CatalogEntry.objects.filter(code=code).exists():
        raise Rejected("duplicate_code", _("目录代码 %(code)s 已被使用") % {"code": code}, field="code")
    entry = CatalogEntry(
        name=entry_name_for_code(code),
        code=code,
        title=title.strip(),
        provider=provider,
        summary=summary.strip(),
        data_format=data_format.strip(),
        update_frequency=update_frequency,
        sharing_type=sharing_type,
        sharing_basis=sharing_basis.strip(),
        sharing_method=sharing_method,
        use_conditions=use_conditions.strip(),
        classification_level=classification_level,
        open_type=open_type,
        theme=theme,
        license_id=license_id,
    )
    _validate(entry, items)
    entry.save()
    _set_items(entry, items)
    _set_tags(entry, tags)
    audit_record(actor=actor, action="data.entry_create", target=entry, org_unit=provider, detail={"code": code})
    return entry


@transaction.atomic
def catalog_entry_update(
    *,
    actor: Actor,
    entry: CatalogEntry,
    changes: dict[str, Any],
    items: Sequence[DataItemSpec] | None = None,
    tags: Iterable[str] | None = None,
    related: Iterable[CatalogEntry] | None = None,
) -> CatalogEntry:
    """Change an entry's fields; a published entry stays published and the change shows in the next version."""
    require(actor, "data.manage", entry.provider, target=entry)
    unknown = set(changes) - EDITABLE_FIELDS
    if unknown:
        raise Rejected("field_not_editable", _("以下字段不能修改：%(f)s") % {"f": "、".join(sorted(unknown))})
    entry = CatalogEntry.objects.select_for_update().get(pk=entry.pk)
    for field, value in changes.items():
        setattr(entry, field, value.strip() if isinstance(value, str) else value)
    _validate(entry, items)
    entry.save()
    if items is not None:
        _set_items(entry, items)
    if tags is not None:
        _set_tags(entry, tags)
    if related is not None:
        others = [other for other in related if other.pk != entry.pk]
        entry.related.set(others)
    audit_record(
        actor=actor,
        action="data.entry_update",
        target=entry,
        org_unit=entry.provider,
        detail={
            "fields": sorted(changes)
            + [name for name, value in (("items", items), ("tags", tags), ("related", related)) if value is not None]
        },
    )
    return entry


@transaction.atomic
def catalog_entry_submit(*, actor: Actor, entry: CatalogEntry) -> CatalogEntry:
    """Hand a draft in for review."""
    require(actor, "data.manage", entry.provider, target=entry)
    updated = CatalogEntry.objects.filter(pk=entry.pk, status=EntryStatus.DRAFT).update(
        status=EntryStatus.REVIEWING, modified_at=timezone.now()
    )
    if not updated:
        raise Conflict("entry_state", _("只有草稿状态的目录可以提交审核，请刷新后重试"))
    entry.refresh_from_db()
    audit_record(actor=actor, action="data.entry_submit", target=entry, org_unit=entry.provider)
    return entry


def entry_snapshot(entry: CatalogEntry) -> dict[str, Any]:
    """The entry, its items, tags and resources as plain JSON (what a revision keeps)."""
    return {
        "code": entry.code,
        "name": entry.name,
        "title": entry.title,
        "provider": entry.provider.code,
        "summary": entry.summary,
        "data_format": entry.data_format,
        "update_frequency": entry.update_frequency,
        "sharing_type": entry.sharing_type,
        "sharing_basis": entry.sharing_basis,
        "sharing_method": entry.sharing_method,
        "use_conditions": entry.use_conditions,
        "classification_level": entry.classification_level,
        "open_type": entry.open_type,
        "release_date": entry.release_date.isoformat() if entry.release_date else None,
        "theme": entry.theme.name if entry.theme else None,
        "license_id": entry.license_id,
        "tags": sorted(entry.tags.values_list("name", flat=True)),
        "items": list(entry.items.values("name", "data_type", "length", "description", "is_personal", "is_sensitive")),
        "resources": [
            {"id": str(r.id), "name": r.name, "format": r.format, "checksum": r.checksum, "size": r.size}
            for r in entry.resources.all()
        ],
    }


@transaction.atomic
def catalog_entry_publish(*, actor: Actor, entry: CatalogEntry) -> CatalogEntry:
    """Publish the entry (from review, or again after edits): version + 1 and a revision snapshot."""
    require(actor, "data.manage", entry.provider, target=entry)
    entry = CatalogEntry.objects.select_for_update().get(pk=entry.pk)
    if entry.status == EntryStatus.DRAFT:
        raise Conflict("entry_state", _("目录须先提交审核，审核中或已发布的目录才能发布"))
    entry.status = EntryStatus.PUBLISHED
    entry.version += 1
    if entry.release_date is None:
        entry.release_date = timezone.localdate()
    entry.save()
    CatalogEntryRevision.objects.create(
        entry=entry, version=entry.version, snapshot=entry_snapshot(entry), published_by=_user_or_none(actor)
    )
    audit_record(
        actor=actor,
        action="data.entry_publish",
        target=entry,
        org_unit=entry.provider,
        detail={"version": entry.version},
    )
    return entry


def _user_or_none(actor: Actor) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def _csv_rows(content: bytes) -> int | None:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    rows = list(csv.reader(io.StringIO(text)))
    return max(len(rows) - 1, 0)


def _store(content: bytes, *, checksum: str, extension: str) -> str:
    """Content-addressed: the file is named by its SHA-256, so identical content is stored once (reloading the
    demo or re-uploading the same file adds nothing). Files are therefore never deleted with a resource."""
    name = f"data/resources/{checksum[:2]}/{checksum}.{re.sub(r'[^a-z0-9]', '', extension) or 'bin'}"
    if default_storage.exists(name):
        return name
    return default_storage.save(name, ContentFile(content))


@transaction.atomic
def resource_add(
    *,
    actor: Actor,
    entry: CatalogEntry,
    name: str,
    format: str,
    content: bytes | None = None,
    url: str = "",
    description: str = "",
) -> Resource:
    """Attach a distribution: either stored content (size, rows and checksum computed) or an external URL."""
    require(actor, "data.manage", entry.provider, target=entry)
    if (content is None) == (not url):
        raise Rejected("resource_source", _("请上传文件或填写外部地址（二选一）"), field="file")
    if not name.strip():
        raise Rejected("name_required", _("请填写资源名称"), field="name")
    resource = Resource(
        entry=entry,
        position=entry.resources.count() + 1,
        name=name.strip(),
        description=description,
        format=format.upper(),
        url=url,
        last_modified=timezone.now(),
    )
    if content is not None:
        resource.size = len(content)
        resource.checksum = hashlib.sha256(content).hexdigest()
        resource.row_count = _csv_rows(content) if resource.format == "CSV" else None
        resource.file.name = _store(content, checksum=resource.checksum, extension=resource.format.lower())
    resource.save()
    CatalogEntry.objects.filter(pk=entry.pk).update(modified_at=timezone.now())
    audit_record(
        actor=actor,
        action="data.resource_add",
        target=entry,
        org_unit=entry.provider,
        detail={"resource": str(resource.id), "name": resource.name},
    )
    return resource


@transaction.atomic
def theme_ensure(*, actor: Actor, name: str, title: str, description: str = "") -> DataTheme:
    """Create a portal theme or update its title (a platform-level action: "data.manage" at any unit)."""
    require(actor, "data.manage")
    theme, created = DataTheme.objects.get_or_create(name=name, defaults={"title": title, "description": description})
    if not created and (theme.title, theme.description) == (title, description):
        return theme
    theme.title, theme.description = title, description
    theme.save()
    audit_record(actor=actor, action="data.theme_save", target=theme, detail={"name": name})
    return theme
