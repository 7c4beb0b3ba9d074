"""The access log is the platform's largest table (every exchange call, kept at least 3 years). Four of its ten
indexes repeat the leading column of another one: ``chain_id`` (the unique ``(chain_id, seq)``), ``consumer_id``
and ``provider_id`` (``(consumer_id, at_us)`` and ``(provider_id, at_us)``), and PostgreSQL's ``varchar_pattern_ops``
copy of ``call_id`` (no query searches call ids by prefix; the unique index serves equality). Each is written on
every call and stored for years. The indexes are dropped with plain DROP INDEX: altering the fields would make
SQLite rebuild the table, which drops its append-only triggers (migration 0002)."""

import django.db.models.deletion
from django.db import migrations, models

INDEXES = {
    "exchange_accesslogentry_chain_id_caec49f5": "chain_id",
    "exchange_accesslogentry_consumer_id_d765a9cf": "consumer_id",
    "exchange_accesslogentry_provider_id_bc8f539c": "provider_id",
}
LIKE_INDEX = "exchange_accesslogentry_call_id_46c2f6df_like"


def drop(apps, schema_editor):
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {LIKE_INDEX}")


def restore(apps, schema_editor):
    for name, column in INDEXES.items():
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON exchange_accesslogentry ({column})")
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {LIKE_INDEX} ON exchange_accesslogentry (call_id varchar_pattern_ops)"
        )


class Migration(migrations.Migration):
    dependencies = [("exchange", "0003_sharing_request_on_workflow_case")]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(drop, restore)],
            state_operations=[
                migrations.AlterField(
                    model_name="accesslogentry",
                    name="chain",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="exchange.accesschain",
                    ),
                ),
                migrations.AlterField(
                    model_name="accesslogentry",
                    name="consumer",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="orgs.orgunit",
                    ),
                ),
                migrations.AlterField(
                    model_name="accesslogentry",
                    name="provider",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="orgs.orgunit",
                    ),
                ),
            ],
        ),
    ]
