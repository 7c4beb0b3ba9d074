"""The access log is append-only in the database itself: UPDATE and DELETE of a log entry are refused, and
a chain head may only move forward one entry at a time (so a deleted tail cannot be hidden by rewinding it).
Retention: entries are kept at least 3 years (《政务数据共享条例》); archiving older ones is a DBA task that
first drops these triggers, and is itself audited."""

from django.db import migrations

SQLITE = [
    """CREATE TRIGGER exchange_log_no_update BEFORE UPDATE ON exchange_accesslogentry
       BEGIN SELECT RAISE(ABORT, 'exchange access log is append-only'); END""",
    """CREATE TRIGGER exchange_log_no_delete BEFORE DELETE ON exchange_accesslogentry
       BEGIN SELECT RAISE(ABORT, 'exchange access log is append-only'); END""",
    """CREATE TRIGGER exchange_chain_forward BEFORE UPDATE ON exchange_accesschain
       WHEN NEW.last_seq <> OLD.last_seq + 1 OR NEW.key <> OLD.key
       BEGIN SELECT RAISE(ABORT, 'exchange chain head only moves forward'); END""",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS exchange_log_no_update",
    "DROP TRIGGER IF EXISTS exchange_log_no_delete",
    "DROP TRIGGER IF EXISTS exchange_chain_forward",
]
POSTGRES = [
    """CREATE OR REPLACE FUNCTION exchange_log_append_only() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'exchange access log is append-only'; END; $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER exchange_log_append_only BEFORE UPDATE OR DELETE ON exchange_accesslogentry
       FOR EACH ROW EXECUTE FUNCTION exchange_log_append_only()""",
    """CREATE OR REPLACE FUNCTION exchange_chain_forward() RETURNS trigger AS $$
       BEGIN
         IF NEW.last_seq <> OLD.last_seq + 1 OR NEW.key <> OLD.key THEN
           RAISE EXCEPTION 'exchange chain head only moves forward';
         END IF;
         RETURN NEW;
       END; $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER exchange_chain_forward BEFORE UPDATE ON exchange_accesschain
       FOR EACH ROW EXECUTE FUNCTION exchange_chain_forward()""",
    """CREATE TRIGGER exchange_chain_no_delete BEFORE DELETE ON exchange_accesschain
       FOR EACH ROW EXECUTE FUNCTION exchange_log_append_only()""",
]
POSTGRES_REVERSE = [
    "DROP TRIGGER IF EXISTS exchange_log_append_only ON exchange_accesslogentry",
    "DROP TRIGGER IF EXISTS exchange_chain_forward ON exchange_accesschain",
    "DROP TRIGGER IF EXISTS exchange_chain_no_delete ON exchange_accesschain",
    "DROP FUNCTION IF EXISTS exchange_log_append_only()",
    "DROP FUNCTION IF EXISTS exchange_chain_forward()",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("exchange", "0001_sharing_grants_exchange_log")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRES}),
            _run({"sqlite": SQLITE_REVERSE, "postgresql": POSTGRES_REVERSE}),
        )
    ]
