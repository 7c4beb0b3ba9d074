"""The assignment's copy of its case's status, light and due date follows every kernel transition (ADR 0018)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from egov.domain.agency.models import AgentAssignment
from egov.domain.agency.selectors import DashboardFilters, dashboard
from egov.domain.agency.services import agent_assign
from egov.domain.agency.tests.conftest import World, complete_case, start_case
from egov.domain.agency.tests.factories import AgentRuleFactory
from egov.domain.services.models import SUBJECT_TYPE
from egov.kernel.workflow.models import Case, CaseStatus, Light
from egov.kernel.workflow.services import (
    case_extend,
    case_resume,
    case_suspend,
    case_terminate,
    supervision_sweep,
)

pytestmark = pytest.mark.django_db


def copies_match(case: Case) -> AgentAssignment:
    case.refresh_from_db()
    assignment = AgentAssignment.objects.get(case=case)
    assert (assignment.case_status, assignment.case_light, assignment.case_due_on) == (
        case.status,
        case.light,
        case.watch_due_on,
    )
    return assignment


def test_the_copy_follows_suspension_resumption_extension_sweep_and_completion(world: World) -> None:
    AgentRuleFactory(county=world.wlht, agent_unit=world.wlht_zsj)
    case = start_case(world)
    assert agent_assign(case=case, county=world.wlht, theme_codes=[]) is not None
    first_due = copies_match(case).case_due_on
    assert first_due is not None

    case_suspend(actor=world.handler, case=case, reason_code="expert_review", reason="组织专家评审", owner=SUBJECT_TYPE)
    assert copies_match(case).case_status == CaseStatus.SUSPENDED
    case_resume(actor=world.handler, case=case, reason="评审结束", owner=SUBJECT_TYPE)
    assert copies_match(case).case_status == CaseStatus.OPEN

    case_extend(
        actor=world.handler,
        case=case,
        days=5,
        unit="wd",
        reason="需现场核查",
        approved_by=world.leader,
        owner=SUBJECT_TYPE,
    )
    extended_due = copies_match(case).case_due_on
    assert extended_due is not None and extended_due > first_due

    # the daily sweep after the due date turns the case red, in the copy too; the 超期 list finds it
    supervision_sweep(today=extended_due + timedelta(days=1), notify_people=False)
    assert copies_match(case).case_light == Light.RED
    page = dashboard(copies_match(case).agent, filters=DashboardFilters(light=Light.RED), sort="due")
    assert [row.case.pk for row in page.rows] == [case.pk] and page.counts["red"] == 1

    complete_case(world, case)
    assert copies_match(case).case_status == CaseStatus.COMPLETED
    assert dashboard(copies_match(case).agent).counts["active"] == 0


def test_the_copy_follows_termination_and_an_assignment_starts_as_its_case_is(world: World) -> None:
    AgentRuleFactory(county=world.wlht, agent_unit=world.wlht_zsj)
    case = start_case(world)
    case_suspend(actor=world.handler, case=case, reason_code="expert_review", reason="组织专家评审", owner=SUBJECT_TYPE)
    assert agent_assign(case=Case.objects.get(pk=case.pk), county=world.wlht, theme_codes=[]) is not None
    assert copies_match(case).case_status == CaseStatus.SUSPENDED

    case_terminate(actor=world.leader, case=case, reason="申请人逾期未补正", owner=SUBJECT_TYPE)
    assert copies_match(case).case_status == CaseStatus.TERMINATED
