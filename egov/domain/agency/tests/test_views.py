"""The pages: dashboard scoping, the agency case page, messages, evaluation, figures and the Excel export."""

from __future__ import annotations

from io import BytesIO
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from egov.domain.agency.models import AgentAssignment, AgentRule, CaseMessage, Evaluation, Level, Rectification
from egov.domain.agency.services import evaluation_submit, sync_case_copies
from egov.domain.agency.tests.conftest import World, mark_completed, start_case, to_cosign
from egov.kernel.accounts.models import User
from egov.kernel.audit.models import AuditEntry
from egov.kernel.calendar.deadlines import beijing_today
from egov.kernel.workflow.models import Case, Light, SupervisionRecord, WorkItem

pytestmark = pytest.mark.django_db


def client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def text(response: Any) -> str:
    return response.content.decode()


def set_case_light(case: Case, light: str) -> None:
    """What the daily sweep does to one case, without waiting for its due date: the light and its copy."""
    Case.objects.filter(pk=case.pk).update(light=light)
    sync_case_copies([case.pk])


def assign(world: World, case: Case, agent: User) -> AgentAssignment:
    return AgentAssignment.objects.create(
        case=case, agent=agent, agent_unit=agent.role_assignments.get().org_unit, case_started_at=case.started_at
    )


def test_dashboard_shows_only_the_agents_own_cases_with_step_and_department(world: World) -> None:
    # given a case of agent1 waiting at 盟发改委 and 盟财政局, one of agent2, one of the 突泉 agent
    mine = start_case(world, title="甲的办件")
    assign(world, mine, world.agent1)
    to_cosign(world, mine)
    WorkItem.objects.filter(case=mine, step="review_fgw").update(light=Light.RED)
    set_case_light(mine, Light.YELLOW)
    assign(world, start_case(world, title="乙的办件"), world.agent2)
    assign(world, start_case(world, title="丙的办件"), world.tuquan_agent)

    response = client_for(world.agent1).get(reverse("agency:dashboard"))

    assert response.status_code == 200
    page = text(response)
    assert "甲的办件" in page and "乙的办件" not in page and "丙的办件" not in page
    assert "盟发改委审核 · 盟发改委" in page and "盟财政局审核 · 盟财政局" in page
    assert "催办" in page
    assert "{#" not in page and "#}" not in page  # template comments stay out of the page
    assert response.context["counts"] == {"active": 1, "green": 0, "yellow": 1, "red": 0}


def test_dashboard_filters_and_bad_filters(world: World) -> None:
    red = start_case(world, title="红灯办件")
    green = start_case(world, title="绿灯办件")
    for case in (red, green):
        assign(world, case, world.agent1)
    set_case_light(red, Light.RED)
    client = client_for(world.agent1)

    page = text(client.get(reverse("agency:dashboard"), {"light": "red"}))
    assert "红灯办件" in page and "绿灯办件" not in page
    page = text(client.get(reverse("agency:dashboard"), {"number": green.number}))
    assert "绿灯办件" in page and "红灯办件" not in page
    response = client.get(reverse("agency:dashboard"), {"light": "purple", "sort": "nonsense"})
    assert response.status_code == 400


def test_team_view_for_the_supervisor_of_the_agents_only(world: World) -> None:
    assign(world, start_case(world, title="甲的办件"), world.agent1)
    assign(world, start_case(world, title="乙的办件"), world.agent2)
    assign(world, start_case(world, title="丙的办件"), world.tuquan_agent)

    page = text(client_for(world.agent_head).get(reverse("agency:dashboard")))
    assert "甲的办件" in page and "乙的办件" in page and "丙的办件" not in page

    # an agent cannot switch to the team view; staff with neither role get a 403
    page = text(client_for(world.agent1).get(reverse("agency:dashboard"), {"scope": "team"}))
    assert "乙的办件" not in page
    assert client_for(world.fgw_handler).get(reverse("agency:dashboard")).status_code == 403
    assert client_for(world.citizen).get(reverse("agency:dashboard")).status_code == 403


