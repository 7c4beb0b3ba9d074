"""Writes to the organisation tree, positions (职务) and staff membership (任职).

Every function takes the acting user; ``actor=None`` means the system itself (the demo loader, data
migrations) and skips the permission check but is still audited. Managing units needs ``orgs.manage`` at
the unit concerned (for a new unit: at its parent).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, ProtectedError, Value
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext as _

from egov.kernel.errors import Conflict, NotFound, Rejected
from egov.kernel.identifiers import validate_division_code, validate_uscc
from egov.kernel.orgs.models import Membership, OrgKind, OrgUnit, Position

if TYPE_CHECKING:
    from egov.kernel.accounts.models import User

PATH_MAX_LENGTH: int = getattr(OrgUnit._meta.get_field("path"), "max_length", 255)

#: Which kind of unit may sit under which (None = at the top of the tree). Departments may stand alone
#: (vertically managed agencies such as the tax bureau are not under the League administration) or sit
#: under another department (detached branches); internal offices always belong to a department.
ALLOWED_PARENT_KINDS: dict[str, set[str | None]] = {
    OrgKind.LEAGUE: {None},
    OrgKind.COUNTY: {None, OrgKind.LEAGUE},
    OrgKind.DEPARTMENT: {None, OrgKind.LEAGUE, OrgKind.COUNTY, OrgKind.DEPARTMENT},
    OrgKind.OFFICE: {OrgKind.DEPARTMENT, OrgKind.OFFICE},
}


def _require_manage(actor: User | None, unit: OrgUnit | None, *, target: Any = None) -> None:
    if actor is None:
        return
    from egov.kernel.access.policy import require

    require(actor, "orgs.manage", unit, target=target)


def _audit(
    *,
    actor: User | None,
    action: str,
    target: Any,
    org_unit: OrgUnit | None,
    detail: dict[str, Any] | None = None,
    target_repr: str = "",
) -> None:
    # Imported here: the audit app sits beside this one in the kernel and imports org models itself.
    from egov.kernel.audit.services import audit_record

    audit_record(actor=actor, action=action, target=target, target_repr=target_repr, org_unit=org_unit, detail=detail)


def check_placement(*, kind: str, parent: OrgUnit | None) -> None:
    """Raise ``Rejected`` unless a unit of ``kind`` may sit under ``parent`` (shared with admin forms)."""
    if kind not in OrgKind.values:
        raise Rejected("org_kind_unknown", _("机构层级类型不正确"), field="kind")
    allowed = ALLOWED_PARENT_KINDS[kind]
    parent_kind = parent.kind if parent is not None else None
    if parent_kind in allowed:
        return
    kind_label = OrgKind(kind).label
    if parent is None:
        raise Rejected("org_parent_required", _("%(kind)s必须有上级机构") % {"kind": kind_label}, field="parent")
    allowed_labels = "、".join(str(k.label) for k in OrgKind if k in allowed)
    if not allowed_labels:
        raise Rejected("org_parent_forbidden", _("%(kind)s不能有上级机构") % {"kind": kind_label}, field="parent")
    raise Rejected(
        "org_parent_kind",
        _("%(kind)s的上级机构应为：%(allowed)s") % {"kind": kind_label, "allowed": allowed_labels},
        field="parent",
    )


def _clean_division_code(value: str) -> str:
    try:
        return validate_division_code(value)
    except ValidationError as exc:
        raise Rejected("org_division_code", exc.messages[0], field="division_code") from None


def _clean_uscc(value: str) -> str:
    if not value:
        return ""
    try:
        return validate_uscc(value)
    except ValidationError as exc:
        raise Rejected("org_uscc", exc.messages[0], field="uscc") from None


def _clean_text(value: str, *, field: str, label: str, required: bool = True) -> str:
    value = value.strip()
    if required and not value:
        raise Rejected(f"org_{field}_required", _("请填写%(label)s") % {"label": label}, field=field)
    max_length = getattr(OrgUnit._meta.get_field(field), "max_length", None)
    if max_length is not None and len(value) > max_length:
        raise Rejected(
            f"org_{field}_too_long",
            _("%(label)s不能超过%(max)d个字符") % {"label": label, "max": max_length},
            field=field,
        )
    return value


def _check_code_free(code: str, *, exclude_pk: int | None = None) -> None:
    units = OrgUnit.objects.filter(code=code)
    if exclude_pk is not None:
        units = units.exclude(pk=exclude_pk)
    if units.exists():
        raise Rejected("org_code_taken", _("机构代码“%(code)s”已被使用") % {"code": code}, field="code")


@transaction.atomic
def org_unit_create(
    *,
    name: str,
    code: str,
    kind: OrgKind | str,
    division_code: str,
    parent: OrgUnit | None = None,
    short_name: str = "",
    sort_order: int = 0,
    document_prefix: str = "",
    uscc: str = "",
    actor: User | None = None,
) -> OrgUnit:
    _require_manage(actor, parent, target=parent)
    kind = str(kind)
    check_placement(kind=kind, parent=parent)
    name = _clean_text(name, field="name", label=_("机构全称"))
    code = _clean_text(code, field="code", label=_("机构代码"))
    _check_code_free(code)
    if parent is not None:
        parent = OrgUnit.objects.select_for_update().get(pk=parent.pk)
    unit = OrgUnit(
        name=name,
        short_name=_clean_text(short_name, field="short_name", label=_("简称"), required=False),
        code=code,
        kind=kind,
        division_code=_clean_division_code(division_code),
        parent=parent,
        sort_order=sort_order,
        uscc=_clean_uscc(uscc),
        document_prefix=_clean_text(document_prefix, field="document_prefix", label=_("机关代字"), required=False),
        path="",
        depth=(parent.depth + 1) if parent else 0,
    )
    try:
        with transaction.atomic():
            unit.save()
    except IntegrityError:
        raise Conflict("org_code_taken", _("机构代码“%(code)s”已被使用") % {"code": code}, field="code") from None
    unit.path = f"{parent.path if parent else '/'}{unit.pk}/"
    if len(unit.path) > PATH_MAX_LENGTH:
        raise Rejected("org_too_deep", _("机构层级过深，无法再添加下级机构"), field="parent")
    unit.save(update_fields=["path"])
    _audit(actor=actor, action="orgs.unit_create", target=unit, org_unit=unit)
    return unit


@transaction.atomic
def org_unit_update(
    *,
    unit: OrgUnit,
    actor: User | None = None,
    name: str | None = None,
    short_name: str | None = None,
    code: str | None = None,
    kind: OrgKind | str | None = None,
    division_code: str | None = None,
    sort_order: int | None = None,
    uscc: str | None = None,
    document_prefix: str | None = None,
    is_active: bool | None = None,
) -> OrgUnit:
    """Change a unit's own attributes (None = leave as is). Moving to another parent is ``org_unit_move``."""
    _require_manage(actor, unit, target=unit)
    locked = OrgUnit.objects.select_for_update().filter(pk=unit.pk).first()
    if locked is None:
        raise NotFound("org_gone", _("该机构已不存在，请刷新后重试"))
    changes: dict[str, Any] = {}
    if name is not None:
        changes["name"] = _clean_text(name, field="name", label=_("机构全称"))
    if short_name is not None:
        changes["short_name"] = _clean_text(short_name, field="short_name", label=_("简称"), required=False)
    if code is not None:
        changes["code"] = _clean_text(code, field="code", label=_("机构代码"))
        _check_code_free(changes["code"], exclude_pk=locked.pk)
    if kind is not None and str(kind) != locked.kind:
        check_placement(kind=str(kind), parent=locked.parent)
        child_kinds = set(locked.children.values_list("kind", flat=True))
        if any(str(kind) not in ALLOWED_PARENT_KINDS[child_kind] for child_kind in child_kinds):
            raise Rejected("org_kind_children", _("该机构现有的下级机构不能隶属于此层级类型"), field="kind")
        changes["kind"] = str(kind)
    if division_code is not None:
        changes["division_code"] = _clean_division_code(division_code)
    if sort_order is not None:
        changes["sort_order"] = sort_order
    if uscc is not None:
        changes["uscc"] = _clean_uscc(uscc)
    if document_prefix is not None:
        changes["document_prefix"] = _clean_text(
            document_prefix, field="document_prefix", label=_("机关代字"), required=False
        )
    if is_active is not None:
        changes["is_active"] = is_active
    changed = {field: value for field, value in changes.items() if getattr(locked, field) != value}
    if not changed:
        return locked
    before = {field: getattr(locked, field) for field in changed}
    for field, value in changed.items():
        setattr(locked, field, value)
    locked.save(update_fields=list(changed))
    _audit(
        actor=actor,
        action="orgs.unit_update",
        target=locked,
        org_unit=locked,
        detail={"before": before, "after": changed},
    )
    return locked


