"""Roles for the domain subsystems (service catalogue, portal review, data authority), and the permissions the
existing built-in roles gained with them.

Copied definitions, not imports, so the migration keeps meaning what it meant when it ran.
"""

from django.db import migrations

# code, name, description, permissions, covers_subunits_default
DOMAIN_ROLES = [
    (
        "catalogue_admin",
        "事项管理员",
        "维护本单位政务服务事项实施清单（办事指南、材料、表单、流程）。",
        ["services.manage_catalogue", "orgs.view"],
        True,
    ),
    (
        "portal_reviewer",
        "网站审核员",
        "审核本单位网站内容（初审、复审、终审），查看网站检查报告。",
        ["portal.edit", "portal.review", "portal.inspect"],
        False,
    ),
    (
        "data_authority",
        "数据主管部门审核员",
        "盟级数据主管部门：审核信息资源目录与共享申请。",
        ["data.review", "orgs.view"],
        True,
    ),
    (
        "office_head",
        "科室负责人",
        "办理、督办本科室业务，处理差评整改，可查看完整个人信息（留痕）。",
        ["workflow.handle", "workflow.supervise", "orgs.view", "accounts.reveal_personal_data", "services.rectify"],
        True,
    ),
    (
        "chief_editor",
        "网站主编",
        "编辑、审核并发布本单位网站内容，查看网站检查报告。",
        ["portal.edit", "portal.review", "portal.publish", "portal.inspect"],
        False,
    ),
    (
        "data_admin",
        "数据管理员",
        "管理本单位的信息资源目录，申请共享其他部门的数据。",
        ["data.manage", "data.request", "orgs.view"],
        True,
    ),
]


def create_domain_roles(apps, schema_editor):
    Role = apps.get_model("access", "Role")
    for code, name, description, permissions, covers_subunits in DOMAIN_ROLES:
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


def noop(apps, schema_editor):
    pass


class Migration(migrations.Migration):
    dependencies = [
        ("access", "0002_builtin_roles"),
    ]

    operations = [
        migrations.RunPython(create_domain_roles, noop),
    ]
