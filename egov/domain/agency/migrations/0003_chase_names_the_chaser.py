"""催办 names who chased: the case's agent (代办员) or a supervisor of its unit (督办人员), not always 代办员.

Only the default wording of migration 0002 is changed; a template an administrator edited is left alone.
"""

from django.db import migrations

OLD = "代办员{{ agent }}催办"
NEW = "{{ chaser|default:'代办员' }}{{ agent }}催办"
VARIABLES = ["case_title", "case_number", "task_name", "org_unit", "deadline", "state", "agent", "chaser", "note"]


def forward(apps, schema_editor):
    MessageTemplate = apps.get_model("notify", "MessageTemplate")
    for template in MessageTemplate.objects.filter(event="agency.chase", body__contains=OLD):
        template.body = template.body.replace(OLD, NEW)
        template.name = "催办"
        template.variables = VARIABLES
        template.save(update_fields=["body", "name", "variables"])


def backward(apps, schema_editor):
    MessageTemplate = apps.get_model("notify", "MessageTemplate")
    for template in MessageTemplate.objects.filter(event="agency.chase", body__contains=NEW):
        template.body = template.body.replace(NEW, OLD)
        template.name = "代办员催办"
        template.variables = [name for name in VARIABLES if name != "chaser"]
        template.save(update_fields=["body", "name", "variables"])


class Migration(migrations.Migration):
    dependencies = [("agency", "0002_seed_message_templates")]

    operations = [migrations.RunPython(forward, backward)]