def test_agency_case_page_chase_and_message(world: World, django_capture_on_commit_callbacks) -> None:
    case = start_case(world)
    assign(world, case, world.agent1)
    to_cosign(world, case)
    item = WorkItem.objects.get(case=case, step="review_fgw")
    WorkItem.objects.filter(pk=item.pk).update(light=Light.RED)
    client = client_for(world.agent1)

    assert client.get(reverse("agency:case", args=[case.number])).status_code == 200
    response = client.post(reverse("agency:chase", args=[case.number, item.pk]), {"note": "请加快"})
    assert response.status_code == 302
    assert SupervisionRecord.objects.filter(work_item=item, by=world.agent1).exists()
    response = client.post(reverse("agency:chase", args=[case.number, item.pk]), {})
    assert response.status_code == 409 and "今天已催办过该环节" in text(response)

    response = client.post(reverse("agency:message_post", args=[case.number]), {"body": ""})
    assert response.status_code == 400 and "留言内容" in text(response)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("agency:message_post", args=[case.number]), {"body": "已催办发改委"})
    assert response.status_code == 302
    assert CaseMessage.objects.get().body == "已催办发改委"

    # another agent may not open it (403, audited)
    assert client_for(world.agent2).get(reverse("agency:case", args=[case.number])).status_code == 403
    assert AuditEntry.objects.filter(action="access.denied", actor=world.agent2).exists()


def test_reassign_page(world: World) -> None:
    case = start_case(world)
    assignment = assign(world, case, world.agent1)
    url = reverse("agency:reassign", args=[case.number])

    response = client_for(world.agent_head).post(url, {"to_agent": world.agent2.pk, "reason": ""})
    assert response.status_code == 400
    response = client_for(world.agent_head).post(url, {"to_agent": world.agent2.pk, "reason": "均衡工作量"})
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.agent == world.agent2


def test_applicant_messages_page_only_for_the_applicant(world: World, django_capture_on_commit_callbacks) -> None:
    case = start_case(world)
    assign(world, case, world.agent1)
    url = reverse("agency:case_messages", args=[case.number])

    # anonymous → sign in; other citizen and staff → 404 (the number is not revealed)
    assert client_for(None).get(url).status_code == 302
    assert client_for(world.other_citizen).get(url).status_code == 404
    assert client_for(world.agent1).get(url).status_code == 404
    assert client_for(world.other_citizen).post(url, {"body": "冒充"}).status_code == 404
    assert not CaseMessage.objects.exists()

    client = client_for(world.citizen)
    page = text(client.get(url))
    assert "您的代办员：代办甲" in page
    assert f'href="{reverse("services:my_case", args=[case.number])}"' in client.get(url).content.decode()
    response = client.post(url, {"body": ""})
    assert response.status_code == 400 and "留言内容" in text(response)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, {"body": "请问进度如何？"}).status_code == 302
    assert "请问进度如何？" in text(client.get(url))


def test_evaluate_page(world: World) -> None:
    case = start_case(world)
    url = reverse("agency:evaluate", args=[case.number])
    client = client_for(world.citizen)

    page = client.get(url).content.decode()
    assert "办件办结后才能评价" in page
    # the way back to the case the citizen came from
    assert f'href="{reverse("services:my_case", args=[case.number])}"' in page
    response = client.post(url, {"level": "5"})
    assert response.status_code == 400 and "办件办结后才能评价" in text(response)

    mark_completed(case)
    response = client.post(url, {"comment": "好"})
    assert response.status_code == 400 and "好" in text(response)  # what was typed stays
    assert client.post(url, {"level": "2", "comment": "等太久"}).status_code == 302
    assert Evaluation.objects.get().level == Level.DISSATISFIED
    assert Rectification.objects.count() == 1
    assert "每件办件只能评价一次" in text(client.get(url))
    assert client_for(world.other_citizen).post(url, {"level": "5"}).status_code == 404
    assert Evaluation.objects.count() == 1


def _month_figures(world: World) -> None:
    items = [("ITEM-A", "个体工商户设立登记"), ("ITEM-B", "食品经营许可")]
    levels = [(0, 5), (0, 5), (0, 4), (1, 3), (1, 1)]
    for index, (item, level) in enumerate(levels):
        case = mark_completed(start_case(world, title=f"办件{index}", applicant=world.citizen))
        evaluation_submit(
            actor=world.citizen, case=case, level=level, item_code=items[item][0], item_name=items[item][1]
        )


