"""Races on PostgreSQL (row locks): document numbers from many threads are distinct and consecutive.

Run with ``DATABASE_URL=postgres://…`` — SQLite serializes every writer, so there is nothing to race.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, connections

from egov.domain.results.models import Certificate, IssuedNotice
from egov.domain.results.services import certificate_issue, notice_issue
from egov.domain.results.tests.conftest import World

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="需要 PostgreSQL（行级锁）"),
]


def _in_threads(count: int, work: Callable[[int], Any]) -> tuple[list[Any], list[BaseException]]:
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


@pytest.mark.django_db(transaction=True)
def test_notice_numbers_from_six_threads_have_no_gaps_or_duplicates(world: World) -> None:
    def issue_many(index: int) -> list[int]:
        return [
            notice_issue(
                actor=world.handler, case=world.case, kind="acceptance", paragraphs=[f"并发{index}-{n}"]
            ).serial
            for n in range(4)
        ]

    results, errors = _in_threads(6, issue_many)
    assert errors == []
    serials = sorted(serial for batch in results for serial in batch)
    assert serials == list(range(1, 25))
    assert IssuedNotice.objects.count() == 24
    assert IssuedNotice.objects.values("number").distinct().count() == 24


@pytest.mark.django_db(transaction=True)
def test_a_failed_issue_among_concurrent_ones_leaves_no_gap(world: World) -> None:
    def issue_or_fail(index: int) -> int:
        if index % 2:
            certificate_issue(
                actor=world.handler,
                case=world.case,
                title="营业执照",
                holder_name="王小明",
                holder_code="BAD",
                fields=[],
            )
        return certificate_issue(
            actor=world.handler, case=world.case, title="营业执照", holder_name="王小明", holder_code="", fields=[]
        ).serial

    results, errors = _in_threads(4, issue_or_fail)
    assert len(errors) == 2
    assert sorted(results) == [1, 2]
    assert Certificate.objects.count() == 2
