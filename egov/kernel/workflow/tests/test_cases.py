"""Starting cases: numbers, version pinning, validation, publishing definitions."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import transaction

from egov.kernel.errors import NotFound, Rejected
from egov.kernel.workflow import services
from egov.kernel.workflow.models import Case, CaseNumberSequence, ProcessDefinition
from egov.kernel.workflow.services import definition_publish, work_item_complete
from egov.kernel.workflow.tests.conftest import DEMO_BPMN, World, start_case


@pytest.mark.django_db
def test_numbers_are_consecutive_per_year(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(services, "_today", lambda: date(2026, 3, 2))
    numbers = [start_case(world).number for _ in range(3)]
    assert numbers == ["XA-2026-000001", "XA-2026-000002", "XA-2026-000003"]
    monkeypatch.setattr(services, "_today", lambda: date(2027, 1, 4))
    assert start_case(world).number == "XA-2027-000001"


@pytest.mark.django_db
def test_numbers_past_a_million_keep_every_digit(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(services, "_today", lambda: date(2026, 3, 2))
    assert start_case(world).number == "XA-2026-000001"
    CaseNumberSequence.objects.filter(prefix="XA", year=2026).update(last_value=999_998)
    cases = [start_case(world) for _ in range(3)]
    assert [case.number for case in cases] == ["XA-2026-999999", "XA-2026-1000000", "XA-2026-1000001"]
    assert [Case.objects.get(pk=case.pk).number for case in cases] == [case.number for case in cases]


@pytest.mark.django_db
def test_a_rolled_back_start_leaves_no_gap(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(services, "_today", lambda: date(2026, 3, 2))
    assert start_case(world).number == "XA-2026-000001"
    with pytest.raises(RuntimeError), transaction.atomic():
        start_case(world)
        raise RuntimeError("the caller's transaction fails after the case was started")
    assert start_case(world).number == "XA-2026-000002"
    assert CaseNumberSequence.objects.get(prefix="XA", year=2026).last_value == 2


@pytest.mark.django_db
def test_start_records_who_and_what(world: World) -> None:
    case = start_case(
        world,
        applicant=world.citizen,
        subject_type="services.application",
        subject_id=42,
        subject_repr="某企业项目申请",
        data={"amount": 500},
    )
    assert (case.started_by, case.applicant, case.subject_id, case.process_key) == (
        world.handler,
        world.citizen,
        "42",
        "demo_joint_approval",
    )
    assert case.data["amount"] == 500
    assert case.definition == world.definition


@pytest.mark.django_db
def test_start_validates_input(world: World) -> None:
    with pytest.raises(Rejected) as excinfo:
        start_case(world, title="  ")
    assert (excinfo.value.message, excinfo.value.field) == ("请填写办件标题", "title")
    with pytest.raises(Rejected) as excinfo:
        start_case(world, statutory_limit=0)
    assert excinfo.value.message == "办理时限须为正整数天（工作日或自然日）"
    with pytest.raises(NotFound) as excinfo:
        start_case(world, process_key="no_such_process")
    assert excinfo.value.message == "流程“no_such_process”尚未发布"
    assert not Case.objects.exists()


@pytest.mark.django_db
def test_republishing_unchanged_file_creates_no_version(world: World) -> None:
    (again,) = definition_publish(bpmn_xml=DEMO_BPMN.read_text(encoding="utf-8"))
    assert again == world.definition
    assert ProcessDefinition.objects.filter(key="demo_joint_approval").count() == 1
    assert world.definition.name == "两部门联合审批（演示）"


@pytest.mark.django_db
def test_invalid_bpmn_is_a_clear_error(world: World) -> None:
    with pytest.raises(Rejected) as excinfo:
        definition_publish(bpmn_xml="<bpmn:definitions")
    assert excinfo.value.message.startswith("流程定义文件无效：")


@pytest.mark.django_db
def test_running_case_keeps_its_version_and_new_cases_take_the_newest(world: World) -> None:
    # given a case running on version 1
    old = start_case(world)

    # when version 2 renames the first steps
    changed = (
        DEMO_BPMN.read_text(encoding="utf-8")
        .replace('name="受理"', 'name="受理（新）"')
        .replace('name="盟发改委审核"', 'name="盟发改委审核（新）"')
    )
    (v2,) = definition_publish(bpmn_xml=changed)
    assert v2.version == 2

    # then the old case carries on with version 1, and a new case starts on version 2
    work_item_complete(actor=world.handler, item=old.work_items.get(step="accept"), outcome="accept")
    assert old.work_items.get(step="review_fgw").title == "盟发改委审核"
    new = start_case(world)
    assert new.definition == v2
    assert new.work_items.get(step="accept").title == "受理（新）"
    work_item_complete(actor=world.handler, item=new.work_items.get(step="accept"), outcome="accept")
    assert new.work_items.get(step="review_fgw").title == "盟发改委审核（新）"


@pytest.mark.django_db
def test_a_restored_case_keeps_the_data_its_steps_inherited_in_any_stored_order(world: World) -> None:
    from SpiffWorkflow.util.task import TaskState

    from egov.kernel.workflow import engine

    # given a case started with business data (it reaches the ready 受理 step by inheritance)
    case = start_case(world, data={"amount": 3200, "purpose": "医疗救助"})
    case.refresh_from_db()
    # when its stored task map comes back in another order (PostgreSQL's jsonb keeps no key order)
    state = dict(case.state)
    state["tasks"] = dict(reversed(list(state["tasks"].items())))
    workflow = engine.load(case.definition, state)
    # then every restored task still carries the data, and the parents-first order keeps the given order
    (accept,) = [task for task in workflow.get_tasks(state=TaskState.READY) if task.task_spec.name == "accept"]
    assert accept.data["amount"] == 3200 and accept.data["purpose"] == "医疗救助"
    ordered = engine.parents_first(state["tasks"])
    position = {key: index for index, key in enumerate(ordered)}
    assert set(ordered) == set(state["tasks"])
    assert all(t["parent"] is None or position[t["parent"]] < position[k] for k, t in ordered.items())
    assert list(engine.parents_first(ordered)) == list(ordered)  # a map already parents-first is kept as given