def test_evaluations_page_and_excel_export(world: World) -> None:
    # given five evaluations this month at the 市场监管局: 5,5,4 for item A; 3,1 for item B (one bad review)
    _month_figures(world)
    today = beijing_today()
    month = f"{today:%Y-%m}"

    response = client_for(world.head).get(reverse("agency:evaluations"), {"month": month})
    assert response.status_code == 200
    figures = response.context["figures"]
    (unit,) = figures.by_unit
    assert (unit.total, unit.levels[5], unit.levels[1], unit.rectifications) == (5, 2, 1, 1)
    assert unit.satisfaction_rate == pytest.approx(0.8)
    assert [row.key for row in figures.by_item] == ["ITEM-A", "ITEM-B"]
    assert "80.0%" in text(response)

    response = client_for(world.head).get(reverse("agency:evaluations_export"), {"month": month})
    assert response.status_code == 200
    workbook = load_workbook(BytesIO(response.content))
    assert workbook.sheetnames == ["按单位", "按事项"]
    units = list(workbook["按单位"].iter_rows(values_only=True))
    assert units[1][:7] == ("单位", "非常满意", "满意", "基本满意", "不满意", "非常不满意", "评价总数")
    assert units[2][:9] == ("乌兰浩特市市场监督管理局", 2, 1, 1, 0, 1, 5, "80.0%", 1)
    items = list(workbook["按事项"].iter_rows(values_only=True))
    assert items[2][:8] == ("个体工商户设立登记", "ITEM-A", 2, 1, 0, 0, 0, 3)
    assert items[3][:8] == ("食品经营许可", "ITEM-B", 0, 0, 1, 0, 1, 2)


def test_figures_are_scoped_to_the_users_units(world: World) -> None:
    _month_figures(world)
    # the 突泉 agent rectifies nowhere and reads no analysis: 403; a head elsewhere sees no rows
    assert client_for(world.tuquan_agent).get(reverse("agency:evaluations")).status_code == 403
    response = client_for(world.agent_head).get(reverse("agency:evaluations"))
    assert response.status_code == 200 and response.context["figures"].by_unit == []
    assert client_for(world.agent_head).get(reverse("agency:evaluations_export")).status_code == 200
    response = client_for(world.head).get(reverse("agency:evaluations_export"), {"month": "2026-13"})
    assert response.status_code == 400


def test_rectification_pages(world: World) -> None:
    case = mark_completed(start_case(world))
    evaluation_submit(actor=world.citizen, case=case, level=1, comment="很差")
    rectification = Rectification.objects.get()
    url = reverse("agency:rectification", args=[rectification.pk])
    client = client_for(world.head)

    assert client.get(url).status_code == 200
    assert client_for(world.agent_head).get(url).status_code == 404
    response = client.post(reverse("agency:rectification_action", args=[rectification.pk, "complete"]), {"result": "x"})
    assert response.status_code == 400 and "请先填写至少一条跟进记录" in text(response)
    follow = reverse("agency:rectification_action", args=[rectification.pk, "follow-up"])
    assert client.post(follow, {"note": "已回访"}).status_code == 302
    complete = reverse("agency:rectification_action", args=[rectification.pk, "complete"])
    assert client.post(complete, {"result": "已整改"}).status_code == 302
    rectification.refresh_from_db()
    assert rectification.status == "completed"


def test_rules_page(world: World) -> None:
    url = reverse("agency:rules")
    assert client_for(world.agent1).get(url).status_code == 403
    client = client_for(world.sysadmin)
    assert client.get(url).status_code == 200
    response = client.post(url, {"name": "", "agent_unit": world.wlht_zsj.pk, "priority": "10"})
    assert response.status_code == 400
    data = {
        "name": "乌兰浩特",
        "county": world.wlht.pk,
        "theme_codes": "sheli-biangeng，zhunying",
        "agent_unit": world.wlht_zsj.pk,
        "priority": "10",
        "is_active": "on",
    }
    assert client.post(url, data).status_code == 302
    rule = AgentRule.objects.get()
    assert rule.theme_codes == ["sheli-biangeng", "zhunying"]
    page = text(client.get(url))
    assert "代办甲（0）" in page
    edit = reverse("agency:rule_edit", args=[rule.pk])
    assert client.post(edit, {**data, "priority": "5"}).status_code == 302
    rule.refresh_from_db()
    assert rule.priority == 5
    assert client.post(reverse("agency:rule_delete", args=[rule.pk])).status_code == 302
    assert not AgentRule.objects.exists()


def test_evaluate_page_files_the_item_the_case_carries(world: World) -> None:
    case = mark_completed(start_case(world))
    Case.objects.filter(pk=case.pk).update(data={"item_code": "11152201MB1234567X", "item_name": "食品经营许可"})

    response = client_for(world.citizen).post(reverse("agency:evaluate", args=[case.number]), {"level": "4"})

    assert response.status_code == 302
    evaluation = Evaluation.objects.get()
    assert (evaluation.item_code, evaluation.item_name) == ("11152201MB1234567X", "食品经营许可")
