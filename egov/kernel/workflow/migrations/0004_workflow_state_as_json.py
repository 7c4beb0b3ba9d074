"""The workflow state column becomes PostgreSQL ``json`` (lz4-compressed where the server has lz4) instead of
``jsonb``; see ``egov.kernel.workflow.fields``. SQLite keeps its JSON text column as it is (no table rebuild).

On PostgreSQL the type change rewrites ``workflow_case`` once (an exclusive lock for the length of the rewrite:
about a minute per million cases on the benchmark machine); run it in a maintenance window on a large database.
"""

from django.db import migrations

import egov.kernel.workflow.fields

LZ4_AVAILABLE = "SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'"


def to_json(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute('ALTER TABLE "workflow_case" ALTER COLUMN "state" TYPE json USING "state"::json')
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(LZ4_AVAILABLE)
        row = cursor.fetchone()
    if row is not None and row[0]:
        schema_editor.execute('ALTER TABLE "workflow_case" ALTER COLUMN "state" SET COMPRESSION lz4')


def to_jsonb(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute('ALTER TABLE "workflow_case" ALTER COLUMN "state" SET COMPRESSION default')
    schema_editor.execute('ALTER TABLE "workflow_case" ALTER COLUMN "state" TYPE jsonb USING "state"::jsonb')


class Migration(migrations.Migration):
    dependencies = [
        ("workflow", "0003_lean_indexes"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="case",
                    name="state",
                    field=egov.kernel.workflow.fields.WorkflowStateField(
                        default=dict, editable=False, verbose_name="流程状态"
                    ),
                ),
            ],
            database_operations=[migrations.RunPython(to_json, to_jsonb)],
        ),
    ]
