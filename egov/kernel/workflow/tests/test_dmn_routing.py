"""A DMN decision table routes a process: 临时救助分级审批 sends the case to the 经办人, the 科长 or on to the
分管领导 by the amount applied for (processes/demo_relief_routing*.{bpmn,dmn})."""

from __future__ import annotations

from typing import Any

import pytest

from egov.kernel.workflow.demo import RELIEF_BPMN
from egov.kernel.workflow.models import Case, CaseStatus
from egov.kernel.workflow.services import case_start, definition_publish_file, work_item_complete
from egov.kernel.workflow.tests.conftest import World

pytestmark = pytest.mark.django_db


def _accepted(world: World, data: dict[str, Any]) -> Case:
    case = case_start(
        actor=world.handler,
        process_key="demo_relief_routing",
        org_unit=world.qianqi,
        title="临时救助申请",
        applicant=world.citizen,
        data=data,
    )
    accept = case.work_items.get(step="accept", status="open")
    assert (accept.queue_org_unit, accept.queue_role) == (world.qianqi, "handler")
    work_item_complete(actor=world.handler, item=accept, outcome="accept", opinion="情况属实")
    case.refresh_from_db()
    return case


def _open_steps(case: Case) -> list[tuple[str, str]]:
    return [(item.step, item.queue_role) for item in case.work_items.filter(status__in=["open", "claimed"])]


@pytest.fixture
def relief(world: World) -> World:
    (definition,) = definition_publish_file(RELIEF_BPMN)
    assert len(definition.dmn_xml) == 1  # the decision table beside the process was published with it
    return world


@pytest.mark.parametrize(
    ("data", "level", "next_steps"),
    [
        ({"amount": 800}, "handler", []),
        ({"amount": 1000}, "handler", []),
        ({"amount": "1000.01"}, "office_head", [("approve_head", "office_head")]),
        ({"amount": 5000}, "office_head", [("approve_head", "office_head")]),
        ({"amount": 8000}, "leader", [("approve_head", "office_head")]),
        ({}, "office_head", [("approve_head", "office_head")]),  # no amount: never straight to 办结
    ],
)
def test_the_decision_table_picks_the_approval_level(
    relief: World, data: dict[str, Any], level: str, next_steps: list[tuple[str, str]]
) -> None:
    case = _accepted(relief, data)

    assert case.data["approval_level"] == level
    assert _open_steps(case) == next_steps
    assert case.status == (CaseStatus.COMPLETED if not next_steps else CaseStatus.OPEN)


def test_above_5000_the_head_reports_to_the_leader(relief: World) -> None:
    case = _accepted(relief, {"amount": 8000})
    head_item = case.work_items.get(step="approve_head")
    work_item_complete(actor=relief.head, item=head_item, outcome="agree", opinion="拟同意，报分管领导")
    case.refresh_from_db()
    assert _open_steps(case) == [("approve_leader", "leader")]

    leader_item = case.work_items.get(step="approve_leader")
    work_item_complete(actor=relief.leader, item=leader_item, outcome="approve", opinion="同意")
    case.refresh_from_db()
    assert case.status == CaseStatus.COMPLETED


def test_an_amount_that_is_not_a_number_stops_with_a_clear_message(relief: World) -> None:
    from egov.kernel.errors import Rejected

    case = case_start(
        actor=relief.handler,
        process_key="demo_relief_routing",
        org_unit=relief.qianqi,
        title="临时救助申请",
        data={"amount": "三千元"},
    )
    accept = case.work_items.get(step="accept")
    with pytest.raises(Rejected) as refused:
        work_item_complete(actor=relief.handler, item=accept, outcome="accept", opinion="情况属实")
    assert refused.value.code == "process_error"
    assert "流程运行出错" in refused.value.message
    accept.refresh_from_db()
    assert accept.status == "open"  # nothing was completed
