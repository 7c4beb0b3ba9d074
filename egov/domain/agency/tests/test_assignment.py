"""Agent rules, load balancing, the case-view rule and 改派."""

from __future__ import annotations

import pytest

from egov.domain.agency.models import AgentAssignment, AgentReassignment, AgentRule, AssignmentMiss
from egov.domain.agency.services import (
    agent_assign,
    agent_assign_retry,
    agent_reassign,
    agent_rule_delete,
    agent_rule_save,
    sync_case_copies,
)
from egov.domain.agency.tests.conftest import World, start_case, to_cosign
from egov.domain.agency.tests.factories import AgentRuleFactory, StaffFactory, grant
from egov.kernel.access.policy import AccessDenied
from egov.kernel.audit.models import AuditEntry
from egov.kernel.errors import Conflict, Rejected
from egov.kernel.notify.models import Message
from egov.kernel.workflow.models import Case, CaseStatus
from egov.kernel.workflow.selectors import can_view_case, case_for_user

pytestmark = pytest.mark.django_db


def test_rule_matches_county_subtree_and_theme(world: World) -> None:
    # given a 乌兰浩特 rule for 设立变更 and a League-wide catch-all with lower priority
    AgentRuleFactory(county=world.wlht, theme_codes=["sheli-biangeng"], agent_unit=world.wlht_zsj, priority=10)
    AgentRuleFactory(county=None, agent_unit=world.tuquan_zsj, priority=50)
    case = start_case(world)

    # when a 乌兰浩特 case on that theme is assigned
    assignment = agent_assign(case=case, county=world.wlht, theme_codes=["sheli-biangeng", "zhunying"])

    # then an agent of the 乌兰浩特 rule gets it
    assert assignment is not None
    assert assignment.agent in (world.agent1, world.agent2)
    assert assignment.agent_unit == world.wlht_zsj


def test_other_theme_falls_through_to_the_next_priority(world: World) -> None:
    AgentRuleFactory(county=world.wlht, theme_codes=["sheli-biangeng"], agent_unit=world.wlht_zsj, priority=10)
    fallback = AgentRuleFactory(county=None, agent_unit=world.tuquan_zsj, priority=50)
    case = start_case(world)

    assignment = agent_assign(case=case, county=world.wlht, theme_codes=["shehui-baozhang"])

    assert assignment is not None
    assert (assignment.agent, assignment.rule) == (world.tuquan_agent, fallback)


def test_county_rule_does_not_match_another_county(world: World) -> None:
    AgentRuleFactory(county=world.tuquan, agent_unit=world.tuquan_zsj, priority=10)
    case = start_case(world)

    assert agent_assign(case=case, county=world.wlht, theme_codes=[]) is None
    miss = AssignmentMiss.objects.get(case=case)
    assert miss.county == world.wlht
    assert AuditEntry.objects.filter(action="agency.assign_none", result="failure").exists()


def test_load_balancing_picks_the_agent_with_fewest_open_cases(world: World) -> None:
    # given agent1 already holds two open cases and agent2 one
    AgentRuleFactory(county=world.wlht, agent_unit=world.wlht_zsj, priority=10)
    first = [start_case(world, title=f"案{i}") for i in range(3)]
    for case, agent in zip(first, [world.agent1, world.agent1, world.agent2], strict=True):
        AgentAssignment.objects.create(
            case=case, agent=agent, agent_unit=world.wlht_zsj, case_started_at=case.started_at
        )

    # when two more cases arrive
    a = agent_assign(case=start_case(world, title="新案一"), county=world.wlht, theme_codes=[])
    b = agent_assign(case=start_case(world, title="新案二"), county=world.wlht, theme_codes=[])

    # then agent2 gets the first (1 < 2); then both hold two, and the tie goes to the older account
    assert a is not None and b is not None
    assert a.agent == world.agent2
    assert b.agent == world.agent1


