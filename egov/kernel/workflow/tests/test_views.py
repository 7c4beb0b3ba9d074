"""The staff workbench pages: lists, the case page, its actions and their permission matrix."""

from __future__ import annotations

from pathlib import Path
from typing import Any, cast

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.template.loader import render_to_string
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from egov.kernel.accounts.models import User
from egov.kernel.audit.models import AuditEntry
from egov.kernel.files.models import StoredFile
from egov.kernel.workflow.models import Case, CaseStatus, ClockEvent, WorkItem, WorkItemStatus
from egov.kernel.workflow.services import case_start, case_suspend, work_item_claim, work_item_complete
from egov.kernel.workflow.tests.conftest import World
from egov.kernel.workflow.tests.factories import StaffFactory, grant
from egov.kernel.workflow.views import diagram_xml

pytestmark = pytest.mark.django_db


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


def open_item(case: Case, step: str) -> WorkItem:
    return case.work_items.get(step=step, status__in=[WorkItemStatus.OPEN, WorkItemStatus.CLAIMED])


def client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def page_text(response: Any) -> str:
    return response.content.decode()


def flashed(response: Any) -> str:
    """The newest message (earlier ones of an unfollowed redirect are still queued)."""
    return [str(message) for message in get_messages(response.wsgi_request)][-1]


def snapshot(case: Case) -> tuple[Any, ...]:
    """Everything an action could change on a case."""
    case.refresh_from_db()
    items = list(case.work_items.order_by("pk").values_list("pk", "status", "assignee_id", "version", "outcome"))
    return case.status, case.lock_version, case.current_steps, items, ClockEvent.objects.filter(case=case).count()


# --- lists --------------------------------------------------------------------------------------------


def test_workbench_root_redirects_to_todo(world: World) -> None:
    response = client_for(world.handler).get(reverse("workflow:worklist"))
    assert response.status_code == 302
    assert response["Location"] == reverse("workflow:list", args=["todo"])


def test_todo_lists_the_queue_items_with_light_and_counts(world: World) -> None:
    # given two cases waiting for acceptance in 科右前旗
    first, second = start(world, "甲项目联合审批"), start(world, "乙项目联合审批")
    # when the handler opens 待办
    response = client_for(world.handler).get(reverse("workflow:list", args=["todo"]))
    # then both are listed with the step, the light in words and the remaining working days
    text = page_text(response)
    assert response.status_code == 200
    assert first.number in text and second.number in text
    assert "甲项目联合审批" in text and "受理" in text
    # 受理 has one working day: within the two-day warning window from the start, so 预警 (in words)
    assert [row["light_label"] for row in response.context["rows"]] == ["预警", "预警"]
    assert '<span class="wb-light wb-light-yellow"><span class="wb-dot" aria-hidden="true"></span>预警</span>' in text
    assert "剩余 1 个工作日" in text
    assert response.context["tabs"][0] == {
        "kind": "todo",
        "title": "待办",
        "count": 2,
        "url": reverse("workflow:list", args=["todo"]),
    }
    assert response.context["total"] == 2


@pytest.mark.parametrize("kind", ["done", "started"])
def test_done_and_started_lists_render(world: World, kind: str) -> None:
    # given a case the handler started and accepted
    case = start(world)
    work_item_complete(actor=world.handler, item=open_item(case, "accept"), outcome="approve", opinion="材料齐全")
    response = client_for(world.handler).get(reverse("workflow:list", args=[kind]))
    assert response.status_code == 200
    assert [row["number"] for row in response.context["rows"]] == [case.number]
    if kind == "done":
        assert "材料齐全" in page_text(response)
    else:
        assert "盟发改委审核、盟财政局审核" in page_text(response)


def test_warned_list_holds_the_yellow_items_only(world: World) -> None:
    # given a waiting 受理 (yellow from the start) and, for the fgw handler, a green three-day review
    case = start(world)
    response = client_for(world.handler).get(reverse("workflow:list", args=["warned"]))
    assert [(row["number"], row["light_label"]) for row in response.context["rows"]] == [(case.number, "预警")]
    other = client_for(world.fgw_handler).get(reverse("workflow:list", args=["warned"]))
    assert other.status_code == 200
    assert "暂无办件。" in page_text(other)


