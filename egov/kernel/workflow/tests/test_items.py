"""Work item rules: claim / unclaim, return (退回), transfer (转办), delegate (委托), withdraw (撤回), versions."""

from __future__ import annotations

import pytest

from egov.kernel.errors import Conflict, Rejected
from egov.kernel.workflow.models import Case, WorkItem, WorkItemStatus
from egov.kernel.workflow.services import (
    case_start,
    work_item_claim,
    work_item_complete,
    work_item_delegate,
    work_item_open,
    work_item_return,
    work_item_transfer,
    work_item_unclaim,
    work_item_withdraw,
)
from egov.kernel.workflow.tests.conftest import World


def _open(case: Case) -> dict[str, WorkItem]:
    return {item.step: item for item in case.work_items.filter(status__in=["open", "claimed"])}


def _start(world: World) -> Case:
    return case_start(actor=world.handler, process_key="demo_joint_approval", org_unit=world.qianqi, title="联合审批")


def _at_cosign(world: World) -> Case:
    case = _start(world)
    work_item_complete(actor=world.handler, item=_open(case)["accept"], outcome="accept", opinion="受理")
    return case


@pytest.mark.django_db
def test_claim_takes_item_out_of_queue_and_second_claim_is_refused(world: World) -> None:
    item = _open(_start(world))["accept"]
    work_item_claim(actor=world.handler, item=item)
    with pytest.raises(Conflict) as excinfo:
        work_item_claim(actor=world.handler2, item=item)
    assert excinfo.value.message == "该待办已由张三认领"
    item.refresh_from_db()
    assert (item.status, item.assignee) == (WorkItemStatus.CLAIMED, world.handler)


@pytest.mark.django_db
def test_unclaim_puts_item_back_into_queue(world: World) -> None:
    item = work_item_claim(actor=world.handler, item=_open(_start(world))["accept"])
    with pytest.raises(Rejected) as excinfo:
        work_item_unclaim(actor=world.handler2, item=item)
    assert excinfo.value.message == "该待办由张三认领，您不能取消认领"
    work_item_unclaim(actor=world.handler, item=item)
    item.refresh_from_db()
    assert (item.status, item.assignee) == (WorkItemStatus.OPEN, None)


@pytest.mark.django_db
def test_completing_twice_tells_who_did_it(world: World) -> None:
    item = _open(_start(world))["accept"]
    work_item_complete(actor=world.handler, item=item, outcome="accept")
    with pytest.raises(Conflict) as excinfo:
        work_item_complete(actor=world.handler2, item=item, outcome="accept")
    assert excinfo.value.code == "work_item_taken"
    assert excinfo.value.message == "该待办已由张三办理，无需重复处理"
    assert WorkItem.objects.filter(case=item.case, step="review_fgw").count() == 1


@pytest.mark.django_db
def test_stale_version_is_refused(world: World) -> None:
    item = _open(_start(world))["accept"]
    version = item.version
    work_item_claim(actor=world.handler, item=item)
    with pytest.raises(Conflict) as excinfo:
        work_item_complete(actor=world.handler, item=item, outcome="accept", expected_version=version)
    assert excinfo.value.message == "该待办已发生变化，请刷新后重试"


@pytest.mark.django_db
def test_outcome_is_required(world: World) -> None:
    item = _open(_start(world))["accept"]
    with pytest.raises(Rejected) as excinfo:
        work_item_complete(actor=world.handler, item=item, outcome="  ")
    assert (excinfo.value.message, excinfo.value.field) == ("请选择办理结果", "outcome")
    item.refresh_from_db()
    assert item.status == WorkItemStatus.OPEN


@pytest.mark.django_db
def test_return_from_cosign_goes_back_to_who_accepted_and_cancels_the_other_branch(world: World) -> None:
    # given a case in 会签
    case = _at_cosign(world)
    items = _open(case)

    # when 盟发改委 returns it to 受理
    work_item_return(actor=world.fgw_handler, item=items["review_fgw"], to_step="accept", opinion="材料不全，请补充")

    # then 受理 is open again, assigned to the person who accepted, and the 财政局 branch is cancelled
    now_open = _open(case)
    assert set(now_open) == {"accept"}
    assert now_open["accept"].assignee == world.handler
    items["review_fgw"].refresh_from_db()
    items["review_czj"].refresh_from_db()
    assert items["review_fgw"].status == WorkItemStatus.RETURNED
    assert items["review_fgw"].opinion == "材料不全，请补充"
    assert items["review_czj"].status == WorkItemStatus.CANCELLED

    # and accepting again starts both branches afresh
    work_item_complete(actor=world.handler, item=now_open["accept"], outcome="accept")
    assert set(_open(case)) == {"review_fgw", "review_czj"}