def test_completed_cases_do_not_count_as_load(world: World) -> None:
    AgentRuleFactory(county=world.wlht, agent_unit=world.wlht_zsj)
    old = [start_case(world, title=f"旧案{i}") for i in range(2)]
    for case in old:
        AgentAssignment.objects.create(
            case=case, agent=world.agent1, agent_unit=world.wlht_zsj, case_started_at=case.started_at
        )
    Case.objects.filter(pk__in=[case.pk for case in old]).update(status=CaseStatus.COMPLETED)
    sync_case_copies([case.pk for case in old])  # what the kernel's completion calls
    busy = start_case(world, title="在办")
    AgentAssignment.objects.create(
        case=busy, agent=world.agent2, agent_unit=world.wlht_zsj, case_started_at=busy.started_at
    )

    assignment = agent_assign(case=start_case(world), county=world.wlht, theme_codes=[])

    assert assignment is not None and assignment.agent == world.agent1


def test_assignment_is_idempotent_and_notifies(world: World, django_capture_on_commit_callbacks) -> None:
    AgentRuleFactory(county=world.wlht, agent_unit=world.wlht_zsj)
    case = start_case(world)
    with django_capture_on_commit_callbacks(execute=True):
        first = agent_assign(case=case, county=world.wlht, theme_codes=[])
    again = agent_assign(case=case, county=world.wlht, theme_codes=[])

    assert first is not None and again is not None and first.pk == again.pk
    assert AgentAssignment.objects.filter(case=case).count() == 1
    assert Message.objects.filter(recipient=first.agent, event="agency.assigned").count() == 1
    assert Message.objects.filter(recipient=world.citizen, event="agency.agent_for_applicant").exists()


def test_inactive_rule_and_rule_without_agents_are_skipped(world: World) -> None:
    AgentRuleFactory(county=world.wlht, agent_unit=world.wlht_zsj, priority=1, is_active=False)
    AgentRuleFactory(county=world.wlht, agent_unit=world.wlht_scj, priority=5)  # nobody holds the agent role there
    AgentRuleFactory(county=None, agent_unit=world.tuquan_zsj, priority=9)

    assignment = agent_assign(case=start_case(world), county=world.wlht, theme_codes=[])

    assert assignment is not None and assignment.agent == world.tuquan_agent


def test_agent_sees_the_whole_case_across_departments(world: World) -> None:
    # given a 乌兰浩特 case now waiting at 盟发改委 and 盟财政局 (two units the agent has no role in)
    AgentRuleFactory(county=world.wlht, agent_unit=world.wlht_zsj)
    case = start_case(world)
    assignment = agent_assign(case=case, county=world.wlht, theme_codes=[])
    assert assignment is not None
    items = to_cosign(world, case)
    assert {item.org_unit for item in items.values()} == {world.fgw, world.czj}

    # then the agent may open it, the other agent and the other county's agent may not
    other = world.agent2 if assignment.agent == world.agent1 else world.agent1
    assert can_view_case(assignment.agent, case)
    assert case_for_user(assignment.agent, case.number) == case
    assert not can_view_case(other, case)
    assert not can_view_case(world.tuquan_agent, case)
    with pytest.raises(AccessDenied):
        case_for_user(other, case.number)


def test_reassign_by_supervisor_moves_the_view(world: World, django_capture_on_commit_callbacks) -> None:
    AgentRuleFactory(county=world.wlht, agent_unit=world.wlht_zsj)
    case = start_case(world)
    assignment = agent_assign(case=case, county=world.wlht, theme_codes=[])
    assert assignment is not None and assignment.agent == world.agent1

    with django_capture_on_commit_callbacks(execute=True):
        agent_reassign(actor=world.agent_head, assignment=assignment, to_agent=world.agent2, reason="甲休假")

    assignment.refresh_from_db()
    assert assignment.agent == world.agent2
    history = AgentReassignment.objects.get(assignment=assignment)
    assert (history.from_agent, history.to_agent, history.by, history.reason) == (
        world.agent1,
        world.agent2,
        world.agent_head,
        "甲休假",
    )
    assert can_view_case(world.agent2, case) and not can_view_case(world.agent1, case)
    assert Message.objects.filter(recipient=world.agent2, event="agency.assigned").exists()


