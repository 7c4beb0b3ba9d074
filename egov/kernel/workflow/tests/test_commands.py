"""The management commands and the background task around the services."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from egov.kernel.workflow.models import ProcessDefinition
from egov.kernel.workflow.tasks import supervision_sweep
from egov.kernel.workflow.tests.conftest import DEMO_BPMN, World


@pytest.mark.django_db
def test_publish_command_reports_the_version_and_refuses_a_missing_file(world: World) -> None:
    out = StringIO()
    call_command("workflow_publish", str(DEMO_BPMN), stdout=out)
    assert out.getvalue().strip() == "demo_joint_approval v1（两部门联合审批（演示））"
    assert ProcessDefinition.objects.count() == 1
    with pytest.raises(CommandError) as excinfo:
        call_command("workflow_publish", "/nonexistent/x.bpmn")
    assert str(excinfo.value) == "文件不存在：/nonexistent/x.bpmn"


@pytest.mark.django_db
def test_supervise_command_and_task(world: World) -> None:
    out = StringIO()
    call_command("workflow_supervise", "--date", "2025-11-03", stdout=out)
    assert out.getvalue().splitlines()[-1] == "2025-11-03 监察完成，状态变化 0 项"
    with pytest.raises(CommandError) as excinfo:
        call_command("workflow_supervise", "--date", "2025/11/03")
    assert str(excinfo.value) == "日期格式应为 YYYY-MM-DD"
    result = supervision_sweep.enqueue()  # the immediate backend in tests
    assert result.return_value == {
        "cases_red": 0,
        "cases_yellow": 0,
        "cases_green": 0,
        "items_red": 0,
        "items_yellow": 0,
        "items_green": 0,
    }