@transaction.atomic
def org_unit_move(*, unit: OrgUnit, new_parent: OrgUnit, actor: User | None = None) -> OrgUnit:
    """Put ``unit`` (with everything under it) under ``new_parent``; every path in the subtree is rewritten
    in one UPDATE inside this transaction, so no reader ever sees half a move."""
    _require_manage(actor, unit, target=unit)
    _require_manage(actor, new_parent, target=unit)
    locked = OrgUnit.objects.select_for_update().filter(pk=unit.pk).first()
    if locked is None:
        raise NotFound("org_gone", _("该机构已不存在，请刷新后重试"))
    new_parent = OrgUnit.objects.select_for_update().get(pk=new_parent.pk)
    if new_parent.path.startswith(locked.path):
        raise Rejected("org_move_cycle", _("不能将机构移动到其自身或其下级机构之下"), field="parent")
    if locked.parent_id == new_parent.pk:
        return locked
    check_placement(kind=locked.kind, parent=new_parent)
    old_path, old_depth, old_parent_id = locked.path, locked.depth, locked.parent_id
    new_path = f"{new_parent.path}{locked.pk}/"
    subtree = OrgUnit.objects.filter(path__startswith=old_path)
    deepest = max(len(path) for path in subtree.select_for_update().values_list("path", flat=True))
    if deepest - len(old_path) + len(new_path) > PATH_MAX_LENGTH:
        raise Rejected("org_too_deep", _("移动后机构层级过深"), field="parent")
    depth_delta = new_parent.depth + 1 - old_depth
    subtree.update(
        path=Concat(Value(new_path), Substr("path", len(old_path) + 1)),
        depth=F("depth") + depth_delta,
    )
    OrgUnit.objects.filter(pk=locked.pk).update(parent=new_parent)
    locked.refresh_from_db()
    _audit(
        actor=actor,
        action="orgs.unit_move",
        target=locked,
        org_unit=locked,
        detail={"from_parent_id": old_parent_id, "to_parent_id": new_parent.pk},
    )
    return locked


