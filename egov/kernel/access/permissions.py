"""The permission registry: every permission is a code-defined string ``"<app>.<action>"``.

Permissions live in code, not in a table, so a typo is a failing test rather than a silently empty grant,
and the list an auditor reviews is the list the code checks.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError

PERMISSIONS: dict[str, str] = {
    "orgs.view": "查看组织机构",
    "orgs.manage": "管理组织机构",
    "accounts.manage_users": "管理用户账号",
    "accounts.reveal_personal_data": "查看完整个人信息",
    "access.assign_roles": "分配角色",
    "audit.view": "查看审计日志",
    "audit.export": "导出审计日志",
    "security.manage_policy": "管理安全策略（口令、锁定、解锁账号）",
    "workflow.handle": "办理业务",
    "workflow.supervise": "督办业务",
    "workflow.view_all": "查看全部办件",
    "portal.edit": "编辑网站内容",
    "portal.publish": "发布网站内容",
    "portal.review": "审核网站内容（初审、复审、终审）",
    "portal.inspect": "查看网站检查报告",
    "services.accept": "受理政务服务事项",
    "services.agent": "全程代办",
    "services.manage_catalogue": "管理政务服务事项实施清单",
    "services.rectify": "处理差评整改",
    "data.manage": "管理数据资源",
    "data.review": "审核数据目录与共享申请（数据主管部门）",
    "data.request": "申请共享数据",
    "insight.view": "查看决策分析",
    "system.configure": "配置系统（系统参数、节假日日历）",
    "notify.manage_templates": "管理消息模板",
}

#: Permissions that only read. Everything else counts as a write — a new permission is a write until
#: someone deliberately lists it here, so the auditor can never silently gain one.
READ_ONLY_PERMISSIONS: frozenset[str] = frozenset(
    {"orgs.view", "audit.view", "audit.export", "workflow.view_all", "insight.view", "portal.inspect"}
)

#: Reading the audit log: the auditor's alone (三员分立); not even a break-glass superuser holds these.
AUDIT_PERMISSIONS: frozenset[str] = frozenset({"audit.view", "audit.export"})

#: The three separated administrator roles (三员分立): 系统管理员, 安全管理员, 审计管理员.
SEPARATED_ADMIN_ROLES: frozenset[str] = frozenset({"sysadmin", "secadmin", "auditor"})


def permission_label(code: str) -> str:
    return PERMISSIONS.get(code, code)


def validate_permission_codes(value: object) -> None:
    """Validator for ``Role.permissions``: a list of registered codes, none repeated."""
    if not isinstance(value, list) or not all(isinstance(code, str) for code in value):
        raise ValidationError("权限必须是权限代码的列表", code="invalid")
    unknown = sorted(set(value) - PERMISSIONS.keys())
    if unknown:
        raise ValidationError("未知的权限：%(codes)s", code="unknown_permission", params={"codes": "、".join(unknown)})
    if len(set(value)) != len(value):
        raise ValidationError("权限不能重复", code="duplicate_permission")


def separation_violation(role_permissions: dict[str, frozenset[str]]) -> str | None:
    """Check one user's set of roles (role code → its permissions) against 三员分立.

    Returns the Chinese reason when the combination is not allowed, else None. Two rules: nobody holds
    two of the three administrator roles, and whoever can read the audit log can change nothing — so the
    auditor's own role has no write permission and cannot be combined with a role that has one.
    """
    admin_roles = SEPARATED_ADMIN_ROLES & role_permissions.keys()
    if len(admin_roles) > 1:
        return "三员分立：系统管理员、安全管理员、审计管理员不能由同一人兼任"
    held = frozenset().union(*role_permissions.values()) if role_permissions else frozenset()
    if held & AUDIT_PERMISSIONS and held - READ_ONLY_PERMISSIONS:
        return "三员分立：可以查看审计日志的人员不能拥有任何修改数据的权限"
    return None