def test_reassign_rules(world: World) -> None:
    AgentRuleFactory(county=world.wlht, agent_unit=world.wlht_zsj)
    case = start_case(world)
    assignment = agent_assign(case=case, county=world.wlht, theme_codes=[])
    assert assignment is not None

    # an agent cannot reassign, nor a supervisor of another unit; nothing changes
    for actor in (world.agent1, world.head):
        with pytest.raises(AccessDenied):
            agent_reassign(actor=actor, assignment=assignment, to_agent=world.agent2, reason="x")
    assert not AgentReassignment.objects.exists()
    with pytest.raises(Rejected, match="所选人员不是本机构的代办员"):
        agent_reassign(actor=world.agent_head, assignment=assignment, to_agent=world.tuquan_agent, reason="x")
    with pytest.raises(Rejected, match="请填写改派原因"):
        agent_reassign(actor=world.agent_head, assignment=assignment, to_agent=world.agent2, reason=" ")
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.COMPLETED)
    with pytest.raises(Conflict, match="无需改派"):
        agent_reassign(actor=world.agent_head, assignment=assignment, to_agent=world.agent2, reason="x")
    assignment.refresh_from_db()
    assert assignment.agent == world.agent1


def test_rule_configuration_needs_configure_rights_at_the_league(world: World) -> None:
    # given a catalogue administrator at the League (services.manage_catalogue)
    catalogue = StaffFactory()
    grant(catalogue, "catalogue_admin", world.league, include_subunits=True)
    kwargs = {"name": "乌兰浩特设立登记", "county": world.wlht, "theme_codes": ["a"], "agent_unit": world.wlht_zsj}

    rule = agent_rule_save(actor=catalogue, priority=10, **kwargs)
    rule = agent_rule_save(actor=world.sysadmin, rule=rule, priority=20, **{**kwargs, "theme_codes": [" b ", "a"]})
    assert (rule.priority, rule.theme_codes) == (20, ["a", "b"])

    # a county's own administrator or an agent may not
    county_admin = StaffFactory()
    grant(county_admin, "sysadmin", world.wlht, include_subunits=True)
    for actor in (county_admin, world.agent1):
        with pytest.raises(AccessDenied):
            agent_rule_save(actor=actor, priority=1, **kwargs)
        with pytest.raises(AccessDenied):
            agent_rule_delete(actor=actor, rule=rule)
    assert AgentRule.objects.count() == 1

    with pytest.raises(Rejected, match="适用地区须为盟或旗县市"):
        agent_rule_save(actor=world.sysadmin, priority=1, **{**kwargs, "county": world.wlht_scj})
    with pytest.raises(Rejected, match="请填写规则名称"):
        agent_rule_save(actor=world.sysadmin, priority=1, **{**kwargs, "name": ""})
    agent_rule_delete(actor=world.sysadmin, rule=rule)
    assert not AgentRule.objects.exists()


def test_supervisor_of_the_agents_sees_their_cases_others_do_not(world: World) -> None:
    AgentRuleFactory(county=world.wlht, agent_unit=world.wlht_zsj)
    case = start_case(world)
    assert agent_assign(case=case, county=world.wlht, theme_codes=[]) is not None
    to_cosign(world, case)

    # the head of the agents' unit (workflow.supervise there) may open it; the owner unit's head as before;
    # a head elsewhere and the 突泉 agent may not
    elsewhere = StaffFactory()
    grant(elsewhere, "office_head", world.tuquan_zsj)
    assert can_view_case(world.agent_head, case)
    assert can_view_case(world.head, case)
    assert not can_view_case(elsewhere, case)
    assert not can_view_case(world.tuquan_agent, case)


def test_unplaced_case_is_assigned_after_the_rules_are_fixed(world: World) -> None:
    # given a 乌兰浩特 case no rule placed
    case = start_case(world)
    assert agent_assign(case=case, county=world.wlht, theme_codes=["sheli-biangeng"]) is None
    miss = AssignmentMiss.objects.get(case=case)
    with pytest.raises(AccessDenied):
        agent_assign_retry(actor=world.agent1, miss=miss)
    assert agent_assign_retry(actor=world.sysadmin, miss=miss) is None  # still no rule

    # when the administrator adds a rule and retries
    AgentRuleFactory(county=world.wlht, theme_codes=["sheli-biangeng"], agent_unit=world.wlht_zsj)
    assignment = agent_assign_retry(actor=world.sysadmin, miss=miss)

    # then the case has its agent and the miss is gone
    assert assignment is not None and assignment.agent == world.agent1
    assert not AssignmentMiss.objects.exists()