@transaction.atomic
def org_unit_delete(*, unit: OrgUnit, actor: User | None = None) -> None:
    """Delete a unit nobody refers to; a unit with history must be deactivated instead (``is_active``)."""
    _require_manage(actor, unit, target=unit)
    locked = OrgUnit.objects.select_for_update().filter(pk=unit.pk).first()
    if locked is None:
        raise NotFound("org_gone", _("该机构已不存在，请刷新后重试"))
    if locked.children.exists():
        raise Rejected("org_has_children", _("该机构下还有下级机构，不能删除"))
    if locked.memberships.exists():
        raise Rejected("org_has_members", _("该机构还有任职人员，不能删除"))
    _audit(
        actor=actor,
        action="orgs.unit_delete",
        target=locked,
        org_unit=locked.parent,
        detail={"code": locked.code, "name": locked.name},
    )
    try:
        with transaction.atomic():
            locked.delete()
    except ProtectedError:
        raise Rejected("org_in_use", _("该机构已被其他业务数据引用，不能删除，请改为停用")) from None


def _clean_position_name(name: str) -> str:
    name = name.strip()
    if not name:
        raise Rejected("position_name_required", _("请填写职务名称"), field="name")
    if len(name) > getattr(Position._meta.get_field("name"), "max_length", 50):
        raise Rejected("position_name_too_long", _("职务名称不能超过50个字符"), field="name")
    return name


