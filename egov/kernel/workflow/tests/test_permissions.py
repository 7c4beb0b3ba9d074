"""Permission matrix: a denied action raises and changes nothing (items, case, clock, audit trail of work)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from egov.kernel.access.policy import AccessDenied
from egov.kernel.workflow.models import Case, ClockEvent, SupervisionRecord, WorkItem
from egov.kernel.workflow.services import (
    case_extend,
    case_start,
    case_suspend,
    case_terminate,
    supervision_record,
    work_item_claim,
    work_item_complete,
    work_item_return,
    work_item_transfer,
)
from egov.kernel.workflow.tests.conftest import World


def _snapshot(case: Case) -> tuple[Any, ...]:
    case.refresh_from_db()
    items = list(WorkItem.objects.filter(case=case).order_by("pk").values_list("status", "assignee", "version"))
    return (
        case.status,
        case.lock_version,
        case.due_on,
        items,
        ClockEvent.objects.filter(case=case).count(),
        SupervisionRecord.objects.filter(case=case).count(),
    )


def _accept(case: Case) -> WorkItem:
    return case.work_items.get(step="accept")


ACTIONS: dict[str, Callable[[World, Case], object]] = {
    "claim": lambda w, c: work_item_claim(actor=w.tuquan_handler, item=_accept(c)),
    "complete": lambda w, c: work_item_complete(actor=w.tuquan_handler, item=_accept(c), outcome="accept"),
    "transfer": lambda w, c: work_item_transfer(actor=w.tuquan_handler, item=_accept(c), to_user=w.handler2),
    "return": lambda w, c: work_item_return(actor=w.tuquan_handler, item=_accept(c), to_step="accept", opinion="x"),
    "suspend": lambda w, c: case_suspend(actor=w.tuquan_handler, case=c, reason_code="correction", reason="补正"),
    "extend": lambda w, c: case_extend(
        actor=w.tuquan_handler, case=c, days=3, unit="wd", reason="延期", approved_by=w.leader
    ),
    "terminate (handler without supervise)": lambda w, c: case_terminate(actor=w.handler, case=c, reason="终止"),
    "supervise (handler without supervise)": lambda w, c: supervision_record(actor=w.handler, case=c, note="督办"),
    "complete (leader is not in the handler queue)": lambda w, c: work_item_complete(
        actor=w.leader, item=_accept(c), outcome="accept"
    ),
    "complete (另一部门)": lambda w, c: work_item_complete(actor=w.fgw_handler, item=_accept(c), outcome="accept"),
}


@pytest.mark.django_db
@pytest.mark.parametrize("action", list(ACTIONS))
def test_denied_actions_change_nothing(world: World, action: str) -> None:
    # given a case of 科右前旗 waiting for 受理
    case = case_start(
        actor=world.handler,
        process_key="demo_joint_approval",
        org_unit=world.qianqi,
        title="联合审批",
        statutory_limit=20,
    )
    before = _snapshot(case)

    # when someone without the right tries
    with pytest.raises(AccessDenied):
        ACTIONS[action](world, case)

    # then nothing changed
    assert _snapshot(case) == before


@pytest.mark.django_db
def test_a_handler_of_another_county_cannot_start_a_case_there(world: World) -> None:
    with pytest.raises(AccessDenied) as excinfo:
        case_start(actor=world.tuquan_handler, process_key="demo_joint_approval", org_unit=world.qianqi, title="越权")
    assert str(excinfo.value) == "您没有权限执行此操作：办理业务"
    assert not Case.objects.exists()


@pytest.mark.django_db
def test_a_citizen_starts_only_their_own_case(world: World) -> None:
    with pytest.raises(AccessDenied):
        case_start(
            actor=world.citizen,
            process_key="demo_joint_approval",
            org_unit=world.qianqi,
            title="代他人申请",
            applicant=world.handler,
        )
    assert not Case.objects.exists()
    case = case_start(
        actor=world.citizen,
        process_key="demo_joint_approval",
        org_unit=world.qianqi,
        title="本人申请",
        applicant=world.citizen,
    )
    assert (case.applicant, case.started_by) == (world.citizen, None)


@pytest.mark.django_db
def test_the_leader_may_terminate(world: World) -> None:
    case = case_start(actor=world.handler, process_key="demo_joint_approval", org_unit=world.qianqi, title="联合审批")
    case_terminate(actor=world.leader, case=case, reason="申请人撤回申请")
    case.refresh_from_db()
    assert case.status == "terminated"
    assert list(case.work_items.values_list("status", flat=True)) == ["cancelled"]
