"""Wording of the applicant notifications at every citizen-facing status (egov.domain.services.events)."""

from django.db import migrations

V = ["item_name", "case_number", "status", "detail", "promised_date", "unit_name"]
SITE = "兴安盟政务服务网"
# (kind, name, in-site subject, in-site body, sms body)
EVENTS = [
    (
        "submitted",
        "申请提交成功",
        "申请已提交：{{ item_name }}",
        "您申请的“{{ item_name }}”已提交，办件编号 {{ case_number }}，承诺办结日期 {{ promised_date }}。"
        "受理机构：{{ unit_name }}。{{ detail }}",
        "您申请的{{ item_name }}已提交，办件编号{{ case_number }}，承诺{{ promised_date }}前办结。",
    ),
    (
        "accepted",
        "申请已受理",
        "已受理：{{ item_name }}",
        "您申请的“{{ item_name }}”（{{ case_number }}）已由{{ unit_name }}受理，承诺办结日期 {{ promised_date }}。"
        "受理通知书可在“我的办件”中下载。",
        "您的{{ item_name }}（{{ case_number }}）已受理，承诺{{ promised_date }}前办结。",
    ),
    (
        "rejected",
        "不予受理",
        "不予受理：{{ item_name }}",
        "您申请的“{{ item_name }}”（{{ case_number }}）经{{ unit_name }}审查不予受理。理由：{{ detail }}。"
        "不予受理决定书可在“我的办件”中下载。",
        "您的{{ item_name }}（{{ case_number }}）不予受理，详见{{ site }}“我的办件”。",
    ),
    (
        "correction",
        "补正告知",
        "请补正材料：{{ item_name }}",
        "您申请的“{{ item_name }}”（{{ case_number }}）需要补正，{{ unit_name }}一次性告知如下：{{ detail }}。"
        "请在“我的办件”中在线提交补正材料，补正期间不计入办理时限。",
        "您的{{ item_name }}（{{ case_number }}）需补正材料，请登录{{ site }}“我的办件”查看并在线补正。",
    ),
    (
        "supplemented",
        "补正已提交",
        "补正已提交：{{ item_name }}",
        "您已提交“{{ item_name }}”（{{ case_number }}）的补正材料，{{ unit_name }}将重新审核。",
        "您的{{ item_name }}（{{ case_number }}）补正材料已提交，请等待审核。",
    ),
    (
        "approved",
        "准予许可",
        "已办结（准予）：{{ item_name }}",
        "您申请的“{{ item_name }}”（{{ case_number }}）已办结，{{ unit_name }}决定准予。"
        "决定书和证照可在“我的办件”中下载，也可选择邮寄或窗口领取。",
        "您的{{ item_name }}（{{ case_number }}）已办结并准予，请登录{{ site }}“我的办件”下载证照或选择领取方式。",
    ),
    (
        "denied",
        "不予许可",
        "已办结（不予）：{{ item_name }}",
        "您申请的“{{ item_name }}”（{{ case_number }}）已办结，{{ unit_name }}决定不予许可。理由：{{ detail }}。"
        "决定书可在“我的办件”中下载。",
        "您的{{ item_name }}（{{ case_number }}）已办结，结果为不予许可，详见{{ site }}“我的办件”。",
    ),
]


def seed(apps, schema_editor):
    MessageTemplate = apps.get_model("notify", "MessageTemplate")
    for kind, name, subject, body, sms in EVENTS:
        event = f"services.{kind}"
        sms = sms.replace("{{ site }}", SITE)
        for channel, subj, text in (("inapp", subject, body), ("sms", "", sms)):
            MessageTemplate.objects.update_or_create(
                event=event,
                channel=channel,
                defaults={
                    "name": name,
                    "subject": subj,
                    "body": text,
                    "variables": V,
                    "default_enabled": True,
                    "optional": True,
                },
            )


def unseed(apps, schema_editor):
    MessageTemplate = apps.get_model("notify", "MessageTemplate")
    MessageTemplate.objects.filter(event__in=[f"services.{kind}" for kind, *_ in EVENTS]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("services", "0002_applications"),
        ("notify", "0002_seed_default_templates"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
