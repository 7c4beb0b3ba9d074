"""Helpers shared by the test suites of several apps (imported by tests only)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, connections

#: Mark for race tests: they need PostgreSQL's row locks (SQLite serialises every writer, nothing would race).
POSTGRES_ONLY = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="需要 PostgreSQL（行级锁）"),
]


def in_threads(count: int, work: Callable[[int], Any]) -> tuple[list[Any], list[BaseException]]:
    """Run ``work(0) … work(count - 1)`` in ``count`` threads released at the same instant (a barrier), each on
    its own database connection; return what they returned and what they raised (in completion order)."""
    barrier = threading.Barrier(count)
    results: list[Any] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def run(index: int) -> None:
        try:
            barrier.wait()
            outcome = work(index)
            with lock:
                results.append(outcome)
        except BaseException as exc:  # noqa: BLE001 - collected and asserted by the test
            with lock:
                errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors
