"""Database triggers that refuse UPDATE and DELETE on the audit table, whoever sends the SQL.

SQLite: the DELETE trigger lets a row go only while ``egov_audit_wipe_allowed()`` returns 1. That function
exists only on the platform's own connections (registered in AuditConfig.ready) and returns 1 only inside
``manage.py flush``, which wipes the whole database; from any other client the function is unknown, so the
DELETE fails. PostgreSQL: ``flush`` uses TRUNCATE, which row triggers do not see; the application's
database role must not own the table (owners may TRUNCATE or disable triggers).
"""

from django.db import migrations

MESSAGE = "审计记录只能追加，不能修改或删除"

SQLITE_FORWARD = [
    f"""CREATE TRIGGER audit_auditentry_no_update BEFORE UPDATE ON audit_auditentry
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
    f"""CREATE TRIGGER audit_auditentry_no_delete BEFORE DELETE ON audit_auditentry
    WHEN NOT egov_audit_wipe_allowed()
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS audit_auditentry_no_update",
    "DROP TRIGGER IF EXISTS audit_auditentry_no_delete",
]
POSTGRESQL_FORWARD = [
    f"""CREATE FUNCTION audit_auditentry_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'insufficient_privilege';
    END $$""",
    """CREATE TRIGGER audit_auditentry_append_only BEFORE UPDATE OR DELETE ON audit_auditentry
    FOR EACH ROW EXECUTE FUNCTION audit_auditentry_append_only()""",
]
POSTGRESQL_BACKWARD = [
    "DROP TRIGGER IF EXISTS audit_auditentry_append_only ON audit_auditentry",
    "DROP FUNCTION IF EXISTS audit_auditentry_append_only()",
]
STATEMENTS = {
    "sqlite": (SQLITE_FORWARD, SQLITE_BACKWARD),
    "postgresql": (POSTGRESQL_FORWARD, POSTGRESQL_BACKWARD),
}


def _run(schema_editor, index):
    vendor = schema_editor.connection.vendor
    if vendor not in STATEMENTS:
        raise RuntimeError(f"audit append-only triggers are not written for {vendor}")
    for statement in STATEMENTS[vendor][index]:
        schema_editor.execute(statement, params=None)


def create_triggers(apps, schema_editor):
    _run(schema_editor, 0)


def drop_triggers(apps, schema_editor):
    _run(schema_editor, 1)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0001_create_audit_log"),
    ]

    operations = [
        migrations.RunPython(create_triggers, drop_triggers),
    ]
