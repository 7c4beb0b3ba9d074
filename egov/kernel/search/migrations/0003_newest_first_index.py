"""Newest-first index for PostgreSQL: search caps very common words to their newest matches by walking it
(selectors.search). SQLite cannot declare NULLS LAST in an index and does not cap, so it gets none."""

from django.db import migrations

CREATE = (
    "CREATE INDEX IF NOT EXISTS search_doc_newest "
    "ON search_searchdocument (published DESC NULLS LAST, id DESC)"
)
DROP = "DROP INDEX IF EXISTS search_doc_newest"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("search", "0002_full_text_index")]

    operations = [migrations.RunPython(create, drop)]
