"""The column type of the serialized workflow state (``Case.state``).

The state is SpiffWorkflow's own dictionary (about 8 KB for a ten-step process), written twice and read once
every time a case moves, and never queried inside. As PostgreSQL ``jsonb`` each write parsed it into jsonb and
compressed it with pglz, and each read turned it back into text: at a case start and its first step, ~0.3 ms
of the database's ~3.5 ms (pg_stat_statements). Stored as ``json`` (the text as sent, checked but not
converted), lz4-compressed where the server has lz4 (migration 0004), and encoded with orjson, the same
state costs about a third of that. SQLite keeps Django's JSON text column.
"""

from __future__ import annotations

import json
from typing import Any

import orjson
from django.db import models
from psycopg.types.json import Json

#: Types orjson would write that ``json.dumps`` refuses (dates, dataclasses, subclasses of str/int/dict/list,
#: among them lazy translations' results): handed to ``json.dumps``, which writes or refuses them as before.
_ORJSON_OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS | orjson.OPT_PASSTHROUGH_SUBCLASS


def dump_state(value: Any) -> bytes:
    """The state as JSON text: orjson for the plain data SpiffWorkflow's serializer gives, ``json.dumps`` for
    anything orjson does not take as it is."""
    try:
        return orjson.dumps(value, option=_ORJSON_OPTIONS)
    except TypeError:  # orjson.JSONEncodeError is a TypeError
        return json.dumps(value).encode()


class WorkflowStateField(models.JSONField):
    """``JSONField`` stored as PostgreSQL ``json`` rather than ``jsonb`` (see the module docstring)."""

    def db_type(self, connection: Any) -> str | None:
        return "json" if connection.vendor == "postgresql" else super().db_type(connection)

    def get_db_prep_value(self, value: Any, connection: Any, prepared: bool = False) -> Any:
        if not prepared:
            value = self.get_prep_value(value)
        if value is None or hasattr(value, "as_sql"):
            return super().get_db_prep_value(value, connection, prepared=True)
        if connection.vendor == "postgresql":
            return Json(value, dumps=dump_state)
        return dump_state(value).decode()

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if connection.vendor == "postgresql":
            return value  # parsed by psycopg's loader for json (orjson: egov.kernel.db.postgresql)
        return super().from_db_value(value, expression, connection)
