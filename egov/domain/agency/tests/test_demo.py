"""The demo step: rules for daiban_wlht, an agent for every demo case, evaluations; a rerun adds nothing."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management.base import OutputWrapper

from egov.domain.agency.demo import load
from egov.domain.agency.models import AgentAssignment, AgentRule, CaseMessage, Evaluation
from egov.kernel.workflow.models import Case
from egov.kernel.workflow.selectors import can_view_case


@pytest.mark.django_db
def test_demo_assigns_the_demo_agent_and_is_idempotent(django_capture_on_commit_callbacks) -> None:
    from egov.kernel.orgs.demo import accounts, tree
    from egov.kernel.workflow import demo as workflow_demo

    out = OutputWrapper(StringIO())
    with django_capture_on_commit_callbacks(execute=True):
        tree.load(out)
        accounts.load(out)
        workflow_demo.load(out)
        load(out)

    cases = Case.objects.filter(applicant__isnull=False)
    assert cases.exists()
    assignments = AgentAssignment.objects.select_related("agent")
    assert assignments.count() == cases.count()
    assert {assignment.agent.username for assignment in assignments} == {"daiban_wlht"}
    agent = assignments[0].agent
    assert all(can_view_case(agent, case) for case in cases)
    assert AgentRule.objects.count() == 2
    assert CaseMessage.objects.count() == 2
    assert Evaluation.objects.count() == Case.objects.filter(applicant__isnull=False, status="completed").count()

    before = (
        AgentRule.objects.count(),
        AgentAssignment.objects.count(),
        CaseMessage.objects.count(),
        Evaluation.objects.count(),
    )
    load(out)
    after = (
        AgentRule.objects.count(),
        AgentAssignment.objects.count(),
        CaseMessage.objects.count(),
        Evaluation.objects.count(),
    )
    assert before == after
