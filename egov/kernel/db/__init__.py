"""Database backends of the platform (see ``postgresql``)."""

from __future__ import annotations

from typing import Any

from django.db import connection as default_connection


def prepared_cursor(connection: Any = None) -> Any:
    """A cursor for a hot statement of fixed text: on PostgreSQL the statement is prepared on the server at its
    first execution and planned once per connection (ADR 0023); elsewhere, or with
    ``DATABASE_PREPARED_STATEMENTS`` off, an ordinary cursor. Only for statements whose best plan does not
    depend on the values (a generic plan is used after five executions)."""
    connection = connection or default_connection
    make = getattr(connection, "prepared_cursor", None)
    return make() if make is not None else connection.cursor()
