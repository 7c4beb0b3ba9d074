"""Writes to the service item catalogue.

Permission: catalogue edits require "services.manage_catalogue" at the item's implementing unit (role 事项管理员).
Published versions are never modified: an edit is a new draft, publishing it retires the previous version,
and cases keep pointing at the version they were submitted under.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from egov.domain.services.forms_schema import validate_form_definition
from egov.domain.services.models import (
    FeeItem,
    LifeEvent,
    Material,
    ServiceItem,
    ServiceItemVersion,
    Theme,
    VersionStatus,
)
from egov.domain.services.search import SEARCH_TYPE
from egov.kernel.access.policy import require
from egov.kernel.audit.services import audit_record
from egov.kernel.errors import Conflict, Rejected
from egov.kernel.orgs.models import OrgUnit
from egov.kernel.search.services import schedule_reindex

CATALOGUE_PERM = "services.manage_catalogue"


@dataclass(frozen=True)
class MaterialSpec:
    name: str
    acceptance_standard: str
    necessity: str = "必要"
    condition: str = ""
    form: str = "原件"
    copies: int = 1
    source: str = "申请人自备"
    instructions: str = ""
    blank_form_id: Any = None
    sample_id: Any = None


@dataclass(frozen=True)
class FeeSpec:
    name: str
    standard: str
    basis: str
    reducible: bool = False


@dataclass(frozen=True)
class Guide:
    """Every §5 element of one version, as the catalogue editor (or the demo data) gives it."""

    item_type: str
    legal_basis: str
    exercise_level: str
    audience: str
    case_kind: str
    conditions: str
    statutory_limit: int
    promised_limit: int
    handling_forms: str
    place: str
    hours: str
    consult: str
    complaint: str
    result_name: str
    result_type: str
    general_scope: str
    form_definition: dict[str, Any]
    statutory_limit_unit: str = "工作日"
    promised_limit_unit: str = "工作日"
    visits: int = 0
    special_procedures: str = ""
    charged: bool = False
    fee_basis: str = ""
    process_steps: list[dict[str, str]] = field(default_factory=list)
    joint_units: str = ""
    online: bool = True
    online_depth: int = 3
    process_key: str = ""
    materials: list[MaterialSpec] = field(default_factory=list)
    fees: list[FeeSpec] = field(default_factory=list)
    theme_codes: list[str] = field(default_factory=list)
    life_event_codes: list[str] = field(default_factory=list)


_RELATED = {"materials", "fees", "theme_codes", "life_event_codes"}


def _check_guide(guide: Guide) -> None:
    try:
        validate_form_definition(guide.form_definition)
    except ValidationError as exc:
        raise Rejected(
            "form_definition", "申请表单定义有误：" + "；".join(exc.messages), field="form_definition"
        ) from None
    if guide.promised_limit > guide.statutory_limit and guide.promised_limit_unit == guide.statutory_limit_unit:
        raise Rejected("promised_limit", "承诺办结时限不能长于法定办结时限", field="promised_limit")
    if guide.charged and not guide.fees:
        raise Rejected("fees", "收费事项应列明收费项目、标准和依据", field="fees")
    if not guide.charged and guide.fees:
        raise Rejected("fees", "不收费事项不应列出收费项目", field="fees")
    if not guide.materials:
        raise Rejected("materials", "请至少列出一项申请材料", field="materials")


def _write_guide(version: ServiceItemVersion, guide: Guide) -> None:
    for spec in fields(guide):
        if spec.name not in _RELATED:
            setattr(version, spec.name, getattr(guide, spec.name))
    version.save()
    version.materials.all().delete()
    version.fees.all().delete()
    Material.objects.bulk_create(
        Material(
            version=version,
            position=position,
            name=m.name,
            necessity=m.necessity,
            condition=m.condition,
            form=m.form,
            copies=m.copies,
            source=m.source,
            instructions=m.instructions,
            acceptance_standard=m.acceptance_standard,
            blank_form_id=m.blank_form_id,
            sample_id=m.sample_id,
        )
        for position, m in enumerate(guide.materials, start=1)
    )
    FeeItem.objects.bulk_create(
        FeeItem(
            version=version, position=position, name=f.name, standard=f.standard, basis=f.basis, reducible=f.reducible
        )
        for position, f in enumerate(guide.fees, start=1)
    )
    themes = list(Theme.objects.filter(code__in=guide.theme_codes))
    if len(themes) != len(set(guide.theme_codes)):
        missing = sorted(set(guide.theme_codes) - {t.code for t in themes})
        raise Rejected("themes", f"办事主题不存在：{'、'.join(missing)}", field="theme_codes")
    events = list(LifeEvent.objects.filter(code__in=guide.life_event_codes))
    if len(events) != len(set(guide.life_event_codes)):
        missing = sorted(set(guide.life_event_codes) - {e.code for e in events})
        raise Rejected("life_events", f"生命周期事件不存在：{'、'.join(missing)}", field="life_event_codes")
    version.themes.set(themes)
    version.life_events.set(events)


@transaction.atomic
def item_create(*, actor: Any, basic_code: str, code: str, name: str, org_unit: OrgUnit) -> ServiceItem:
    """Register an item's stable identity; its guide comes with the first version."""
    require(actor, CATALOGUE_PERM, org_unit)
    code, name, basic_code = code.strip(), name.strip(), basic_code.strip()
    if not code or not name or not basic_code:
        raise Rejected("item_required", "请填写基本编码、实施编码和事项名称")
    if ServiceItem.objects.filter(code=code).exists():
        raise Rejected("code_taken", f"实施编码“{code}”已被使用", field="code")
    item = ServiceItem.objects.create(basic_code=basic_code, code=code, name=name, org_unit=org_unit)
    audit_record(actor=actor, action="services.item_create", target=item, org_unit=org_unit)
    return item


