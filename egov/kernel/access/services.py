"""Granting and revoking roles — the security administrator's work (三员分立: 安全管理员 assigns roles)."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from egov.kernel.access.models import Role, RoleAssignment
from egov.kernel.access.permissions import separation_violation
from egov.kernel.access.policy import clear_cache, require
from egov.kernel.accounts.models import User, UserKind
from egov.kernel.audit.services import audit_record
from egov.kernel.errors import Conflict, NotFound, Rejected
from egov.kernel.orgs.models import OrgUnit


@transaction.atomic
def role_assign(
    *,
    actor: User,
    user: User,
    role_code: str,
    org_unit: OrgUnit,
    include_subunits: bool | None = None,
    valid_until: datetime | None = None,
) -> RoleAssignment:
    """Give ``user`` the role at ``org_unit``; ``include_subunits`` None means the role's default.

    Re-granting an expired assignment renews it; granting one that is still current is refused.
    """
    require(actor, "access.assign_roles", org_unit, target=user)
    role = Role.objects.filter(code=role_code).first()
    if role is None:
        raise Rejected("role_unknown", "角色不存在", field="role")
    if actor.pk == user.pk:
        raise Rejected("self_grant", "不能为自己分配角色", field="user")
    if valid_until is not None and valid_until <= timezone.now():
        raise Rejected("valid_until_past", "有效期必须晚于当前时间", field="valid_until")
    # Lock the grantee so two concurrent grants cannot each pass the separation check alone.
    grantee = User.objects.select_for_update().get(pk=user.pk)
    if not grantee.is_active:
        raise Rejected("user_inactive", "该用户已停用，不能分配角色", field="user")
    if grantee.kind != UserKind.STAFF:
        raise Rejected("user_not_staff", "只能为公职人员分配角色", field="user")

    now = timezone.now()
    current = (
        RoleAssignment.objects.filter(user=grantee)
        .exclude(valid_until__lte=now)
        .exclude(role=role, org_unit=org_unit)
        .select_related("role")
    )
    held = {assignment.role.code: frozenset(assignment.role.permissions) for assignment in current}
    held[role.code] = held.get(role.code, frozenset()) | frozenset(role.permissions)
    reason = separation_violation(held)
    if reason:
        raise Rejected("separation_of_duties", reason, field="role")

    subunits = role.covers_subunits_default if include_subunits is None else include_subunits
    assignment = RoleAssignment.objects.select_for_update().filter(user=grantee, role=role, org_unit=org_unit).first()
    if assignment is not None and not assignment.is_expired:
        raise Conflict("already_assigned", "该用户在此机构已拥有该角色")
    if assignment is None:
        assignment = RoleAssignment(role=role, org_unit=org_unit)
    assignment.user = user  # the caller's object, so revoking through this assignment refreshes its cache
    assignment.include_subunits = subunits
    assignment.valid_until = valid_until
    assignment.granted_by = actor
    assignment.granted_at = now
    assignment.save()

    audit_record(
        actor=actor,
        action="access.role_assign",
        target=assignment,
        org_unit=org_unit,
        detail={
            "user_id": grantee.pk,
            "role": role.code,
            "include_subunits": subunits,
            "valid_until": valid_until.isoformat() if valid_until else None,
        },
    )
    clear_cache(user)
    return assignment


@transaction.atomic
def role_revoke(*, actor: User, assignment: RoleAssignment) -> None:
    """Take a role away. The row is deleted; the audit entry keeps who held what, where and until when."""
    require(actor, "access.assign_roles", assignment.org_unit, target=assignment)
    locked = RoleAssignment.objects.select_for_update().select_related("role", "user").filter(pk=assignment.pk).first()
    if locked is None:
        raise NotFound("assignment_gone", "该授权已被撤销，请刷新后重试")
    if locked.user_id == actor.pk:
        raise Rejected("self_revoke", "不能撤销自己的角色")
    audit_record(
        actor=actor,
        action="access.role_revoke",
        target=locked,
        target_repr=str(locked),
        org_unit=locked.org_unit,
        detail={
            "user_id": locked.user_id,
            "role": locked.role.code,
            "include_subunits": locked.include_subunits,
            "granted_by_id": locked.granted_by_id,
        },
    )
    locked.delete()
    clear_cache(assignment.user)
