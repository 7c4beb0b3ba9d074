"""Django's PostgreSQL backend with a health-check bypass window (ADR 0022) and prepared hot statements (ADR 0023).

With ``CONN_HEALTH_CHECKS`` Django sends ``SELECT 1`` before the first query of every request that reuses a
persistent connection: one extra round trip per request, ~10 % of a busy API worker's time. Like HikariCP's
``aliveBypassWindowMs`` (500 ms), a connection that ran a statement without error less than
``DATABASE_HEALTH_CHECK_BYPASS_SECONDS`` ago (default 0.5 s) is taken as alive. Under load (many requests a second
per worker) the check is skipped; a connection idle for longer is checked as before. The cost: a server restart
inside that half-second fails the requests already holding such a connection once (as a restart during a
request does anyway); Django then closes the connection at the end of the request (``errors_occurred``).

Django turns psycopg's prepared statements off (for connection poolers); :meth:`DatabaseWrapper.prepared_cursor`
gives the few hot statements of fixed text (the exchange gateway's lookup and log append, the workflow's
transitions) a cursor that prepares them on first use, so PostgreSQL parses and plans each once per connection
instead of on every call. Every other cursor is Django's usual client-side binding cursor.
"""

from __future__ import annotations

import time
from typing import Any

import orjson
from django.conf import settings
from django.db.backends.postgresql import base
from django.db.backends.postgresql.operations import DatabaseOperations as PostgresOperations
from django.db.backends.postgresql.psycopg_any import register_tzloader
from psycopg import DataError
from psycopg.pq import Format
from psycopg.types.json import JsonLoader

#: Django's cursor class with server-side binding (``OPTIONS["server_side_binding"]``); untyped in the stubs.
_ServerBindingCursor: Any = base.ServerBindingCursor

#: A preparation threshold no statement reaches: only ``prepare=True`` prepares.
_NEVER = 2**62


class PreparedCursor(_ServerBindingCursor):
    """Server-side binding, every statement prepared on its first execution (psycopg keeps the connection's
    prepared statements in an LRU of ``prepared_max``, 100 by default)."""

    def execute(
        self, query: Any, params: Any = None, *, prepare: bool | None = None, binary: bool | None = None
    ) -> Any:
        return super().execute(query, params, prepare=True if prepare is None else prepare, binary=binary)


class OrjsonLoader(JsonLoader):
    """``json`` columns (the workflow state, ``egov.kernel.workflow.fields``) parsed by orjson; Django reads
    ``jsonb`` as text and parses it in ``JSONField`` as before."""

    @staticmethod
    def _loads(data: str | bytes) -> Any:
        return orjson.loads(data)


class DatabaseOperations(PostgresOperations):
    def last_executed_query(self, cursor: Any, sql: Any, params: Any) -> str | None:  # type: ignore[override]
        """The statement with its values, for the debug log and query budgets (Django's own answer for a
        server-side binding cursor; its client-side branch finds no query text on a prepared execution)."""
        if isinstance(cursor, PreparedCursor):
            try:
                return str(self.compose_sql(sql, params))
            except DataError:
                return None
        return super().last_executed_query(cursor, sql, params)


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations
    _last_used = float("-inf")

    def bypass_seconds(self) -> float:
        return float(getattr(settings, "DATABASE_HEALTH_CHECK_BYPASS_SECONDS", 0.5))

    def close_if_health_check_failed(self) -> None:
        if (
            self.connection is not None
            and self.health_check_enabled  # type: ignore[attr-defined]  # stubs lack Django's attributes
            and not self.health_check_done  # type: ignore[has-type]
            and not self.errors_occurred
            and time.monotonic() - self._last_used < self.bypass_seconds()
        ):
            self.health_check_done = True
            return
        super().close_if_health_check_failed()

    def _cursor(self, name: str | None = None) -> Any:
        cursor = super()._cursor(name)  # type: ignore[misc]
        self._last_used = time.monotonic()
        return cursor

    def get_new_connection(self, conn_params: dict[str, Any]) -> Any:
        connection = super().get_new_connection(conn_params)
        if connection.prepare_threshold is None:
            # Django turns psycopg's automatic preparation off (poolers); psycopg then ignores ``prepare=True``
            # too. A threshold no statement reaches lets PreparedCursor prepare while every other cursor (client-side
            # binding, which never prepares) behaves as before.
            connection.prepare_threshold = _NEVER
        connection.adapters.register_loader("json", OrjsonLoader)
        return connection

    def prepared_cursor(self) -> Any:
        """A cursor whose statements are prepared on the server (see :func:`egov.kernel.db.prepared_cursor`); an
        ordinary one with ``DATABASE_PREPARED_STATEMENTS`` off."""
        if not getattr(settings, "DATABASE_PREPARED_STATEMENTS", True):
            return self.cursor()
        self.close_if_health_check_failed()
        self.ensure_connection()
        with self.wrap_database_errors:
            cursor = PreparedCursor(self.connection)
            tzloader = self.connection.adapters.get_loader(base.TIMESTAMPTZ_OID, Format.TEXT)
            if self.timezone != tzloader.timezone:
                register_tzloader(self.timezone, cursor)
            self._last_used = time.monotonic()
            return self._prepare_cursor(cursor)  # type: ignore[attr-defined]

    def close(self) -> None:
        super().close()
        self._last_used = float("-inf")
