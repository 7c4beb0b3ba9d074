"""Case messages (申请人 ↔ 代办员/办理人员) and the agent's 催办."""

from __future__ import annotations

import pytest

from egov.domain.agency.models import AgentAssignment, CaseMessage, MessageSide
from egov.domain.agency.services import case_chase, case_message_post
from egov.domain.agency.tests.conftest import World, start_case, to_cosign
from egov.kernel.access.policy import AccessDenied
from egov.kernel.audit.models import AuditEntry
from egov.kernel.errors import Conflict, Rejected
from egov.kernel.notify.models import Message
from egov.kernel.workflow.models import Light, SupervisionLevel, SupervisionRecord, WorkItem

pytestmark = pytest.mark.django_db


def _assign(world: World, case, agent=None) -> AgentAssignment:  # type: ignore[no-untyped-def]
    return AgentAssignment.objects.create(
        case=case, agent=agent or world.agent1, agent_unit=world.wlht_zsj, case_started_at=case.started_at
    )


def test_applicant_and_agent_talk_and_the_other_side_is_told(world: World, django_capture_on_commit_callbacks) -> None:
    case = start_case(world)
    _assign(world, case)

    with django_capture_on_commit_callbacks(execute=True):
        question = case_message_post(actor=world.citizen, case=case, body="请问还需要补充什么材料？")
    with django_capture_on_commit_callbacks(execute=True):
        answer = case_message_post(actor=world.agent1, case=case, body="材料齐全，正在会签。")

    assert (question.side, answer.side) == (MessageSide.APPLICANT, MessageSide.AGENT)
    assert Message.objects.filter(recipient=world.agent1, event="agency.message").count() == 1
    assert Message.objects.filter(recipient=world.citizen, event="agency.message").count() == 1


def test_handler_of_another_department_may_write_and_agent_hears(
    world: World, django_capture_on_commit_callbacks
) -> None:
    case = start_case(world)
    _assign(world, case)
    to_cosign(world, case)  # now 盟发改委 holds a step

    with django_capture_on_commit_callbacks(execute=True):
        note = case_message_post(actor=world.fgw_handler, case=case, body="请补充项目备案证明。")

    assert note.side == MessageSide.HANDLER
    assert Message.objects.filter(recipient=world.citizen, event="agency.message").exists()
    assert Message.objects.filter(recipient=world.agent1, event="agency.message").exists()


def test_without_agent_the_applicants_message_goes_to_the_step_holders(
    world: World, django_capture_on_commit_callbacks
) -> None:
    case = start_case(world)
    with django_capture_on_commit_callbacks(execute=True):
        case_message_post(actor=world.citizen, case=case, body="何时受理？")
    assert Message.objects.filter(recipient=world.handler, event="agency.message").exists()


@pytest.mark.parametrize("who", ["other_citizen", "agent2", "tuquan_agent", "czj_handler"])
def test_outsiders_may_not_write(world: World, who: str) -> None:
    case = start_case(world)
    _assign(world, case)
    with pytest.raises(AccessDenied):
        case_message_post(actor=getattr(world, who), case=case, body="你好")
    assert not CaseMessage.objects.exists()


def test_message_body_rules(world: World) -> None:
    case = start_case(world)
    with pytest.raises(Rejected, match="请填写留言内容"):
        case_message_post(actor=world.citizen, case=case, body="   ")
    with pytest.raises(Rejected, match="留言内容不能超过 2000 个字"):
        case_message_post(actor=world.citizen, case=case, body="字" * 2001)
    assert not CaseMessage.objects.exists()


def test_agent_chases_an_overdue_step(world: World, django_capture_on_commit_callbacks) -> None:
    # given the case waits at 盟发改委, whose step is overdue
    case = start_case(world)
    _assign(world, case)
    fgw_item = to_cosign(world, case)["review_fgw"]
    WorkItem.objects.filter(pk=fgw_item.pk).update(light=Light.RED)
    fgw_item.refresh_from_db()

    # when the agent chases it
    with django_capture_on_commit_callbacks(execute=True):
        record = case_chase(actor=world.agent1, item=fgw_item, note="申请人急需")

    # then a 督办 record is on the case and the department's handlers are told
    assert (record.level, record.by, record.work_item) == (SupervisionLevel.MANUAL, world.agent1, fgw_item)
    assert record.note == "代办员催办：申请人急需"
    message = Message.objects.get(recipient=world.fgw_handler, event="agency.chase")
    assert "超期" in message.body and "盟发改委审核" in message.body
    assert not Message.objects.filter(recipient=world.czj_handler, event="agency.chase").exists()
    # recorded and audited by the workflow kernel (the agency writes nothing of its own)
    (entry,) = AuditEntry.objects.filter(action__contains="chase")
    assert (entry.action, entry.actor_username, entry.target_repr) == (
        "workflow.work_item_chase",
        world.agent1.username,
        case.number,
    )

    # at most once a day
    with pytest.raises(Conflict, match="今天已催办过该环节"):
        case_chase(actor=world.agent1, item=fgw_item)
    assert SupervisionRecord.objects.count() == 1


def test_chase_rules(world: World, django_capture_on_commit_callbacks) -> None:
    case = start_case(world)
    _assign(world, case)
    items = to_cosign(world, case)
    green = items["review_czj"]
    with pytest.raises(Rejected, match="尚未临期或超期"):
        case_chase(actor=world.agent1, item=green)
    WorkItem.objects.filter(pk=green.pk).update(light=Light.YELLOW)
    green.refresh_from_db()
    for outsider in (world.agent2, world.citizen, world.fgw_handler, world.agent_head):
        with pytest.raises(AccessDenied):
            case_chase(actor=outsider, item=green)
    assert not SupervisionRecord.objects.exists()
    # a supervisor of the case's own unit may urge it too (督办)
    with django_capture_on_commit_callbacks(execute=True):
        record = case_chase(actor=world.leader, item=green, note="请今天办结")
    # and is named as what they are, not as the agent
    assert (record.by, record.work_item, record.note) == (world.leader, green, "督办人员催办：请今天办结")
    message = Message.objects.get(recipient=world.czj_handler, event="agency.chase")
    assert message.body.startswith(f"督办人员{world.leader.display_name}催办")