def test_other_county_handler_sees_none_of_these_items(world: World) -> None:
    case = start(world)
    response = client_for(world.tuquan_handler).get(reverse("workflow:list", args=["todo"]))
    assert case.number not in page_text(response)
    assert response.context["total"] == 0


def test_filters_narrow_the_list(world: World) -> None:
    start(world, "甲项目")
    client = client_for(world.handler)
    url = reverse("workflow:list", args=["todo"])
    response = client.get(url, {"light": "red", "process": "demo_joint_approval"})
    assert response.status_code == 200
    assert response.context["total"] == 0
    assert "没有符合筛选条件的办件。" in page_text(response)
    assert client.get(url, {"light": "yellow", "org_unit": str(world.qianqi.pk)}).context["total"] == 1
    assert client.get(url, {"process": "another_process"}).status_code == 400  # not a published process


def test_bad_filters_are_a_400_with_chinese_reasons_and_keep_the_input(world: World) -> None:
    response = client_for(world.handler).get(
        reverse("workflow:list", args=["todo"]), {"since": "2026-05-02", "until": "2026-05-01", "page": "0"}
    )
    assert response.status_code == 400
    text = page_text(response)
    assert "截止日期不能早于起始日期" in text
    assert "页码须为正整数" in text
    assert 'value="2026-05-02"' in text


def test_unknown_list_is_404(world: World) -> None:
    assert client_for(world.handler).get("/office/work/nonsense/").status_code == 404


def test_paging_and_sorting(world: World) -> None:
    # given 23 cases waiting (page size 20)
    numbers = [start(world, f"项目{index:02d}").number for index in range(23)]
    client = client_for(world.handler)
    url = reverse("workflow:list", args=["todo"])
    # when
    first = client.get(url, {"sort": "newest"})
    second = client.get(url, {"sort": "newest", "page": "2"})
    # then
    assert [row["number"] for row in first.context["rows"]] == numbers[::-1][:20]
    assert [row["number"] for row in second.context["rows"]] == numbers[::-1][20:]
    assert first.context["next_query"] == "?sort=newest&page=2"
    assert second.context["previous_query"] == "?sort=newest&page=1"
    assert "第 2 / 2 页" in page_text(second)
    beyond = client.get(url, {"page": 9})
    assert beyond.context["rows"] == []
    assert "该页没有内容" in page_text(beyond)


def test_home_panel_shows_counts_and_first_items(world: World) -> None:
    case = start(world)
    response = client_for(world.handler).get(reverse("workflow:home_panel"))
    assert response.status_code == 200
    assert case.number in page_text(response)
    assert response.context["counts"] == {"todo": 1, "warned": 1, "done": 0, "started": 1}


# --- the case page and the diagram -------------------------------------------------------------------


def test_case_page_shows_header_items_timeline_and_diagram_data(world: World) -> None:
    case = start(world)
    response = client_for(world.handler).get(reverse("workflow:case", args=[case.number]))
    assert response.status_code == 200
    text = page_text(response)
    assert "两部门联合审批（演示）" in text and "v1" in text
    assert "王*" in text and "王五" not in text  # the applicant is masked
    assert 'data-current="accept"' in text
    assert "认领" in text and "提交办理" in text
    assert "开始计时" in text  # the clock event in the timeline
    # the watched (earlier) due date with the days left, and both limits it comes from
    assert f"法定 {case.due_on:%Y-%m-%d} · 承诺 {case.promised_due_on:%Y-%m-%d}" in text
    assert case.watch_due_on == case.promised_due_on


def test_opening_the_case_page_marks_the_item_opened_for_its_handler_only(world: World) -> None:
    case = start(world)
    client_for(world.tuquan_handler).get(reverse("workflow:case", args=[case.number]))
    assert open_item(case, "accept").opened_at is None
    client_for(world.handler).get(reverse("workflow:case", args=[case.number]))
    assert open_item(case, "accept").opened_at is not None


def test_other_county_handler_gets_403_on_case_and_diagram(world: World) -> None:
    case = start(world)
    client = client_for(world.tuquan_handler)
    assert client.get(reverse("workflow:case", args=[case.number])).status_code == 403
    assert client.get(reverse("workflow:diagram", args=[case.number])).status_code == 403
    assert AuditEntry.objects.filter(actor=world.tuquan_handler, action="access.denied").count() == 2


