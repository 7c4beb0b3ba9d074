"""Default wording for the platform's events; administrators may edit it afterwards."""

from django.db import migrations

CASE = ["case_title", "case_number", "task_name", "deadline"]
# (event, channel, name, subject, body, variables, default_enabled, optional)
TEMPLATES = [
    (
        "accounts.sms_code",
        "sms",
        "短信验证码",
        "",
        "您的验证码为{{ code }}，{{ minutes }}分钟内有效。如非本人操作，请忽略本短信。",
        ["code", "minutes"],
        True,
        False,
    ),
    (
        "workflow.item_assigned",
        "inapp",
        "新待办提醒",
        "新待办：{{ case_title }}",
        "办件《{{ case_title }}》（{{ case_number }}）的“{{ task_name }}”环节已分派给您，请于 {{ deadline }} 前办理。",
        CASE,
        True,
        True,
    ),
    (
        "workflow.item_assigned",
        "email",
        "新待办提醒",
        "【兴安盟政务】新待办：{{ case_title }}",
        "您好：\n\n办件《{{ case_title }}》（{{ case_number }}）的“{{ task_name }}”环节已分派给您，"
        "请于 {{ deadline }} 前登录政务内网办理。\n\n兴安盟一体化电子政务平台",
        CASE,
        True,
        True,
    ),
    (
        "workflow.item_assigned",
        "sms",
        "新待办提醒",
        "",
        "您有新待办：{{ case_title }}（{{ case_number }}），请于{{ deadline }}前办理。",
        CASE,
        False,
        True,
    ),
    (
        "workflow.item_warning",
        "inapp",
        "临期预警（黄灯）",
        "黄灯预警：{{ case_title }}",
        "办件《{{ case_title }}》（{{ case_number }}）的“{{ task_name }}”环节即将到期（{{ deadline }}），请抓紧办理。",
        CASE,
        True,
        True,
    ),
    (
        "workflow.item_warning",
        "email",
        "临期预警（黄灯）",
        "【黄灯预警】{{ case_title }} 即将到期",
        "您好：\n\n办件《{{ case_title }}》（{{ case_number }}）的“{{ task_name }}”环节将于 {{ deadline }} 到期，"
        "请抓紧办理。\n\n兴安盟一体化电子政务平台",
        CASE,
        True,
        True,
    ),
    (
        "workflow.item_warning",
        "sms",
        "临期预警（黄灯）",
        "",
        "黄灯预警：{{ case_title }}（{{ case_number }}）将于{{ deadline }}到期，请抓紧办理。",
        CASE,
        False,
        True,
    ),
    (
        "workflow.item_overdue",
        "inapp",
        "超期提醒（红灯）",
        "红灯超期：{{ case_title }}",
        "办件《{{ case_title }}》（{{ case_number }}）的“{{ task_name }}”环节已超过办理期限（{{ deadline }}），请立即办理。",
        CASE,
        True,
        True,
    ),
    (
        "workflow.item_overdue",
        "email",
        "超期提醒（红灯）",
        "【红灯超期】{{ case_title }} 已超期",
        "您好：\n\n办件《{{ case_title }}》（{{ case_number }}）的“{{ task_name }}”环节已超过办理期限"
        "（{{ deadline }}），请立即办理。\n\n兴安盟一体化电子政务平台",
        CASE,
        True,
        True,
    ),
    (
        "workflow.item_overdue",
        "sms",
        "超期提醒（红灯）",
        "",
        "红灯超期：{{ case_title }}（{{ case_number }}）已超过办理期限{{ deadline }}，请立即办理。",
        CASE,
        True,
        True,
    ),
    (
        "workflow.case_completed",
        "inapp",
        "办结通知",
        "办结通知：{{ case_title }}",
        "您申请的《{{ case_title }}》（{{ case_number }}）已办结。办理结果：{{ result }}",
        ["case_title", "case_number", "result"],
        True,
        True,
    ),
    (
        "workflow.case_completed",
        "email",
        "办结通知",
        "【兴安盟政务】{{ case_title }} 已办结",
        "您好：\n\n您申请的《{{ case_title }}》（{{ case_number }}）已办结。办理结果：{{ result }}\n\n兴安盟一体化电子政务平台",
        ["case_title", "case_number", "result"],
        True,
        True,
    ),
    (
        "workflow.case_completed",
        "sms",
        "办结通知",
        "",
        "您申请的{{ case_title }}（{{ case_number }}）已办结，结果：{{ result }}。",
        ["case_title", "case_number", "result"],
        True,
        True,
    ),
    (
        "workflow.supervision",
        "inapp",
        "督办通知",
        "督办：{{ case_title }}",
        "{{ supervisor }}对办件《{{ case_title }}》（{{ case_number }}）发出督办，要求于 {{ deadline }} 前办结。"
        "{% if opinion %}督办意见：{{ opinion }}{% endif %}",
        ["case_title", "case_number", "supervisor", "opinion", "deadline"],
        True,
        True,
    ),
    (
        "workflow.supervision",
        "email",
        "督办通知",
        "【督办】{{ case_title }}",
        "您好：\n\n{{ supervisor }}对办件《{{ case_title }}》（{{ case_number }}）发出督办，要求于 {{ deadline }} 前办结。"
        "{% if opinion %}\n督办意见：{{ opinion }}{% endif %}\n\n兴安盟一体化电子政务平台",
        ["case_title", "case_number", "supervisor", "opinion", "deadline"],
        True,
        True,
    ),
    (
        "workflow.supervision",
        "sms",
        "督办通知",
        "",
        "督办：{{ case_title }}（{{ case_number }}）须于{{ deadline }}前办结。",
        ["case_title", "case_number", "supervisor", "opinion", "deadline"],
        True,
        True,
    ),
    (
        "notify.daily_digest",
        "email",
        "每日未读消息汇总",
        "【兴安盟政务】您有 {{ count }} 条未读消息",
        "{{ name }}，您好：\n\n您在政务内网有 {{ count }} 条未读消息：\n"
        '{% for item in messages %}- {{ item.subject }}（{{ item.created_at|date:"Y-m-d H:i" }}）\n{% endfor %}'
        "{% if more %}……另有 {{ more }} 条\n{% endif %}\n请登录查看：{{ inbox_url }}\n\n兴安盟一体化电子政务平台",
        ["name", "count", "messages", "more", "inbox_url"],
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
    dependencies = [("notify", "0001_create_templates_messages_preferences")]

    operations = [migrations.RunPython(seed, unseed)]
