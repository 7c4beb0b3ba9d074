"""Worklists, counts, case visibility and the timeline the workbench is built on."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from egov.kernel.access.policy import AccessDenied
from egov.kernel.errors import NotFound, Rejected
from egov.kernel.workflow.models import Case, Light, WorkItem
from egov.kernel.workflow.selectors import (
    WorklistFilters,
    available_actions,
    case_for_user,
    case_timeline,
    returnable_steps,
    worklist,
    worklist_counts,
    worklist_page,
)
from egov.kernel.workflow.services import case_start, case_suspend, work_item_claim, work_item_complete
from egov.kernel.workflow.tests.conftest import World


def _start(world: World, title: str) -> Case:
    return case_start(
        actor=world.handler,
        process_key="demo_joint_approval",
        org_unit=world.qianqi,
        title=title,
        applicant=world.citizen,
        statutory_limit=20,
    )


@pytest.mark.django_db
def test_todo_shows_queue_items_and_own_claims_but_not_others_claims(world: World) -> None:
    _first, second, third = (_start(world, f"办件{n}") for n in range(3))
    work_item_claim(actor=world.handler2, item=second.work_items.get())
    work_item_claim(actor=world.handler, item=third.work_items.get())

    rows, total = worklist(world.handler, "todo", sort="newest")
    assert total == 2
    assert [row.case.title for row in rows] == ["办件2", "办件0"]
    rows, total = worklist(world.handler2, "todo")
    assert [row.case.title for row in rows] == ["办件0", "办件1"]
    assert worklist(world.tuquan_handler, "todo") == ([], 0)


@pytest.mark.django_db
def test_done_started_warned_and_counts(world: World) -> None:
    case = _start(world, "联合审批")
    _start(world, "另一件")
    work_item_complete(actor=world.handler, item=case.work_items.get(step="accept"), outcome="accept")
    WorkItem.objects.filter(case=case, step="review_fgw").update(light=Light.RED)

    assert [row.step for row in worklist(world.handler, "done")[0]] == ["accept"]
    assert worklist(world.handler, "started")[1] == 2
    assert [row.step for row in worklist(world.fgw_handler, "warned")[0]] == ["review_fgw"]
    assert worklist(world.czj_handler, "warned") == ([], 0)
    with CaptureQueriesContext(connection) as queries:
        counts = worklist_counts(world.handler)
    # the other case's 受理 has a one-working-day limit: ≤ 2 working days left, so it is yellow from the start
    assert counts == {"todo": 1, "warned": 1, "done": 1, "started": 2}
    assert len(queries) == 2  # the user's queues, then every count in one statement
    assert worklist_counts(world.fgw_handler) == {"todo": 1, "warned": 1, "done": 0, "started": 0}


@pytest.mark.django_db
def test_filters_and_paging(world: World) -> None:
    for n in range(5):
        _start(world, f"办件{n}")
    rows, total = worklist(world.handler, "todo", sort="oldest", page=2, page_size=2)
    assert (total, [row.case.title for row in rows]) == (5, ["办件2", "办件3"])
    assert worklist(world.handler, "todo", page=9, page_size=2) == ([], 5)
    assert worklist(world.handler, "todo", filters=WorklistFilters(process_key="other"))[1] == 0
    assert worklist(world.handler, "todo", filters=WorklistFilters(org_unit=world.tuquan))[1] == 0
    assert worklist(world.handler, "todo", filters=WorklistFilters(light="yellow"))[1] == 5  # 1-day 受理
    assert worklist(world.handler, "todo", filters=WorklistFilters(light="green"))[1] == 0
    with pytest.raises(Rejected) as excinfo:
        worklist(world.handler, "todo", sort="random")
    assert excinfo.value.message == "不支持的排序方式"
    with pytest.raises(Rejected) as excinfo:
        worklist(world.handler, "todo", page_size=1000)
    assert excinfo.value.message == "页码须为正整数，每页不超过 100 条"


@pytest.mark.django_db
def test_case_visibility(world: World) -> None:
    case = _start(world, "联合审批")
    assert case_for_user(world.citizen, case.number) == case
    assert case_for_user(world.leader, case.number) == case
    work_item_complete(actor=world.handler, item=case.work_items.get(step="accept"), outcome="accept")
    assert case_for_user(world.fgw_handler, case.number) == case  # has one of its items
    with pytest.raises(AccessDenied):
        case_for_user(world.tuquan_handler, case.number)
    with pytest.raises(NotFound) as excinfo:
        case_for_user(world.handler, "XA-1999-000001")
    assert excinfo.value.message == "办件不存在"


@pytest.mark.django_db
def test_available_actions(world: World) -> None:
    case = _start(world, "联合审批")
    item = case.work_items.get()
    assert available_actions(world.handler, item) == {"claim", "complete", "return", "transfer"}
    assert available_actions(world.tuquan_handler, item) == set()
    work_item_claim(actor=world.handler, item=item)
    item.refresh_from_db()
    assert available_actions(world.handler, item) == {"complete", "return", "transfer", "delegate", "unclaim"}
    assert available_actions(world.handler2, item) == set()


@pytest.mark.django_db
def test_timeline_and_returnable_steps(world: World) -> None:
    case = _start(world, "联合审批")
    work_item_complete(actor=world.handler, item=case.work_items.get(step="accept"), outcome="accept", opinion="受理")
    case_suspend(actor=world.handler, case=case, reason_code="correction", reason="补正材料")
    kinds = [(entry.kind, entry.title) for entry in case_timeline(case)]
    assert kinds[0] == ("clock", "开始计时")
    assert ("item", "受理（已办）") in kinds
    assert kinds[-1] == ("clock", "暂停计时")
    assert returnable_steps(case) == [("accept", "受理")]


@pytest.mark.django_db
def test_worklist_page_reuses_the_badge_count_as_total(world: World) -> None:
    for n in range(3):
        _start(world, f"办件{n}")
    handler = type(world.handler).objects.get(pk=world.handler.pk)  # fresh, as in a request
    with CaptureQueriesContext(connection) as queries:
        page = worklist_page(handler, "todo", page_size=2)
    assert (page.total, page.pages, len(page.rows)) == (3, 2, 2)
    assert page.counts == {"todo": 3, "warned": 3, "done": 0, "started": 3}
    assert len(queries) == 3  # queues, every count in one statement, the page itself
    filtered = worklist_page(handler, "todo", filters=WorklistFilters(process_key="other"))
    assert (filtered.total, filtered.rows, filtered.counts["todo"]) == (0, [], 3)


@pytest.mark.django_db
@pytest.mark.parametrize("sort", ["due", "newest", "oldest"])
def test_every_page_of_todo_is_the_ordered_list_of_claimed_and_queued_items(world: World, sort: str) -> None:
    """On PostgreSQL the page is chosen by a UNION ALL of the claimed part and each queue part (selectors.
    _todo_page_ids); it must give exactly the rows, order and paging of the plain OR condition."""
    cases = [_start(world, f"办件{n}") for n in range(7)]
    for case in cases[::2]:
        work_item_claim(actor=world.handler, item=case.work_items.get())
    for n, case in enumerate(cases):  # distinct and tied due dates: the id decides ties
        case.work_items.update(due_on=case.work_items.get().due_on.replace(day=1 + n % 3))
    order = {"due": ("due_on", "id"), "newest": ("-created_at", "-id"), "oldest": ("created_at", "id")}[sort]
    expected = list(WorkItem.objects.filter(case__in=cases).order_by(*order).values_list("pk", flat=True))
    seen = []
    for page in (1, 2, 3):
        result = worklist_page(world.handler, "todo", sort=sort, page=page, page_size=3)
        assert result.total == 7
        seen += [row.pk for row in result.rows]
    assert seen == expected
    red = [cases[1].work_items.get().pk, cases[4].work_items.get().pk]  # one queued, one claimed
    WorkItem.objects.filter(pk__in=red).update(light=Light.RED)
    filtered = worklist_page(world.handler, "todo", filters=WorklistFilters(light=Light.RED), sort=sort, page_size=3)
    assert (filtered.total, [row.pk for row in filtered.rows]) == (2, [pk for pk in expected if pk in red])
    warned = worklist_page(world.handler, "warned", sort=sort if sort != "oldest" else "", page_size=20)
    assert sorted(row.pk for row in warned.rows) == sorted(expected)