@pytest.mark.django_db
def test_return_only_to_a_step_already_done_and_with_a_reason(world: World) -> None:
    case = _at_cosign(world)
    item = _open(case)["review_fgw"]
    with pytest.raises(Rejected) as excinfo:
        work_item_return(actor=world.fgw_handler, item=item, to_step="approve", opinion="退回")
    assert excinfo.value.message == "只能退回到已办理过的环节"
    with pytest.raises(Rejected) as excinfo:
        work_item_return(actor=world.fgw_handler, item=item, to_step="accept", opinion="")
    assert excinfo.value.message == "退回时请填写退回理由"
    assert set(_open(case)) == {"review_fgw", "review_czj"}


@pytest.mark.django_db
def test_transfer_to_a_colleague_and_withdraw_before_it_is_opened(world: World) -> None:
    item = work_item_claim(actor=world.handler, item=_open(_start(world))["accept"])
    new = work_item_transfer(actor=world.handler, item=item, to_user=world.handler2, opinion="请李四办理")
    assert (new.assignee, new.sent_by, new.status) == (world.handler2, world.handler, WorkItemStatus.OPEN)
    item.refresh_from_db()
    assert item.status == WorkItemStatus.TRANSFERRED

    (back,) = work_item_withdraw(actor=world.handler, item=new)
    new.refresh_from_db()
    assert new.status == WorkItemStatus.WITHDRAWN
    assert (back.assignee, back.status, back.task_id) == (world.handler, WorkItemStatus.CLAIMED, item.task_id)


@pytest.mark.django_db
def test_withdraw_refused_once_the_receiver_opened_it(world: World) -> None:
    item = work_item_claim(actor=world.handler, item=_open(_start(world))["accept"])
    new = work_item_transfer(actor=world.handler, item=item, to_user=world.handler2)
    work_item_open(actor=world.handler2, item=new)
    with pytest.raises(Conflict) as excinfo:
        work_item_withdraw(actor=world.handler, item=new)
    assert excinfo.value.message == "对方已打开，无法撤回"
    new.refresh_from_db()
    assert (new.status, new.assignee) == (WorkItemStatus.OPEN, world.handler2)


@pytest.mark.django_db
def test_withdraw_a_completed_step_reopens_it_for_the_sender(world: World) -> None:
    case = _at_cosign(world)
    fgw = _open(case)["review_fgw"]
    created = work_item_withdraw(actor=world.handler, item=fgw)
    assert [(item.step, item.assignee) for item in created] == [("accept", world.handler)]
    assert set(_open(case)) == {"accept"}
    assert set(case.work_items.filter(step__startswith="review").values_list("status", flat=True)) == {"withdrawn"}


@pytest.mark.django_db
def test_only_the_sender_may_withdraw(world: World) -> None:
    case = _at_cosign(world)
    with pytest.raises(Rejected) as excinfo:
        work_item_withdraw(actor=world.handler2, item=_open(case)["review_fgw"])
    assert excinfo.value.message == "只有发送人可以撤回该待办"
    assert set(_open(case)) == {"review_fgw", "review_czj"}


@pytest.mark.django_db
def test_transfer_to_another_queue(world: World) -> None:
    case = _at_cosign(world)
    new = work_item_transfer(
        actor=world.fgw_handler, item=_open(case)["review_fgw"], to_org_unit=world.czj, to_role="handler"
    )
    assert (new.queue_org_unit, new.queue_role, new.assignee, new.org_unit) == (world.czj, "handler", None, world.czj)
    work_item_complete(actor=world.czj_handler, item=new, outcome="agree")
    assert set(_open(case)) == {"review_czj"}


@pytest.mark.django_db
def test_transfer_to_someone_without_permission_is_refused(world: World) -> None:
    item = work_item_claim(actor=world.handler, item=_open(_start(world))["accept"])
    with pytest.raises(Rejected) as excinfo:
        work_item_transfer(actor=world.handler, item=item, to_user=world.tuquan_handler)
    assert excinfo.value.message == "吴突泉在科右前旗没有办理权限"
    item.refresh_from_db()
    assert item.status == WorkItemStatus.CLAIMED


@pytest.mark.django_db
def test_delegate_then_delegate_completes_on_behalf(world: World) -> None:
    item = work_item_claim(actor=world.handler, item=_open(_start(world))["accept"])
    work_item_delegate(actor=world.handler, item=item, to_user=world.handler2)
    item.refresh_from_db()
    assert (item.assignee, item.delegated_by) == (world.handler2, world.handler)
    work_item_complete(actor=world.handler2, item=item, outcome="accept")
    item.refresh_from_db()
    assert (item.status, item.completed_by, item.delegated_by) == (
        WorkItemStatus.COMPLETED,
        world.handler2,
        world.handler,
    )
