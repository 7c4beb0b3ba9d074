"""The full-text index over ``search_searchdocument.tokens``, engine by engine.

SQLite: an external-content FTS5 table kept in step by triggers, so every write to the document table
(service, admin, bulk load) updates the index in the same transaction. PostgreSQL: a generated ``tsvector``
column ('simple' configuration: the tokens are already segmented) with a GIN index.
Note: a later migration that makes SQLite rebuild the document table drops the triggers; it must run
SQLITE_TRIGGERS again and ``INSERT INTO search_fts(search_fts) VALUES('rebuild')``.
"""

from django.db import migrations

SQLITE_TABLE = (
    "CREATE VIRTUAL TABLE search_fts USING fts5(tokens, content='search_searchdocument', content_rowid='id', "
    "tokenize='unicode61 remove_diacritics 0')"
)
SQLITE_TRIGGERS = [
    "CREATE TRIGGER search_fts_insert AFTER INSERT ON search_searchdocument BEGIN "
    "INSERT INTO search_fts(rowid, tokens) VALUES (new.id, new.tokens); END",
    "CREATE TRIGGER search_fts_delete AFTER DELETE ON search_searchdocument BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, tokens) VALUES ('delete', old.id, old.tokens); END",
    "CREATE TRIGGER search_fts_update AFTER UPDATE ON search_searchdocument BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, tokens) VALUES ('delete', old.id, old.tokens); "
    "INSERT INTO search_fts(rowid, tokens) VALUES (new.id, new.tokens); END",
]
POSTGRESQL = [
    "ALTER TABLE search_searchdocument ADD COLUMN search_vector tsvector "
    "GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, tokens)) STORED",
    "CREATE INDEX search_document_vector ON search_searchdocument USING GIN (search_vector)",
]


def create_index(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for statement in [SQLITE_TABLE, *SQLITE_TRIGGERS, "INSERT INTO search_fts(search_fts) VALUES ('rebuild')"]:
            schema_editor.execute(statement)
    elif vendor == "postgresql":
        for statement in POSTGRESQL:
            schema_editor.execute(statement)
    else:
        raise RuntimeError(f"search: no full-text index for the {vendor} database")


def drop_index(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for name in ["search_fts_insert", "search_fts_delete", "search_fts_update"]:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")
        schema_editor.execute("DROP TABLE IF EXISTS search_fts")
    elif vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS search_document_vector")
        schema_editor.execute("ALTER TABLE search_searchdocument DROP COLUMN IF EXISTS search_vector")


class Migration(migrations.Migration):
    dependencies = [("search", "0001_search_documents")]

    operations = [migrations.RunPython(create_index, drop_index)]