def test_unknown_case_is_404(world: World) -> None:
    assert client_for(world.handler).get(reverse("workflow:case", args=["XA-1999-000001"])).status_code == 404


@pytest.mark.parametrize(
    ("who", "expected"),
    [("handler", 200), ("leader", 200), ("tuquan_handler", 403), ("citizen", 403), ("anonymous", 302)],
)
def test_diagram_permission(world: World, who: str, expected: int) -> None:
    case = start(world)
    user = None if who == "anonymous" else getattr(world, who)
    response = client_for(user).get(reverse("workflow:diagram", args=[case.number]))
    assert response.status_code == expected
    if expected == 200:
        assert response["Content-Type"] == "application/xml; charset=utf-8"
        assert 'id="demo_joint_approval"' in page_text(response)


# --- actions ------------------------------------------------------------------------------------------


def post_action(client: Client, case: Case, item: WorkItem, action: str, data: dict[str, Any] | None = None) -> Any:
    url = reverse("workflow:item_action", args=[case.number, item.pk, action])
    return client.post(url, {f"i{item.pk}-{key}": value for key, value in (data or {}).items()})


def test_claim_then_complete_redirects_with_success_message(world: World) -> None:
    case = start(world)
    client = client_for(world.handler)
    item = open_item(case, "accept")
    response = post_action(client, case, item, "claim")
    assert response.status_code == 302
    assert response["Location"] == reverse("workflow:case", args=[case.number])
    assert flashed(response) == "已认领“受理”，请及时办理"
    item.refresh_from_db()
    response = post_action(
        client, case, item, "complete", {"outcome": "approve", "opinion": "材料齐全", "version": item.version}
    )
    assert response.status_code == 302
    assert flashed(response) == "“受理”已办理"
    item.refresh_from_db()
    assert (item.status, item.opinion, item.completed_by) == (WorkItemStatus.COMPLETED, "材料齐全", world.handler)
    assert set(case.work_items.filter(status="open").values_list("step", flat=True)) == {"review_fgw", "review_czj"}


def test_completing_an_already_completed_item_is_a_conflict_message(world: World) -> None:
    # given a 受理 that the colleague completed while this page was open
    case = start(world)
    item = open_item(case, "accept")
    work_item_complete(actor=world.handler2, item=item, outcome="approve")
    before = snapshot(case)
    # when the handler submits the stale form
    response = post_action(client_for(world.handler), case, item, "complete", {"outcome": "approve", "opinion": "同意"})
    # then a 409 page with the winner's name, nothing changed
    assert response.status_code == 409
    assert "该待办已由李四办理，无需重复处理" in page_text(response)
    assert snapshot(case) == before


def test_invalid_form_keeps_the_typed_opinion(world: World) -> None:
    case = start(world)
    item = open_item(case, "accept")
    response = post_action(client_for(world.handler), case, item, "complete", {"outcome": "", "opinion": "我写的意见"})
    assert response.status_code == 400
    text = page_text(response)
    assert "请选择办理结果" in text
    assert "我写的意见" in text
    assert open_item(case, "accept").status == WorkItemStatus.OPEN


def test_return_needs_a_reason_and_goes_back_to_the_person(world: World) -> None:
    case = start(world)
    work_item_complete(actor=world.handler, item=open_item(case, "accept"), outcome="approve")
    review = open_item(case, "review_fgw")
    client = client_for(world.fgw_handler)
    response = post_action(client, case, review, "return", {"to_step": "accept", "opinion": ""})
    assert response.status_code == 400
    assert "退回时请填写退回理由" in page_text(response)
    response = post_action(client, case, review, "return", {"to_step": "accept", "opinion": "材料不全"})
    assert response.status_code == 302
    assert flashed(response) == "已退回到“受理”"
    assert open_item(case, "accept").assignee == world.handler


def test_transfer_to_a_colleague(world: World) -> None:
    case = start(world)
    item = work_item_claim(actor=world.handler, item=open_item(case, "accept"))
    response = post_action(client_for(world.handler), case, item, "transfer", {"to_user": world.handler2.pk})
    assert response.status_code == 302
    assert open_item(case, "accept").assignee == world.handler2


