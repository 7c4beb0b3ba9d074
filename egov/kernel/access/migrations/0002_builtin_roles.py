"""The built-in roles, including the three separated administrator roles (三员分立).

The definitions are copied here, not imported, so this migration keeps meaning what it meant when it ran.
"""

from django.db import migrations

# code, name, description, permissions, covers_subunits_default
BUILTIN_ROLES = [
    (
        "sysadmin",
        "系统管理员",
        "三员之一：维护组织机构、用户账号、系统参数与消息模板；不能分配角色，不能查看审计日志。",
        ["orgs.view", "orgs.manage", "accounts.manage_users", "system.configure", "notify.manage_templates"],
        True,
    ),
    (
        "secadmin",
        "安全管理员",
        "三员之一：分配角色、管理口令与锁定策略、解锁账号；不能查看审计日志。",
        ["access.assign_roles", "security.manage_policy"],
        True,
    ),
    (
        "auditor",
        "审计管理员",
        "三员之一：查看和导出审计日志；不能修改任何数据。",
        ["audit.view", "audit.export"],
        True,
    ),
    ("handler", "业务经办人", "受理和办理本机构的业务。", ["workflow.handle", "services.accept", "orgs.view"], False),
    (
        "office_head",
        "科室负责人",
        "办理、督办本科室业务，可查看完整个人信息（留痕）。",
        ["workflow.handle", "workflow.supervise", "orgs.view", "accounts.reveal_personal_data"],
        True,
    ),
    (
        "leader",
        "单位领导",
        "办理、督办并查看本单位全部办件和决策分析。",
        ["workflow.handle", "workflow.supervise", "workflow.view_all", "insight.view", "orgs.view"],
        True,
    ),
    ("editor", "网站编辑", "编辑本单位网站内容，提交审核。", ["portal.edit"], False),
    ("chief_editor", "网站主编", "编辑并发布本单位网站内容。", ["portal.edit", "portal.publish"], False),
    (
        "agent",
        "代办员",
        "全程代办：跨部门跟办一件事直至办结。",
        ["services.agent", "workflow.handle", "orgs.view"],
        False,
    ),
    ("data_admin", "数据管理员", "管理本单位的信息资源目录与共享。", ["data.manage", "orgs.view"], True),
]


def create_builtin_roles(apps, schema_editor):
    Role = apps.get_model("access", "Role")
    for code, name, description, permissions, covers_subunits in BUILTIN_ROLES:
        Role.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "description": description,
                "permissions": permissions,
                "is_builtin": True,
                "covers_subunits_default": covers_subunits,
            },
        )


def remove_builtin_roles(apps, schema_editor):
    Role = apps.get_model("access", "Role")
    Role.objects.filter(code__in=[row[0] for row in BUILTIN_ROLES], is_builtin=True, assignments__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("access", "0001_roles_and_assignments"),
    ]

    operations = [
        migrations.RunPython(create_builtin_roles, remove_builtin_roles),
    ]
