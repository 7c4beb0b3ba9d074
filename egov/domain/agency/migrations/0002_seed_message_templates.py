"""Default wording of the agency events (代办分配, 催办, 办件留言, 差评整改); administrators may edit it afterwards.

Copied definitions, not imports, so the migration keeps meaning what it meant when it ran.
"""

from django.db import migrations

CASE = ["case_title", "case_number"]
AGENT = [*CASE, "agent", "agent_unit"]
CHASE = [*CASE, "task_name", "org_unit", "deadline", "state", "agent", "note"]
MESSAGE = [*CASE, "author"]
RECTIFICATION = [*CASE, "level", "deadline"]
RECTIFIED = [*CASE, "result"]
# (event, channel, name, subject, body, variables, default_enabled, optional)
TEMPLATES = [
    (
        "agency.assigned",
        "inapp",
        "新代办办件",
        "新代办办件：{{ case_title }}",
        "办件《{{ case_title }}》（{{ case_number }}）已分配给您全程代办，请及时跟进各环节办理情况。",
        AGENT,
        True,
        True,
    ),
    (
        "agency.assigned",
        "email",
        "新代办办件",
        "【兴安盟政务】新代办办件：{{ case_title }}",
        "您好：\n\n办件《{{ case_title }}》（{{ case_number }}）已分配给您全程代办，请登录政务内网跟进办理。"
        "\n\n兴安盟一体化电子政务平台",
        AGENT,
        True,
        True,
    ),
    (
        "agency.agent_for_applicant",
        "inapp",
        "代办员告知",
        "您的代办员：{{ agent }}",
        "您申请的{{ case_title }}（{{ case_number }}）由{{ agent_unit }}代办员{{ agent }}全程代办，"
        "办理中有任何问题可通过办件留言与代办员联系。",
        AGENT,
        True,
        True,
    ),
    (
        "agency.agent_for_applicant",
        "sms",
        "代办员告知",
        "",
        "您申请的{{ case_title }}（{{ case_number }}）由代办员{{ agent }}全程代办，可在网上办事大厅办件留言中联系。",
        AGENT,
        False,
        True,
    ),
    (
        "agency.chase",
        "inapp",
        "代办员催办",
        "催办：{{ case_title }}",
        "代办员{{ agent }}催办：办件《{{ case_title }}》（{{ case_number }}）的“{{ task_name }}”环节"
        "（{{ org_unit }}）{{ state }}，到期日 {{ deadline }}，请尽快办理。{% if note %}说明：{{ note }}{% endif %}",
        CHASE,
        True,
        False,
    ),
    (
        "agency.chase",
        "email",
        "代办员催办",
        "【催办】{{ case_title }}",
        "您好：\n\n代办员{{ agent }}催办：办件《{{ case_title }}》（{{ case_number }}）的“{{ task_name }}”环节"
        "（{{ org_unit }}）{{ state }}，到期日 {{ deadline }}，请尽快办理。{% if note %}\n说明：{{ note }}{% endif %}"
        "\n\n兴安盟一体化电子政务平台",
        CHASE,
        True,
        True,
    ),
    (
        "agency.message",
        "inapp",
        "办件留言",
        "办件留言：{{ case_title }}",
        "{{ author }}就办件《{{ case_title }}》（{{ case_number }}）给您留言，请查看并回复。",
        MESSAGE,
        True,
        True,
    ),
    (
        "agency.message",
        "sms",
        "办件留言",
        "",
        "您的办件{{ case_number }}有新留言，请登录兴安盟网上办事大厅查看。",
        MESSAGE,
        False,
        True,
    ),
    (
        "agency.rectification_opened",
        "inapp",
        "差评整改",
        "差评整改：{{ case_title }}",
        "办件《{{ case_title }}》（{{ case_number }}）收到“{{ level }}”评价，请核实情况并于 {{ deadline }} 前完成整改、"
        "回访申请人。",
        RECTIFICATION,
        True,
        False,
    ),
    (
        "agency.rectification_opened",
        "email",
        "差评整改",
        "【差评整改】{{ case_title }}",
        "您好：\n\n办件《{{ case_title }}》（{{ case_number }}）收到“{{ level }}”评价，请核实情况并于 {{ deadline }} 前"
        "完成整改、回访申请人。\n\n兴安盟一体化电子政务平台",
        RECTIFICATION,
        True,
        True,
    ),
    (
        "agency.rectified",
        "inapp",
        "整改结果告知",
        "整改结果：{{ case_title }}",
        "您对{{ case_title }}（{{ case_number }}）的评价已整改：{{ result }}。欢迎您再次评价。",
        RECTIFIED,
        True,
        True,
    ),
    (
        "agency.rectified",
        "sms",
        "整改结果告知",
        "",
        "您对办件{{ case_number }}的评价已整改，欢迎登录兴安盟网上办事大厅再次评价。",
        RECTIFIED,
        True,
        True,
    ),
]


def seed(apps, schema_editor):
    MessageTemplate = apps.get_model("notify", "MessageTemplate")
    for event, channel, name, subject, body, variables, default_enabled, optional in TEMPLATES:
        MessageTemplate.objects.update_or_create(
            event=event,
            channel=channel,
            defaults={
                "name": name,
                "subject": subject,
                "body": body,
                "variables": variables,
                "default_enabled": default_enabled,
                "optional": optional,
            },
        )


def unseed(apps, schema_editor):
    MessageTemplate = apps.get_model("notify", "MessageTemplate")
    for event, channel, *_rest in TEMPLATES:
        MessageTemplate.objects.filter(event=event, channel=channel).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("agency", "0001_agents_messages_evaluations"),
        ("notify", "0002_seed_default_templates"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
