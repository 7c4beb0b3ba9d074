"""Writes to the information resource catalogue. Every function checks "data.manage" at the provider unit,
runs in one transaction and leaves an audit entry."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import IO, Any

from cryptography.hazmat.primitives import hashes
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from egov.domain.data import loading, rows
from egov.domain.data.models import (
    CHANGE_LIMIT_DAYS,
    CODE_PATTERN,
    LICENSES,
    REVIEW_LIMIT_DAYS,
    ApplicationStatus,
    CatalogEntry,
    CatalogEntryRevision,
    ChangeTrigger,
    CheckRule,
    ClassificationLevel,
    DataItem,
    DataTable,
    DataTheme,
    DataType,
    EntryReview,
    EntryStatus,
    OpenDataApplication,
    OpenType,
    Resource,
    ReviewDecision,
    SharingMethod,
    SharingType,
    Tag,
    UpdateFrequency,
)
from egov.kernel.access.policy import Actor, has_perm, require
from egov.kernel.accounts.models import User
from egov.kernel.audit.services import audit_record
from egov.kernel.calendar.deadlines import add_days, beijing_today
from egov.kernel.errors import Conflict, Rejected
from egov.kernel.files.purposes import XLSX, get_purpose
from egov.kernel.files.validation import validate_upload
from egov.kernel.orgs.models import OrgUnit


@dataclass(frozen=True)
class DataItemSpec:
    name: str
    data_type: str
    length: int | None = None
    description: str = ""
    is_personal: bool = False
    is_sensitive: bool = False
    required: bool = False
    code_list: tuple[str, ...] = ()
    check_rule: str = ""


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
            if item.check_rule not in CheckRule.values:
                raise Rejected("invalid_item", _("数据项“%(n)s”的校验规则无效") % {"n": item.name}, field="items")
            if item.check_rule and item.data_type != DataType.STRING:
                raise Rejected(
                    "invalid_item", _("数据项“%(n)s”使用证件校验时类型须为字符型") % {"n": item.name}, field="items"
                )
            if item.length is not None and item.length <= 0:
                raise Rejected("invalid_item", _("数据项“%(n)s”的长度须为正整数") % {"n": item.name}, field="items")
        names = [item.name.strip() for item in items]
        duplicates = sorted({name for name in names if names.count(name) > 1})
        if duplicates:
            raise Rejected("duplicate_item", _("数据项名称重复：%(n)s") % {"n": "、".join(duplicates)}, field="items")
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
            required=item.required,
            code_list=[str(code).strip() for code in item.code_list if str(code).strip()],
            check_rule=item.check_rule,
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


def _apply_changes(
    entry: CatalogEntry,
    changes: dict[str, Any],
    items: Sequence[DataItemSpec] | None,
) -> None:
    for field, value in changes.items():
        setattr(entry, field, value.strip() if isinstance(value, str) else value)
    _validate(entry, items)


def _stage(
    entry: CatalogEntry,
    changes: dict[str, Any],
    items: Sequence[DataItemSpec] | None,
    tags: Iterable[str] | None,
    related: Iterable[CatalogEntry] | None,
) -> dict[str, Any]:
    """Merge a change of a published entry into its pending change set (JSON), applied when approved."""
    pending: dict[str, Any] = dict(entry.pending_changes or {})
    fields = dict(pending.get("fields", {}))
    for field, value in changes.items():
        if field == "theme":
            fields[field] = value.pk if value is not None else None
        else:
            fields[field] = value.strip() if isinstance(value, str) else value
    pending["fields"] = fields
    if items is not None:
        pending["items"] = [{**asdict(item), "code_list": list(item.code_list)} for item in items]
    if tags is not None:
        pending["tags"] = sorted({tag.strip() for tag in tags if tag.strip()})
    if related is not None:
        pending["related"] = [str(other.pk) for other in related if other.pk != entry.pk]
    return pending


def _pending_items(pending: dict[str, Any]) -> list[DataItemSpec] | None:
    if pending.get("items") is None:
        return None
    return [DataItemSpec(**{**item, "code_list": tuple(item.get("code_list", ()))}) for item in pending["items"]]


def _pending_fields(pending: dict[str, Any]) -> dict[str, Any]:
    fields = dict(pending.get("fields", {}))
    if "theme" in fields:
        fields["theme"] = DataTheme.objects.filter(pk=fields["theme"]).first() if fields["theme"] else None
    return fields


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
    """Change an entry. A draft changes at once; a published entry keeps what the public sees and collects the
    change as pending (``pending_changes``) until the data authority approves it as the next version."""
    require(actor, "data.manage", entry.provider, target=entry)
    unknown = set(changes) - EDITABLE_FIELDS
    if unknown:
        raise Rejected("field_not_editable", _("以下字段不能修改：%(f)s") % {"f": "、".join(sorted(unknown))})
    entry = CatalogEntry.objects.select_for_update().get(pk=entry.pk)
    if entry.status == EntryStatus.REVIEWING:
        raise Conflict("entry_state", _("目录正在审核中，审核完成后才能修改"))
    if entry.version > 0:
        trial = CatalogEntry.objects.get(pk=entry.pk)
        staged = _stage(entry, changes, items, tags, related)
        _apply_changes(trial, _pending_fields(staged), _pending_items(staged))
        entry.pending_changes = staged
        entry.save(update_fields=["pending_changes", "modified_at"])
    else:
        _apply_changes(entry, changes, items)
        entry.save()
        if items is not None:
            _set_items(entry, items)
        if tags is not None:
            _set_tags(entry, tags)
        if related is not None:
            entry.related.set([other for other in related if other.pk != entry.pk])
    audit_record(
        actor=actor,
        action="data.entry_update",
        target=entry,
        org_unit=entry.provider,
        detail={
            "fields": sorted(changes)
            + [name for name, value in (("items", items), ("tags", tags), ("related", related)) if value is not None],
            "pending": entry.version > 0,
        },
    )
    return entry


@transaction.atomic
def catalog_entry_submit(*, actor: Actor, entry: CatalogEntry) -> EntryReview:
    """Hand a draft (or the pending change of a published entry) to the League data authority, who has
    ``REVIEW_LIMIT_DAYS`` working days to decide."""
    require(actor, "data.manage", entry.provider, target=entry)
    entry = CatalogEntry.objects.select_for_update().get(pk=entry.pk)
    is_change = entry.status == EntryStatus.PUBLISHED and bool(entry.pending_changes)
    if entry.status != EntryStatus.DRAFT and not is_change:
        if entry.status == EntryStatus.PUBLISHED:
            raise Conflict("entry_state", _("已发布的目录没有待审核的修改，无需提交"))
        raise Conflict("entry_state", _("只有草稿状态的目录可以提交审核，请刷新后重试"))
    today = beijing_today()
    due = add_days(today, REVIEW_LIMIT_DAYS).due
    entry.status = EntryStatus.REVIEWING
    entry.save(update_fields=["status", "modified_at"])
    review = EntryReview.objects.create(
        entry=entry, is_change=is_change, submitted_by=_user_or_none(actor), due_date=due
    )
    audit_record(
        actor=actor,
        action="data.entry_submit",
        target=entry,
        org_unit=entry.provider,
        detail={"review": review.pk, "due": due.isoformat(), "change": is_change},
    )
    return review


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
        "items": list(
            entry.items.values(
                "name",
                "data_type",
                "length",
                "description",
                "is_personal",
                "is_sensitive",
                "required",
                "code_list",
                "check_rule",
            )
        ),
        "related": sorted(entry.related.values_list("name", flat=True)),
        "resources": [
            {"id": str(r.id), "name": r.name, "format": r.format, "checksum": r.checksum, "size": r.size}
            for r in entry.resources.all()
        ],
    }


def _publish(actor: Actor, entry: CatalogEntry) -> CatalogEntry:
    pending = entry.pending_changes or {}
    if pending:
        items = _pending_items(pending)
        _apply_changes(entry, _pending_fields(pending), items)
        if items is not None:
            _set_items(entry, items)
        if pending.get("tags") is not None:
            _set_tags(entry, pending["tags"])
        if pending.get("related") is not None:
            entry.related.set(CatalogEntry.objects.filter(pk__in=pending["related"]).exclude(pk=entry.pk))
    entry.pending_changes = None
    entry.status = EntryStatus.PUBLISHED
    entry.version += 1
    if entry.release_date is None:
        entry.release_date = timezone.localdate()
    entry.save()
    CatalogEntryRevision.objects.create(
        entry=entry, version=entry.version, snapshot=entry_snapshot(entry), published_by=_user_or_none(actor)
    )
    ChangeTrigger.objects.filter(entry=entry, resolved_at__isnull=True).update(
        resolved_version=entry.version, resolved_at=timezone.now()
    )
    return entry


@transaction.atomic
def catalog_entry_review(*, actor: Actor, entry: CatalogEntry, approve: bool, opinion: str = "") -> CatalogEntry:
    """The League data authority ("data.review" over the provider) approves — the entry (or its pending
    change) is published as the next version — or returns it with an opinion (required)."""
    require(actor, "data.review", entry.provider, target=entry)
    entry = CatalogEntry.objects.select_for_update().get(pk=entry.pk)
    if entry.status != EntryStatus.REVIEWING:
        raise Conflict("entry_state", _("目录须先提交审核，审核中或已发布的目录才能发布"))
    review = EntryReview.objects.filter(entry=entry, decision=ReviewDecision.PENDING).order_by("-pk").first()
    opinion = opinion.strip()
    if not approve and not opinion:
        raise Rejected("opinion_required", _("退回修改时请填写审核意见"), field="opinion")
    if approve:
        entry = _publish(actor, entry)
    else:
        entry.status = EntryStatus.PUBLISHED if entry.version > 0 else EntryStatus.DRAFT
        entry.save(update_fields=["status", "modified_at"])
    if review is not None:
        review.decision = ReviewDecision.APPROVED if approve else ReviewDecision.RETURNED
        review.opinion = opinion
        review.decided_by = _user_or_none(actor)
        review.decided_at = timezone.now()
        review.save()
    audit_record(
        actor=actor,
        action="data.entry_approve" if approve else "data.entry_return",
        target=entry,
        org_unit=entry.provider,
        detail={"version": entry.version, "review": review.pk if review else None},
    )
    return entry


def catalog_entry_publish(*, actor: Actor, entry: CatalogEntry) -> CatalogEntry:
    """Approve the entry under review (the data authority's decision without an opinion)."""
    return catalog_entry_review(actor=actor, entry=entry, approve=True)


@transaction.atomic
def change_trigger_raise(*, actor: Actor, entry: CatalogEntry, reason: str) -> ChangeTrigger:
    """Record that the entry must be updated (职能调整、数据项变化、纠错…): due in ``CHANGE_LIMIT_DAYS`` working
    days, resolved by the next published version. Raised by the provider's data manager or the data authority."""
    if not has_perm(actor, "data.review", entry.provider):
        require(actor, "data.manage", entry.provider, target=entry)
    reason = reason.strip()
    if not reason:
        raise Rejected("reason_required", _("请填写变更事由"), field="reason")
    today = beijing_today()
    trigger = ChangeTrigger.objects.create(
        entry=entry,
        reason=reason,
        raised_on=today,
        due_date=add_days(today, CHANGE_LIMIT_DAYS).due,
        raised_by=_user_or_none(actor),
    )
    audit_record(
        actor=actor,
        action="data.change_trigger",
        target=entry,
        org_unit=entry.provider,
        detail={"trigger": trigger.pk, "due": trigger.due_date.isoformat()},
    )
    return trigger


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


# --- data behind an entry ------------------------------------------------------------------------


def _file_format(upload: UploadedFile) -> str:
    mime = validate_upload(upload, get_purpose("dataset"))
    return "XLSX" if mime == XLSX else "CSV"


def _sm3_of(stream: IO[bytes]) -> tuple[str, int]:
    stream.seek(0)
    digest = hashes.Hash(hashes.SM3())
    size = 0
    while chunk := stream.read(64 * 1024):
        digest.update(chunk)
        size += len(chunk)
    stream.seek(0)
    return digest.finalize().hex(), size


@transaction.atomic
def data_table_load(*, actor: Actor, entry: CatalogEntry, upload: UploadedFile) -> DataTable:
    """Load an uploaded CSV/XLSX as the next data version of ``entry``.

    The file passes the platform's upload checks (purpose "dataset"), then every row is checked against the
    entry's data items; any error → :class:`LoadRejected` listing every error and nothing is loaded (the new
    table and its record are rolled back with the transaction). On success the load becomes the current
    version, with its row count and the SM3 digest of the file."""
    require(actor, "data.manage", entry.provider, target=entry)
    entry = CatalogEntry.objects.select_for_update().get(pk=entry.pk)
    items = list(entry.items.order_by("position"))
    if not items:
        raise Rejected("items_required", _("请先登记数据项，再上传数据"), field="file")
    file_format = _file_format(upload)
    stream: IO[bytes] = upload.file  # type: ignore[assignment]  # validate_upload refused a missing file
    digest, size = _sm3_of(stream)
    previous = DataTable.objects.filter(entry=entry).order_by("-version").first()
    table = DataTable(
        entry=entry,
        version=(previous.version if previous else 0) + 1,
        table_name=rows.new_table_name(),
        columns=rows.columns_for(items),
        row_count=0,
        sm3=digest,
        source_name=(upload.name or "")[:255],
        source_format=file_format,
        source_size=size,
        is_current=True,
        loaded_by=_user_or_none(actor),
    )
    rows.create_table(table)
    writer = rows.RowWriter(table)
    checked = loading.CheckedRows(source=loading.read_table(stream, file_format), columns=table.columns, errors=[])
    for values in checked.rows():
        if not checked.total_errors:
            writer.add(values)
    if checked.total_errors:
        raise loading.LoadRejected(checked.errors, total=checked.total_errors, rows_checked=checked.rows_checked)
    writer.flush()
    rows.create_indexes(table)
    table.row_count = writer.count
    DataTable.objects.filter(entry=entry, is_current=True).update(is_current=False)
    table.save()
    CatalogEntry.objects.filter(pk=entry.pk).update(modified_at=timezone.now())
    audit_record(
        actor=actor,
        action="data.table_load",
        target=entry,
        org_unit=entry.provider,
        detail={"version": table.version, "rows": table.row_count, "sm3": digest, "format": file_format},
    )
    return table


@transaction.atomic
def provider_api_register(*, actor: Actor, entry: CatalogEntry, url: str, description: str) -> Resource:
    """Register the provider's own interface for the entry (a distribution of format "API")."""
    require(actor, "data.manage", entry.provider, target=entry)
    url = url.strip()
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        raise Rejected("invalid_url", _("接口地址应为以 http:// 或 https:// 开头的网址"), field="url") from None
    if not description.strip():
        raise Rejected("description_required", _("请填写接口说明（调用方式、参数、返回内容）"), field="description")
    return resource_add(
        actor=actor, entry=entry, name=_("提供单位接口"), format="API", url=url, description=description
    )


# --- conditional-open applications (有条件开放) ---------------------------------------------------


@transaction.atomic
def opendata_apply(
    *, actor: Actor, entry: CatalogEntry, organization: str, purpose: str, contact: str
) -> OpenDataApplication:
    """A signed-in user applies to use a conditionally open dataset; the provider decides."""
    if not isinstance(actor, User) or not actor.is_authenticated:
        raise Rejected("login_required", _("请先登录后再申请"))
    if entry.version == 0 or entry.open_type != OpenType.CONDITIONAL:
        raise Rejected("not_conditional", _("该数据集不是有条件开放数据集，无需申请"))
    values = {"organization": organization.strip(), "purpose": purpose.strip(), "contact": contact.strip()}
    labels = {"organization": _("申请单位或个人"), "purpose": _("使用目的"), "contact": _("联系方式")}
    for key, value in values.items():
        if not value:
            raise Rejected("required", _("请填写%(f)s") % {"f": labels[key]}, field=key)
    if len(values["organization"]) > 200 or len(values["contact"]) > 100:
        raise Rejected("too_long", _("申请单位或联系方式过长"), field="organization")
    if OpenDataApplication.objects.filter(entry=entry, applicant=actor, status=ApplicationStatus.PENDING).exists():
        raise Conflict("application_pending", _("您已提交过该数据集的申请，请等待提供单位审核"))
    application = OpenDataApplication.objects.create(entry=entry, applicant=actor, **values)
    audit_record(
        actor=actor,
        action="data.open_apply",
        target=application,
        org_unit=entry.provider,
        detail={"entry": str(entry.pk)},
    )
    return application


#: How long an approved application lets the applicant use the data unless the provider says otherwise.
APPLICATION_VALID_DAYS = 365


@transaction.atomic
def opendata_decide(
    *, actor: Actor, application: OpenDataApplication, approve: bool, opinion: str = ""
) -> OpenDataApplication:
    """The provider's data manager approves (valid for a year) or refuses (with reasons) an application."""
    require(actor, "data.manage", application.entry.provider, target=application)
    application = OpenDataApplication.objects.select_for_update().select_related("entry").get(pk=application.pk)
    if application.status != ApplicationStatus.PENDING:
        raise Conflict("application_state", _("该申请已审核，请刷新后查看"))
    opinion = opinion.strip()
    if not approve and not opinion:
        raise Rejected("opinion_required", _("不同意时请写明理由"), field="opinion")
    application.status = ApplicationStatus.APPROVED if approve else ApplicationStatus.REFUSED
    application.opinion = opinion
    application.decided_by = _user_or_none(actor)
    application.decided_at = timezone.now()
    if approve:
        application.valid_until = timezone.localdate() + dt.timedelta(days=APPLICATION_VALID_DAYS)
    application.save()
    audit_record(
        actor=actor,
        action="data.open_approve" if approve else "data.open_refuse",
        target=application,
        org_unit=application.entry.provider,
    )
    return application
