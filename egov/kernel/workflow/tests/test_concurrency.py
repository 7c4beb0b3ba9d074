"""Races on PostgreSQL (row locks): gapless case numbers and one winner per work item.

Run with ``DATABASE_URL=postgres://…`` — SQLite serializes every writer, so there is nothing to race.
"""

from __future__ import annotations

import pytest

from egov.kernel.errors import Conflict
from egov.kernel.testing import POSTGRES_ONLY, in_threads
from egov.kernel.workflow.models import Case, WorkItem, WorkItemStatus
from egov.kernel.workflow.services import case_start, work_item_complete
from egov.kernel.workflow.tests.conftest import World

pytestmark = POSTGRES_ONLY


@pytest.mark.django_db(transaction=True)
def test_case_numbers_from_eight_threads_are_distinct_and_consecutive(world: World) -> None:
    def start_many(index: int) -> list[str]:
        return [
            case_start(
                actor=world.handler, process_key="demo_joint_approval", org_unit=world.qianqi, title=f"并发{index}-{n}"
            ).number
            for n in range(25)
        ]

    results, errors = in_threads(8, start_many)
    assert errors == []
    numbers = sorted(number for batch in results for number in batch)
    assert len(set(numbers)) == 200
    sequence = sorted(int(number.rsplit("-", 1)[1]) for number in numbers)
    assert sequence == list(range(1, 201))
    assert Case.objects.count() == 200


@pytest.mark.django_db(transaction=True)
def test_two_people_completing_one_item_exactly_one_wins(world: World) -> None:
    case = case_start(actor=world.handler, process_key="demo_joint_approval", org_unit=world.qianqi, title="抢办")
    item = case.work_items.get()
    people = [world.handler, world.handler2]

    results, errors = in_threads(
        2, lambda i: work_item_complete(actor=people[i], item=item, outcome="accept", opinion=f"第{i}人")
    )

    assert len(results) == 1 and len(errors) == 1
    (error,) = errors
    assert isinstance(error, Conflict)
    winner = results[0].completed_by
    assert error.message == f"该待办已由{winner.display_name}办理，无需重复处理"
    item.refresh_from_db()
    assert item.status == WorkItemStatus.COMPLETED
    assert WorkItem.objects.filter(case=case, step="review_fgw").count() == 1
    assert WorkItem.objects.filter(case=case, step="review_czj").count() == 1
