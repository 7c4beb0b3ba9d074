"""The demo step: publishes the process, adds the people it needs, starts cases at several steps; twice is once."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management.base import OutputWrapper

from egov.kernel.orgs.demo import discover_demo_steps
from egov.kernel.workflow.models import Case, WorkItem


@pytest.mark.django_db
def test_demo_cases_are_loaded_once() -> None:
    steps = {step.name: step for step in discover_demo_steps()}
    out = StringIO()
    for _run in range(2):
        for name in ("orgs", "accounts", "workflow"):
            steps[name].load(OutputWrapper(out))
    assert (
        out.getvalue().splitlines()[-1]
        == "流程：已发布 demo_joint_approval v1、demo_relief_routing v1；新增办理人员 0 名；新增演示办件 0 件"
    )
    assert sorted(Case.objects.values_list("current_steps", "status")) == [
        ("", "completed"),
        ("分管领导审批", "open"),
        ("受理", "open"),
        ("盟发改委审核、盟财政局审核", "open"),
        ("科室负责人审批", "open"),
        ("领导审批", "open"),
    ]
    # the relief cases went where the decision table sent them, to the people who hold those roles
    head = WorkItem.objects.get(step="approve_head", status="open")
    assert (head.queue_org_unit.code, head.queue_role) == ("152221-MZJ-SHJZK", "office_head")
    assert Case.objects.get(current_steps="分管领导审批").data["approval_level"] == "leader"
    assert WorkItem.objects.filter(status="open", step="review_fgw", queue_org_unit__code="152200-FGW").count() == 1
