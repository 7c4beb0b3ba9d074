"""Default wording of the results events (送达状态变化, 证照撤销), sent to the applicant and the case's agent by
egov.domain.results.services; administrators may edit it afterwards.

Copied definitions, not imports, so the migration keeps meaning what it meant when it ran.
"""

from django.db import migrations

DELIVERY = ["case_title", "case_number", "method", "status", "tracking_no", "note", "instruction", "unit_name"]
REVOKE = [
    "case_title",
    "case_number",
    "certificate_title",
    "certificate_number",
    "reason",
    "unit_name",
    "revoked_on",
]
SITE = "兴安盟政务服务网"
# (event, channel, name, subject, body, variables)
TEMPLATES = [
    (
        "results.delivery_update",
        "inapp",
        "送达进度",
        "{{ status }}：{{ case_title }}",
        "办件《{{ case_title }}》（{{ case_number }}）送达进度：{{ status }}（{{ method }}）。{{ instruction }}"
        "{% if tracking_no %}快递单号：{{ tracking_no }}。{% endif %}{% if note %}说明：{{ note }}{% endif %}",
        DELIVERY,
    ),
    (
        "results.delivery_update",
        "sms",
        "送达进度",
        "",
        "办件{{ case_title }}（{{ case_number }}）送达进度：{{ status }}。{{ instruction }}"
        "{% if tracking_no %}快递单号{{ tracking_no }}。{% endif %}",
        DELIVERY,
    ),
    (
        "results.certificate_revoke",
        "inapp",
        "证照撤销",
        "证照已撤销：{{ certificate_title }}",
        "办件《{{ case_title }}》（{{ case_number }}）的{{ certificate_title }}（{{ certificate_number }}）已于"
        "{{ revoked_on }}由{{ unit_name }}撤销，自撤销之日起不再有效。撤销原因：{{ reason }}",
        REVOKE,
    ),
    (
        "results.certificate_revoke",
        "sms",
        "证照撤销",
        "",
        "您办件{{ case_number }}的{{ certificate_title }}（{{ certificate_number }}）已被{{ unit_name }}撤销，"
        "原因：{{ reason }}。详见" + SITE + "“我的办件”。",
        REVOKE,
    ),
]


def seed(apps, schema_editor):
    MessageTemplate = apps.get_model("notify", "MessageTemplate")
    for event, channel, name, subject, body, variables in TEMPLATES:
        MessageTemplate.objects.update_or_create(
            event=event,
            channel=channel,
            defaults={
                "name": name,
                "subject": subject,
                "body": body,
                "variables": variables,
                "default_enabled": True,
                "optional": True,
            },
        )


def unseed(apps, schema_editor):
    MessageTemplate = apps.get_model("notify", "MessageTemplate")
    for event, channel, *_rest in TEMPLATES:
        MessageTemplate.objects.filter(event=event, channel=channel).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("results", "0001_notices_certificates_delivery"),
        ("notify", "0002_seed_default_templates"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
