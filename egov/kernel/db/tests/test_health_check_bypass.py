"""The PostgreSQL backend skips the per-request health check for a connection used moments ago (ADR 0022)."""

from __future__ import annotations

from collections.abc import Iterator
from unittest import mock

import pytest
from django.db import connection, connections
from django.test import override_settings

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the backend is PostgreSQL's"),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def checks() -> Iterator[mock.MagicMock]:
    """Count the health checks (``is_usable`` is Django's ``SELECT 1``), with health checks on."""
    wrapper = connections["default"]
    enabled = wrapper.health_check_enabled
    wrapper.health_check_enabled = True
    with mock.patch.object(type(wrapper), "is_usable", autospec=True, return_value=True) as is_usable:
        yield is_usable
    wrapper.health_check_enabled = enabled


def _next_request() -> None:
    """What Django does between requests (the request_started / request_finished handler)."""
    connection.close_if_unusable_or_obsolete()


def _query() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 2")
        assert cursor.fetchone() == (2,)


def test_the_platform_uses_the_bypass_backend() -> None:
    assert type(connections["default"]).__module__ == "egov.kernel.db.postgresql.base"


@pytest.mark.parametrize(
    ("window", "expected"),
    [(0.5, 0), (0, 3)],
    ids=["used-moments-ago-is-not-checked-again", "window-zero-checks-every-request"],
)
def test_requests_right_after_each_other(window: float, expected: int, checks: mock.MagicMock) -> None:
    with override_settings(DATABASE_HEALTH_CHECK_BYPASS_SECONDS=window):
        _query()
        for _ in range(3):
            _next_request()
            _query()
    assert checks.call_count == expected


def test_connection_idle_longer_than_the_window_is_checked(checks: mock.MagicMock) -> None:
    _query()
    connection._last_used -= 0.6  # as if the last statement ran 0.6 s ago
    _next_request()
    _query()
    assert checks.call_count == 1
    _next_request()
    _query()  # used just now by the request before
    assert checks.call_count == 1


def test_connection_with_an_error_is_checked(checks: mock.MagicMock) -> None:
    _query()
    wrapper = connections["default"]
    wrapper.health_check_done, wrapper.errors_occurred = False, True  # a statement failed since the last check
    try:
        wrapper.close_if_health_check_failed()  # as the next cursor does
    finally:
        wrapper.errors_occurred = False
    assert checks.call_count == 1


def test_failed_check_reconnects_and_the_request_goes_on(checks: mock.MagicMock) -> None:
    _query()
    connection._last_used -= 1
    old = connection.connection
    checks.return_value = False  # the server went away while the connection was idle
    _next_request()
    _query()
    assert checks.call_count == 1
    assert connection.connection is not old
