"""The demo process end to end through the services: 受理 → 会签 (two departments in parallel) → 领导审批."""

from __future__ import annotations

import pytest

from egov.kernel.notify.models import Message
from egov.kernel.workflow.models import Case, CaseStatus, WorkItem, WorkItemStatus
from egov.kernel.workflow.services import case_start, work_item_claim, work_item_complete
from egov.kernel.workflow.tests.conftest import World


def _open(case: Case) -> dict[str, WorkItem]:
    return {item.step: item for item in case.work_items.filter(status__in=["open", "claimed"])}


def start(world: World, title: str = "某企业固定资产投资项目联合审批") -> Case:
    return case_start(
        actor=world.handler,
        process_key="demo_joint_approval",
        org_unit=world.qianqi,
        title=title,
        applicant=world.citizen,
        statutory_limit=20,
        promised_limit=10,
    )


@pytest.mark.django_db
def test_case_runs_through_cosignature_and_approval(world: World, django_capture_on_commit_callbacks) -> None:
    # given a started case
    with django_capture_on_commit_callbacks(execute=True):
        case = start(world)
    accept = _open(case)["accept"]
    assert (accept.queue_org_unit, accept.queue_role, accept.assignee) == (world.qianqi, "handler", None)
    assert case.current_steps == "受理"
    assert Message.objects.filter(recipient=world.handler, subject__contains="新待办").exists()

    # when it is accepted, both departments get an item at once (会签)
    work_item_complete(actor=world.handler, item=accept, outcome="accept", opinion="材料齐全，予以受理")
    items = _open(case)
    assert set(items) == {"review_fgw", "review_czj"}
    assert items["review_fgw"].queue_org_unit == world.fgw
    assert items["review_czj"].queue_org_unit == world.czj
    assert items["review_fgw"].sent_by == world.handler

    # the join waits for both branches
    work_item_complete(actor=world.fgw_handler, item=items["review_fgw"], outcome="agree", opinion="同意")
    assert set(_open(case)) == {"review_czj"}
    work_item_complete(actor=world.czj_handler, item=items["review_czj"], outcome="agree", opinion="同意")
    approve = _open(case)["approve"]
    assert (approve.queue_org_unit, approve.queue_role) == (world.qianqi, "leader")

    # then the leader's approval completes the case
    with django_capture_on_commit_callbacks(execute=True):
        work_item_complete(actor=world.leader, item=approve, outcome="approve", opinion="同意办理")
    case.refresh_from_db()
    assert case.status == CaseStatus.COMPLETED
    assert case.completed_at is not None
    assert case.current_steps == ""
    assert not _open(case)
    assert list(case.work_items.order_by("pk").values_list("step", "status", "completed_by__username")) == [
        ("accept", WorkItemStatus.COMPLETED, "wf_handler"),
        ("review_fgw", WorkItemStatus.COMPLETED, "wf_fgw_handler"),
        ("review_czj", WorkItemStatus.COMPLETED, "wf_czj_handler"),
        ("approve", WorkItemStatus.COMPLETED, "wf_leader"),
    ]
    assert Message.objects.filter(recipient=world.citizen, subject__contains="办结").exists()


@pytest.mark.django_db
def test_leader_not_approving_routes_back_to_acceptance(world: World) -> None:
    # given a case at the leader's step
    case = start(world)
    work_item_complete(actor=world.handler, item=_open(case)["accept"], outcome="accept")
    for step, user in (("review_fgw", world.fgw_handler), ("review_czj", world.czj_handler)):
        work_item_complete(actor=user, item=_open(case)[step], outcome="agree")

    # when the leader does not approve
    work_item_complete(actor=world.leader, item=_open(case)["approve"], outcome="revise", opinion="请补充论证")

    # then the exclusive gateway sends it back to 受理 and the case stays open
    case.refresh_from_db()
    assert set(_open(case)) == {"accept"}
    assert case.status == CaseStatus.OPEN
    assert case.current_steps == "受理"


@pytest.mark.django_db
def test_claimed_item_is_completed_by_the_claimant_only(world: World) -> None:
    case = start(world)
    accept = work_item_claim(actor=world.handler, item=_open(case)["accept"])
    assert (accept.status, accept.assignee) == (WorkItemStatus.CLAIMED, world.handler)

    from egov.kernel.errors import Rejected

    with pytest.raises(Rejected) as excinfo:
        work_item_complete(actor=world.handler2, item=accept, outcome="accept")
    assert excinfo.value.message == "该待办由张三办理，您不能处理"
    accept.refresh_from_db()
    assert accept.status == WorkItemStatus.CLAIMED