def test_transfer_requires_exactly_one_target(world: World) -> None:
    case = start(world)
    item = work_item_claim(actor=world.handler, item=open_item(case, "accept"))
    response = post_action(client_for(world.handler), case, item, "transfer", {})
    assert response.status_code == 400
    assert "请选择转办的人员，或转办的机构和角色（二选一）" in page_text(response)


def test_sender_withdraws_before_the_departments_open_it(world: World) -> None:
    case = start(world)
    work_item_complete(actor=world.handler, item=open_item(case, "accept"), outcome="approve")
    response = post_action(client_for(world.handler), case, open_item(case, "review_fgw"), "withdraw")
    assert response.status_code == 302
    assert flashed(response) == "已撤回“盟发改委审核”"
    assert open_item(case, "accept").assignee == world.handler


def test_suspend_and_resume_the_clock(world: World) -> None:
    case = start(world)
    client = client_for(world.handler)
    url = reverse("workflow:case_action", args=[case.number, "suspend"])
    response = client.post(url, {"case-reason_code": "correction", "case-reason": ""})
    assert response.status_code == 400
    assert "请填写暂停计时的原因说明" in page_text(response)
    response = client.post(url, {"case-reason_code": "correction", "case-reason": "申请人补正材料"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.SUSPENDED
    response = client.post(reverse("workflow:case_action", args=[case.number, "resume"]), {"case-reason": ""})
    assert flashed(response) == "已恢复计时，到期日已顺延"
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN


def test_extend_needs_an_approver_who_may_supervise(world: World) -> None:
    case = start(world)
    url = reverse("workflow:case_action", args=[case.number, "extend"])
    data = {"case-days": "5", "case-unit": "wd", "case-reason": "专家论证"}
    response = client_for(world.handler).post(url, {**data, "case-approved_by": world.handler2.pk})
    assert response.status_code == 400
    assert "请选择列表中的批准人" in page_text(response)
    response = client_for(world.handler).post(url, {**data, "case-approved_by": world.leader.pk})
    assert response.status_code == 302
    assert ClockEvent.objects.filter(case=case, kind="extend", approved_by=world.leader, days=5).exists()


def test_start_form_starts_a_case(world: World) -> None:
    client = client_for(world.handler)
    response = client.get(reverse("workflow:start"))
    assert "两部门联合审批（演示）（v1）" in page_text(response)
    response = client.post(
        reverse("workflow:start"),
        {"process": "demo_joint_approval", "org_unit": world.qianqi.pk, "title": "新项目", "statutory_limit": "20"},
    )
    case = Case.objects.get(title="新项目")
    assert response.status_code == 302
    assert response["Location"] == reverse("workflow:case", args=[case.number])
    assert case.started_by == world.handler


def test_start_form_offers_only_units_where_the_person_handles(world: World) -> None:
    response = client_for(world.tuquan_handler).post(
        reverse("workflow:start"), {"process": "demo_joint_approval", "org_unit": world.qianqi.pk, "title": "越权"}
    )
    assert response.status_code == 400
    assert "请选择列表中的机构" in page_text(response)
    assert 'value="越权"' in page_text(response)
    assert not Case.objects.filter(title="越权").exists()


# --- permission matrix --------------------------------------------------------------------------------
# For each action: who tries it, and the status they get. 302 means done (redirect to the case page) for
# staff, or the sign-in page for anonymous people; every other outcome must leave the case untouched.

ACTORS = ("assignee", "colleague", "other_county", "citizen", "anonymous")

MATRIX: dict[str, dict[str, int]] = {
    # the accept item waits in the 科右前旗 handler queue; "assignee" is 张三, "colleague" 李四 (same queue)
    "claim": {"assignee": 302, "colleague": 302, "other_county": 403, "citizen": 403, "anonymous": 302},
    # below, 张三 has claimed the item first
    "unclaim": {"assignee": 302, "colleague": 400, "other_county": 403, "citizen": 403, "anonymous": 302},
    "complete": {"assignee": 302, "colleague": 400, "other_county": 403, "citizen": 403, "anonymous": 302},
    "transfer": {"assignee": 302, "colleague": 400, "other_county": 403, "citizen": 403, "anonymous": 302},
    # the co-sign item 张三 sent to 盟发改委 by completing 受理
    "withdraw": {"assignee": 302, "colleague": 400, "other_county": 403, "citizen": 403, "anonymous": 302},
    # the 盟发改委 review, claimed by 孙发改 ("assignee"); his 盟发改委 colleague cannot even see the case
    "return": {"assignee": 302, "colleague": 403, "other_county": 403, "citizen": 403, "anonymous": 302},
}


def _actors(world: World) -> dict[str, User | None]:
    return {
        "assignee": world.handler,
        "colleague": world.handler2,
        "other_county": world.tuquan_handler,
        "citizen": world.citizen,
        "anonymous": None,
    }


def _arrange(world: World, action: str) -> tuple[Case, WorkItem, dict[str, Any], dict[str, User | None]]:
    """The case and item to act on, the form data, and who plays each part of the matrix."""
    case = start(world)
    item = open_item(case, "accept")
    actors = _actors(world)
    if action == "claim":
        return case, item, {}, actors
    if action in ("withdraw", "return"):
        work_item_complete(actor=world.handler, item=item, outcome="approve")
        review = open_item(case, "review_fgw")
        if action == "withdraw":
            return case, review, {}, actors
        colleague = cast(User, StaffFactory(username="wf_fgw_colleague", real_name="乌兰"))
        grant(colleague, "handler", world.fgw)
        review = work_item_claim(actor=world.fgw_handler, item=review)
        actors |= {"assignee": world.fgw_handler, "colleague": colleague}
        return case, review, {"to_step": "accept", "opinion": "材料不全"}, actors
    item = work_item_claim(actor=world.handler, item=item)
    data = {
        "complete": {"outcome": "approve", "opinion": "同意", "version": item.version},
        "transfer": {"to_org_unit": world.qianqi.pk, "to_role": "leader"},
    }.get(action, {})
    return case, item, data, actors


@pytest.mark.parametrize("action", list(MATRIX))
@pytest.mark.parametrize("who", ACTORS)
def test_permission_matrix(world: World, action: str, who: str) -> None:
    # given
    case, item, data, actors = _arrange(world, action)
    before = snapshot(case)
    user = actors[who]
    # when
    response = post_action(client_for(user), case, item, action, data)
    # then
    expected = MATRIX[action][who]
    assert response.status_code == expected
    if user is None:
        assert response["Location"].startswith(reverse("accounts:office_login"))
    if expected == 302 and user is not None:
        assert response["Location"] == reverse("workflow:case", args=[case.number])
        assert snapshot(case) != before
    else:
        assert snapshot(case) == before


CASE_ACTION_DATA = {
    "suspend": {"case-reason_code": "correction", "case-reason": "补正"},
    "resume": {"case-reason": "已补正"},
    "extend": {"case-days": "5", "case-unit": "wd", "case-reason": "专家论证"},
}


@pytest.mark.parametrize("action", list(CASE_ACTION_DATA))
@pytest.mark.parametrize(
    ("who", "expected"),
    [("assignee", 302), ("colleague", 302), ("other_county", 403), ("citizen", 403), ("anonymous", 302)],
)
def test_clock_permission_matrix(world: World, action: str, who: str, expected: int) -> None:
    # given an open case (suspended first when the action is to resume it)
    case = start(world)
    if action == "resume":
        case_suspend(actor=world.handler, case=case, reason_code="correction", reason="补正")
    before = snapshot(case)
    user = _actors(world)[who]
    data = CASE_ACTION_DATA[action] | ({"case-approved_by": world.leader.pk} if action == "extend" else {})
    # when
    response = client_for(user).post(reverse("workflow:case_action", args=[case.number, action]), data)
    # then
    assert response.status_code == expected
    if user is not None and expected == 302:
        assert snapshot(case) != before
    else:
        assert snapshot(case) == before


def test_attachments_of_the_case_are_listed_with_download_links(world: World) -> None:
    case = start(world)
    stored = StoredFile.objects.create(
        purpose="attachment",
        original_name="项目申请书.pdf",
        content_type="application/pdf",
        size=2048,
        sm3="0" * 64,
        storage_name="wf-test/申请书.pdf",
        related_type="workflow.case",
        related_id=str(case.pk),
    )
    text = page_text(client_for(world.handler).get(reverse("workflow:case", args=[case.number])))
    assert f'<a href="{reverse("files:office_download", args=[stored.pk])}">项目申请书.pdf</a>' in text
    assert "暂无附件。" not in text


def test_timeline_shows_outcomes_in_words_and_the_page_has_no_inline_script(world: World) -> None:
    case = start(world)
    work_item_complete(actor=world.handler, item=open_item(case, "accept"), outcome="approve", opinion="材料齐全")
    text = page_text(client_for(world.handler).get(reverse("workflow:case", args=[case.number])))
    assert "同意；材料齐全" in text
    # the diagram marks every element passed — the start event and the 会签 split gateway too, not only steps
    assert 'data-done="accept cosign_split start"' in text
    assert 'data-current="review_czj review_fgw"' in text
    assert "<script>" not in text  # CSP: data travels in data-* attributes


def test_diagram_of_a_hand_written_definition_gets_a_layout(world: World) -> None:
    # given the demo definition, written without diagram interchange
    assert "BPMNDiagram" not in world.definition.bpmn_xml
    case = start(world)
    # when
    xml = page_text(client_for(world.handler).get(reverse("workflow:diagram", args=[case.number])))
    # then every node has a shape and every flow an edge, so the viewer can draw it
    for node in (
        "start",
        "accept",
        "cosign_split",
        "review_fgw",
        "review_czj",
        "cosign_join",
        "approve",
        "decide",
        "end",
    ):
        assert f'bpmnElement="{node}"' in xml
    assert xml.count("<bpmndi:BPMNEdge") == 10


def test_a_flow_that_skips_columns_is_drawn_over_the_shapes_not_through_them() -> None:
    # given the DMN demo process, whose gateway goes straight to the end past two steps
    from lxml import etree

    from egov.kernel.workflow.views import BPMNDI, DC, DI, diagram_xml

    xml = (Path(__file__).resolve().parents[1] / "processes" / "demo_relief_routing.bpmn").read_text(encoding="utf-8")
    root = etree.fromstring(diagram_xml(xml).encode("utf-8"))
    tops = [float(bounds.get("y")) for bounds in root.iter(f"{{{DC}}}Bounds")]
    # when the edges are laid out, then the skipping flows run above every shape, each in its own lane
    lanes = []
    for flow in ("flow_route_end", "flow_next_end"):
        (edge,) = [e for e in root.iter(f"{{{BPMNDI}}}BPMNEdge") if e.get("bpmnElement") == flow]
        ys = [float(point.get("y")) for point in edge.iter(f"{{{DI}}}waypoint")]
        assert min(ys) < min(tops)
        lanes.append(min(ys))
    assert lanes[0] != lanes[1]


def test_diagram_drawn_in_a_modeler_is_served_unchanged() -> None:
    drawn = (
        '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
        'xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI"><bpmn:process id="p"/>'
        '<bpmndi:BPMNDiagram id="d"><bpmndi:BPMNPlane id="pl" bpmnElement="p"/></bpmndi:BPMNDiagram></bpmn:definitions>'
    )
    assert diagram_xml(drawn) == drawn


def test_home_panel_loader_fetches_the_panel_and_links_without_javascript() -> None:
    html = render_to_string("workflow/home_panel_loader.html")
    assert 'hx-get="/office/work/panel/"' in html
    assert '<a href="/office/work/todo/">查看我的待办</a>' in html


@pytest.mark.parametrize("kind", ["todo", "done", "started"])
def test_list_queries_do_not_grow_with_the_rows(world: World, kind: str, django_assert_max_num_queries: Any) -> None:
    # given one case, and the number of queries its list page takes
    client = client_for(world.handler)
    url = reverse("workflow:list", args=[kind])

    def arrange(title: str) -> None:
        case = start(world, title)
        if kind == "done":
            work_item_complete(actor=world.handler, item=open_item(case, "accept"), outcome="approve")

    arrange("第一件")
    client.get(url)  # warm the session and the holiday calendar
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    # when the page holds twenty rows
    for index in range(19):
        arrange(f"第{index + 2}件")
    # then it takes no more queries than with one
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(url)
    assert len(response.context["rows"]) == 20
