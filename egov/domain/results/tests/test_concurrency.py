"""Races on PostgreSQL (row locks): document numbers from many threads are distinct and consecutive.

Run with ``DATABASE_URL=postgres://…`` — SQLite serializes every writer, so there is nothing to race.
"""

from __future__ import annotations

import pytest

from egov.domain.results.models import Certificate, IssuedNotice
from egov.domain.results.services import certificate_issue, notice_issue
from egov.domain.results.tests.conftest import World
from egov.kernel.testing import POSTGRES_ONLY, in_threads

pytestmark = POSTGRES_ONLY


@pytest.mark.django_db(transaction=True)
def test_notice_numbers_from_six_threads_have_no_gaps_or_duplicates(world: World) -> None:
    def issue_many(index: int) -> list[int]:
        return [
            notice_issue(
                actor=world.handler, case=world.case, kind="acceptance", paragraphs=[f"并发{index}-{n}"]
            ).serial
            for n in range(4)
        ]

    results, errors = in_threads(6, issue_many)
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

    results, errors = in_threads(4, issue_or_fail)
    assert len(errors) == 2
    assert sorted(results) == [1, 2]
    assert Certificate.objects.count() == 2