@transaction.atomic
def position_create(*, name: str, rank: int = 100, is_leader: bool = False, actor: User | None = None) -> Position:
    _require_manage(actor, None)
    name = _clean_position_name(name)
    if Position.objects.filter(name=name).exists():
        raise Rejected("position_exists", _("职务“%(name)s”已存在") % {"name": name}, field="name")
    try:
        with transaction.atomic():
            position = Position.objects.create(name=name, rank=rank, is_leader=is_leader)
    except IntegrityError:
        raise Conflict("position_exists", _("职务“%(name)s”已存在") % {"name": name}, field="name") from None
    _audit(actor=actor, action="orgs.position_create", target=position, org_unit=None)
    return position


@transaction.atomic
def position_update(
    *,
    position: Position,
    actor: User | None = None,
    name: str | None = None,
    rank: int | None = None,
    is_leader: bool | None = None,
) -> Position:
    _require_manage(actor, None)
    locked = Position.objects.select_for_update().filter(pk=position.pk).first()
    if locked is None:
        raise NotFound("position_gone", _("该职务已不存在，请刷新后重试"))
    changes: dict[str, Any] = {}
    if name is not None:
        changes["name"] = _clean_position_name(name)
        if Position.objects.filter(name=changes["name"]).exclude(pk=locked.pk).exists():
            raise Rejected("position_exists", _("职务“%(name)s”已存在") % {"name": changes["name"]}, field="name")
    if rank is not None:
        changes["rank"] = rank
    if is_leader is not None:
        changes["is_leader"] = is_leader
    changed = {field: value for field, value in changes.items() if getattr(locked, field) != value}
    if not changed:
        return locked
    before = {field: getattr(locked, field) for field in changed}
    for field, value in changed.items():
        setattr(locked, field, value)
    locked.save(update_fields=list(changed))
    _audit(
        actor=actor,
        action="orgs.position_update",
        target=locked,
        org_unit=None,
        detail={"before": before, "after": changed},
    )
    return locked


@transaction.atomic
def position_delete(*, position: Position, actor: User | None = None) -> None:
    _require_manage(actor, None)
    locked = Position.objects.select_for_update().filter(pk=position.pk).first()
    if locked is None:
        raise NotFound("position_gone", _("该职务已不存在，请刷新后重试"))
    if Membership.objects.filter(position=locked).exists():
        raise Rejected("position_in_use", _("仍有人员担任“%(name)s”，不能删除") % {"name": locked.name})
    _audit(actor=actor, action="orgs.position_delete", target=locked, org_unit=None, detail={"name": locked.name})
    locked.delete()


