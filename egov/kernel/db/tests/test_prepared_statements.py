"""Hot statements prepared on the server (ADR 0023): ``egov.kernel.db.prepared_cursor``."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext, override_settings

from egov.kernel.db import prepared_cursor

on_postgres = pytest.mark.skipif(connection.vendor != "postgresql", reason="statements are prepared on PostgreSQL")
pytestmark = pytest.mark.django_db(transaction=True)

SQL = "SELECT %s::bigint + 1 AS n, %s::timestamptz AS at /* prepared-statements-test */"
AT = datetime(2026, 10, 1, 8, 30, tzinfo=UTC)


def _prepared_here() -> int:
    """How many statements of this test the connection holds prepared on the server."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE '%%prepared-statements-test%%'"
        )
        return int(cursor.fetchone()[0])


def _run(make: object, value: int) -> tuple[int, datetime]:
    with make() as cursor:  # type: ignore[operator]
        cursor.execute(SQL, [value, AT])
        return cursor.fetchone()


@on_postgres
def test_same_rows_as_an_ordinary_cursor() -> None:
    """Values, types and the time zone of a timestamptz come back as Django's own cursor gives them."""
    for value in (1, 40_000, 3_000_000_000):  # int2, int4 and int8 parameters
        prepared, ordinary = _run(prepared_cursor, value), _run(connection.cursor, value)
        assert prepared == ordinary == (value + 1, AT)
        assert prepared[1].utcoffset() == ordinary[1].utcoffset()


@on_postgres
def test_prepared_once_then_reused() -> None:
    for value in range(5):
        assert _run(prepared_cursor, value)[0] == value + 1
    assert _prepared_here() == 1  # parsed and planned once for the five executions


@on_postgres
def test_ordinary_cursors_are_never_prepared() -> None:
    for value in range(10):
        _run(connection.cursor, value)
    assert _prepared_here() == 0


@on_postgres
def test_setting_off_gives_an_ordinary_cursor() -> None:
    with override_settings(DATABASE_PREPARED_STATEMENTS=False):
        for value in range(3):
            assert _run(prepared_cursor, value)[0] == value + 1
    assert _prepared_here() == 0


@on_postgres
def test_statements_still_run_after_a_rollback() -> None:
    """psycopg forgets its prepared statements on a rollback; the next execution prepares again."""
    _run(prepared_cursor, 1)
    with pytest.raises(DatabaseError), transaction.atomic():
        _run(prepared_cursor, 2)
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 / 0")
    assert _run(prepared_cursor, 3)[0] == 4
    assert _prepared_here() == 1


def test_statements_are_counted_like_any_other() -> None:
    """Django's cursor wrapper stays around it (on every database): query budgets and the debug log see them."""
    with CaptureQueriesContext(connection) as queries:
        for value in (1, 2):
            with prepared_cursor() as cursor:
                cursor.execute("SELECT %s + 1 /* prepared-statements-test */", [value])
                assert cursor.fetchone()[0] == value + 1
    assert [query["sql"].count("prepared-statements-test") for query in queries.captured_queries] == [1, 1]


def test_errors_are_django_errors() -> None:
    with pytest.raises(DatabaseError), transaction.atomic(), prepared_cursor() as cursor:
        cursor.execute("SELECT * FROM no_such_table_prepared /* prepared-statements-test */")