@transaction.atomic
def item_version_create_draft(*, actor: Any, item: ServiceItem, guide: Guide) -> ServiceItemVersion:
    """Start the next version of an item (one draft at a time)."""
    require(actor, CATALOGUE_PERM, item.org_unit, target=item)
    item = ServiceItem.objects.select_for_update().get(pk=item.pk)
    if item.versions.filter(status=VersionStatus.DRAFT).exists():
        raise Conflict("draft_exists", "该事项已有未发布的草稿，请在草稿上修改")
    _check_guide(guide)
    number = (item.versions.aggregate(top=Max("number"))["top"] or 0) + 1
    version = ServiceItemVersion(item=item, number=number, status=VersionStatus.DRAFT)
    _write_guide(version, guide)
    audit_record(
        actor=actor, action="services.version_create", target=version, org_unit=item.org_unit, detail={"number": number}
    )
    return version


@transaction.atomic
def item_version_update(*, actor: Any, version: ServiceItemVersion, guide: Guide) -> ServiceItemVersion:
    """Replace a draft's guide; published and retired versions are frozen."""
    require(actor, CATALOGUE_PERM, version.item.org_unit, target=version)
    version = ServiceItemVersion.objects.select_for_update().select_related("item").get(pk=version.pk)
    if version.status != VersionStatus.DRAFT:
        raise Conflict("version_frozen", "已发布或已停用的版本不能修改，请新建草稿")
    _check_guide(guide)
    _write_guide(version, guide)
    audit_record(actor=actor, action="services.version_update", target=version, org_unit=version.item.org_unit)
    return version


@transaction.atomic
def item_version_publish(*, actor: Any, version: ServiceItemVersion) -> ServiceItemVersion:
    """Publish a draft: the previous published version is retired and the item points at this one."""
    require(actor, CATALOGUE_PERM, version.item.org_unit, target=version)
    item = ServiceItem.objects.select_for_update().get(pk=version.item_id)
    version = ServiceItemVersion.objects.select_for_update().get(pk=version.pk)
    if version.status != VersionStatus.DRAFT:
        raise Conflict("not_draft", "只有草稿可以发布，该版本状态已变化，请刷新后重试")
    now = timezone.now()
    retired = item.versions.filter(status=VersionStatus.PUBLISHED).update(status=VersionStatus.RETIRED, retired_at=now)
    version.status = VersionStatus.PUBLISHED
    version.published_at = now
    version.save(update_fields=["status", "published_at", "updated_at"])
    item.current_version = version
    item.save(update_fields=["current_version"])
    audit_record(
        actor=actor,
        action="services.version_publish",
        target=version,
        org_unit=item.org_unit,
        detail={"number": version.number, "retired": retired},
    )
    schedule_reindex(object_type=SEARCH_TYPE, object_id=str(item.pk))
    return version


@transaction.atomic
def theme_save(*, actor: Any, code: str, name: str, audience: str, sort_order: int = 0) -> Theme:
    require(actor, CATALOGUE_PERM)
    theme, created = Theme.objects.update_or_create(
        code=code, defaults={"name": name, "audience": audience, "sort_order": sort_order}
    )
    audit_record(actor=actor, action="services.theme_save", target=theme, detail={"created": created})
    return theme


@transaction.atomic
def life_event_save(
    *, actor: Any, code: str, name: str, audience: str, description: str = "", sort_order: int = 0
) -> LifeEvent:
    require(actor, CATALOGUE_PERM)
    event, created = LifeEvent.objects.update_or_create(
        code=code, defaults={"name": name, "audience": audience, "description": description, "sort_order": sort_order}
    )
    audit_record(actor=actor, action="services.life_event_save", target=event, detail={"created": created})
    return event