@transaction.atomic
def membership_add(
    *,
    user: User,
    org_unit: OrgUnit,
    position: Position | None = None,
    is_primary: bool = False,
    started_on: dt.date | None = None,
    actor: User | None = None,
) -> Membership:
    """Place a person in a unit. A person may belong to several units (兼职); exactly one is primary —
    the first membership always is, and marking another primary clears the flag on the others."""
    _require_manage(actor, org_unit, target=user)
    from egov.kernel.accounts.models import User as UserModel
    from egov.kernel.accounts.models import UserKind

    locked_user = UserModel.objects.select_for_update().get(pk=user.pk)
    if locked_user.kind != UserKind.STAFF:
        raise Rejected("membership_not_staff", _("只有公职人员可以加入机构"), field="user")
    if not org_unit.is_active:
        raise Rejected("membership_unit_inactive", _("该机构已停用，不能加入"), field="org_unit")
    existing = Membership.objects.filter(user=locked_user)
    if existing.filter(org_unit=org_unit).exists():
        raise Rejected("membership_exists", _("该人员已在“%(unit)s”任职") % {"unit": org_unit.name}, field="org_unit")
    is_primary = is_primary or not existing.exists()
    if is_primary:
        existing.filter(is_primary=True).update(is_primary=False)
    membership = Membership.objects.create(
        user=locked_user, org_unit=org_unit, position=position, is_primary=is_primary, started_on=started_on
    )
    _audit(
        actor=actor,
        action="orgs.membership_add",
        target=membership,
        org_unit=org_unit,
        detail={"user_id": locked_user.pk, "position": position.name if position else None, "is_primary": is_primary},
    )
    return membership


@transaction.atomic
def membership_update(
    *,
    membership: Membership,
    actor: User | None = None,
    position: Position | None = None,
    clear_position: bool = False,
    is_primary: bool | None = None,
    started_on: dt.date | None = None,
) -> Membership:
    """Change the position, primary flag or start date of a membership (the unit itself never changes:
    leaving one unit and joining another are two acts, each audited)."""
    _require_manage(actor, membership.org_unit, target=membership)
    locked = Membership.objects.select_for_update().filter(pk=membership.pk).first()
    if locked is None:
        raise NotFound("membership_gone", _("该任职记录已不存在，请刷新后重试"))
    changes: dict[str, Any] = {}
    if clear_position:
        changes["position_id"] = None
    elif position is not None:
        changes["position_id"] = position.pk
    if started_on is not None:
        changes["started_on"] = started_on
    if is_primary is not None:
        if not is_primary and locked.is_primary:
            raise Rejected(
                "membership_primary_required", _("每人须有一个主要任职，请将另一任职设为主要任职"), field="is_primary"
            )
        changes["is_primary"] = is_primary
    changed = {field: value for field, value in changes.items() if getattr(locked, field) != value}
    if not changed:
        return locked
    if changed.get("is_primary"):
        Membership.objects.filter(user_id=locked.user_id, is_primary=True).exclude(pk=locked.pk).update(
            is_primary=False
        )
    before = {field: getattr(locked, field) for field in changed}
    for field, value in changed.items():
        setattr(locked, field, value)
    locked.save(update_fields=[field.removesuffix("_id") for field in changed])
    _audit(
        actor=actor,
        action="orgs.membership_update",
        target=locked,
        org_unit=locked.org_unit,
        detail={"before": _json_safe(before), "after": _json_safe(changed)},
    )
    return locked


@transaction.atomic
def membership_remove(*, membership: Membership, actor: User | None = None) -> None:
    """End a membership; if it was the primary one, the person's earliest other membership becomes primary."""
    _require_manage(actor, membership.org_unit, target=membership)
    locked = Membership.objects.select_for_update().filter(pk=membership.pk).first()
    if locked is None:
        raise NotFound("membership_gone", _("该任职记录已不存在，请刷新后重试"))
    _audit(
        actor=actor,
        action="orgs.membership_remove",
        target=locked,
        target_repr=str(locked),
        org_unit=locked.org_unit,
        detail={"user_id": locked.user_id, "position_id": locked.position_id, "was_primary": locked.is_primary},
    )
    was_primary, user_id = locked.is_primary, locked.user_id
    locked.delete()
    if was_primary:
        successor = Membership.objects.filter(user_id=user_id).order_by("pk").first()
        if successor is not None:
            Membership.objects.filter(pk=successor.pk).update(is_primary=True)


def _json_safe(values: dict[str, Any]) -> dict[str, Any]:
    return {key: value.isoformat() if isinstance(value, dt.date) else value for key, value in values.items()}
