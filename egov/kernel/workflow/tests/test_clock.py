"""Case and step clocks: suspension moves due dates, extensions need approval, traffic lights, the sweep.

Dates are in November 2025, which has no statutory holiday, so working days are Monday to Friday.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from egov.kernel.errors import Conflict, Rejected
from egov.kernel.notify.models import Message
from egov.kernel.workflow import services
from egov.kernel.workflow.models import Case, CaseStatus, ClockEvent, Light, SupervisionRecord, WorkItem
from egov.kernel.workflow.services import (
    case_extend,
    case_resume,
    case_start,
    case_suspend,
    supervision_record,
    supervision_sweep,
    sweep_notify,
    work_item_complete,
)
from egov.kernel.workflow.tests.conftest import World

MON_3 = date(2025, 11, 3)


@pytest.fixture
def set_today(monkeypatch: pytest.MonkeyPatch) -> Callable[[date], None]:
    def set_to(day: date) -> None:
        monkeypatch.setattr(services, "_today", lambda: day)

    set_to(MON_3)
    return set_to


def _in_cosign(world: World) -> Case:
    """Started Mon 3 Nov: statutory 20 wd (→ Mon 1 Dec), promised 10 wd (→ Mon 17 Nov); accepted the same day."""
    case = case_start(
        actor=world.handler,
        process_key="demo_joint_approval",
        org_unit=world.qianqi,
        title="联合审批",
        statutory_limit=20,
        promised_limit=10,
    )
    accept = case.work_items.get(step="accept")
    work_item_complete(actor=world.handler, item=accept, outcome="accept")
    case.refresh_from_db()
    return case


@pytest.mark.django_db
def test_start_computes_statutory_and_promised_due_dates(world: World, set_today: Callable[[date], None]) -> None:
    case = _in_cosign(world)
    assert (case.due_on, case.promised_due_on, case.watch_due_on) == (
        date(2025, 12, 1),
        date(2025, 11, 17),
        date(2025, 11, 17),
    )
    # yellow when ≤ 2 working days remain: Thu 13 Nov (Fri 14 and Mon 17 remain)
    assert case.warn_on == date(2025, 11, 13)
    assert case.light == Light.GREEN
    fgw = case.work_items.get(step="review_fgw")
    assert (fgw.limit, fgw.limit_unit, fgw.due_on, fgw.warn_on) == (3, "wd", date(2025, 11, 6), date(2025, 11, 4))


@pytest.mark.django_db
def test_suspension_moves_case_and_step_due_dates(world: World, set_today: Callable[[date], None]) -> None:
    # given a case in 会签
    case = _in_cosign(world)

    # when the clock stops Wed 5 Nov for 补正 and restarts Mon 10 Nov (5, 6, 7, 10 Nov do not count)
    set_today(date(2025, 11, 5))
    case_suspend(actor=world.handler, case=case, reason_code="correction", reason="申请人补正材料")
    case.refresh_from_db()
    assert case.status == CaseStatus.SUSPENDED
    fgw = case.work_items.get(step="review_fgw")
    with pytest.raises(Rejected) as excinfo:
        work_item_complete(actor=world.fgw_handler, item=fgw, outcome="agree")
    assert excinfo.value.message == "该办件正在暂停计时，请先恢复计时再办理"

    set_today(date(2025, 11, 10))
    case_resume(actor=world.handler, case=case, reason="已补正")

    # then every due date moved by four working days
    case.refresh_from_db()
    fgw.refresh_from_db()
    assert case.status == CaseStatus.OPEN
    assert (case.due_on, case.promised_due_on, case.watch_due_on) == (
        date(2025, 12, 5),
        date(2025, 11, 21),
        date(2025, 11, 21),
    )
    assert fgw.due_on == date(2025, 11, 12)
    assert list(ClockEvent.objects.filter(case=case).values_list("kind", "reason_code", "on")) == [
        ("start", "", MON_3),
        ("suspend", "correction", date(2025, 11, 5)),
        ("resume", "", date(2025, 11, 10)),
    ]


@pytest.mark.django_db
def test_suspension_needs_a_known_reason_and_an_open_case(world: World, set_today: Callable[[date], None]) -> None:
    case = _in_cosign(world)
    with pytest.raises(Rejected) as excinfo:
        case_suspend(actor=world.handler, case=case, reason_code="holiday", reason="x")
    assert excinfo.value.message == "请选择暂停计时的原因"
    with pytest.raises(Rejected) as excinfo:
        case_suspend(actor=world.handler, case=case, reason_code="expert_review", reason=" ")
    assert excinfo.value.message == "请填写暂停计时的原因说明"
    with pytest.raises(Conflict) as excinfo:
        case_resume(actor=world.handler, case=case)
    assert excinfo.value.message == "该办件未暂停计时，无需恢复"
    assert ClockEvent.objects.filter(case=case).count() == 1


@pytest.mark.django_db
def test_extension_with_approval_moves_due_dates(world: World, set_today: Callable[[date], None]) -> None:
    case = _in_cosign(world)
    with pytest.raises(Rejected) as excinfo:
        case_extend(actor=world.handler, case=case, days=5, unit="wd", reason="情况复杂", approved_by=world.handler2)
    assert excinfo.value.message == "延期须经有督办权限的负责人批准"

    case_extend(actor=world.handler, case=case, days=5, unit="wd", reason="情况复杂", approved_by=world.leader)
    case_extend(actor=world.handler, case=case, days=2, unit="wd", reason="再次延期", approved_by=world.leader)

    case.refresh_from_db()
    assert (case.due_on, case.promised_due_on) == (date(2025, 12, 10), date(2025, 11, 26))
    extensions = ClockEvent.objects.filter(case=case, kind="extend")
    assert list(extensions.values_list("days", "approved_by", "due_on_after")) == [
        (5, world.leader.pk, date(2025, 12, 8)),
        (2, world.leader.pk, date(2025, 12, 10)),
    ]


@pytest.mark.django_db
def test_sweep_turns_lights_and_notifies_once_per_change(
    world: World, set_today: Callable[[date], None], django_capture_on_commit_callbacks
) -> None:
    # given a case in 会签: both review steps due Thu 6 Nov, yellow from Tue 4 Nov
    case = _in_cosign(world)
    reviews = list(case.work_items.filter(step__startswith="review").order_by("pk").values_list("pk", flat=True))
    inbox = Message.objects.filter(recipient=world.fgw_handler, channel="inapp")
    warnings, overdue = inbox.filter(event="workflow.item_warning"), inbox.filter(event="workflow.item_overdue")

    # on Monday nothing changes
    with django_capture_on_commit_callbacks(execute=True):
        assert supervision_sweep(today=MON_3).changed() == 0

    # on Tuesday both steps turn yellow: the handler is warned once, and the sweep records it
    with django_capture_on_commit_callbacks(execute=True):
        result = supervision_sweep(today=date(2025, 11, 4))
    assert sorted(result.items[Light.YELLOW]) == reviews
    assert result.cases[Light.YELLOW] == []
    assert set(WorkItem.objects.filter(pk__in=reviews).values_list("light", flat=True)) == {Light.YELLOW}
    assert list(warnings.values_list("subject", flat=True)) == ["黄灯预警：联合审批"]
    records = SupervisionRecord.objects.filter(case=case, level="yellow")
    assert sorted(records.values_list("work_item_id", flat=True)) == reviews
    assert set(records.values_list("note", "by")) == {("系统自动预警", None)}

    # running again the same day sends nothing new
    with django_capture_on_commit_callbacks(execute=True):
        assert supervision_sweep(today=date(2025, 11, 4)).changed() == 0
    assert warnings.count() == 1

    # on Friday they are overdue
    with django_capture_on_commit_callbacks(execute=True):
        result = supervision_sweep(today=date(2025, 11, 7))
    assert sorted(result.items[Light.RED]) == reviews
    assert list(overdue.values_list("subject", flat=True)) == ["红灯超期：联合审批"]

    # the case itself turns yellow on Thu 13 Nov and red after Mon 17 Nov; its supervisor is told
    with django_capture_on_commit_callbacks(execute=True):
        assert supervision_sweep(today=date(2025, 11, 13)).cases[Light.YELLOW] == [case.pk]
        assert supervision_sweep(today=date(2025, 11, 18)).cases[Light.RED] == [case.pk]
    assert Message.objects.filter(event="workflow.supervision", recipient=world.head, channel="inapp").count() == 2


@pytest.mark.django_db
def test_sweep_notices_are_sent_only_for_steps_and_cases_still_warned_when_the_task_runs(
    world: World, set_today: Callable[[date], None]
) -> None:
    """The sweep queues its notices after its commit; a step handled (or a case extended) before the task
    worker gets to them is not warned about any more."""
    case = _in_cosign(world)
    review = case.work_items.filter(step__startswith="review").order_by("pk").first()
    assert review is not None and review.light == Light.GREEN
    assert sweep_notify(item_ids=[review.pk], case_ids=[case.pk]) == 0
    WorkItem.objects.filter(pk=review.pk).update(light=Light.RED)
    assert sweep_notify(item_ids=[review.pk], case_ids=[case.pk]) == 1
    assert Message.objects.filter(event="workflow.item_overdue", related_id=str(review.pk)).exists()


@pytest.mark.django_db
def test_sweep_leaves_suspended_cases_alone(world: World, set_today: Callable[[date], None]) -> None:
    case = _in_cosign(world)
    case_suspend(actor=world.handler, case=case, reason_code="third_party", reason="征求第三方意见")
    result = supervision_sweep(today=date(2025, 11, 28))
    assert result.changed() == 0
    case.refresh_from_db()
    assert case.light == Light.GREEN


@pytest.mark.django_db
def test_manual_supervision_needs_permission_and_a_note(
    world: World, set_today: Callable[[date], None], django_capture_on_commit_callbacks
) -> None:
    case = _in_cosign(world)
    with pytest.raises(Rejected) as excinfo:
        supervision_record(actor=world.leader, case=case, note="")
    assert excinfo.value.message == "请填写督办意见"
    with django_capture_on_commit_callbacks(execute=True):
        record = supervision_record(actor=world.leader, case=case, note="请本周内办结")
    assert (record.level, record.by) == ("manual", world.leader)
    assert Message.objects.filter(event="workflow.supervision", recipient=world.czj_handler).exists()


@pytest.mark.django_db
def test_remembered_clocks_follow_holiday_edits_and_the_yellow_settings(settings) -> None:
    from egov.kernel.calendar import deadlines
    from egov.kernel.calendar.models import CalendarDay, DayKind, HolidayYear
    from egov.kernel.workflow.clock import compute

    # given five working days from Monday 3 November 2025 (counting starts on Tuesday): due Monday the 10th
    HolidayYear.objects.get_or_create(year=2025)
    deadlines.invalidate()
    first = compute(MON_3, 5, "wd", today=MON_3)
    assert first.due_on == date(2025, 11, 10)
    assert compute(MON_3, 5, "wd", today=MON_3) is first  # remembered

    # when Wednesday the 5th becomes a holiday (the calendar's services invalidate the table after commit)
    CalendarDay.objects.create(date=date(2025, 11, 5), year=2025, kind=DayKind.HOLIDAY, name="测试")
    deadlines.invalidate()

    # then the clock is computed anew: one working day later
    moved = compute(MON_3, 5, "wd", today=MON_3)
    assert moved.due_on == date(2025, 11, 11)

    # and a different yellow rule gives a different warning date for the same clock
    settings.WORKFLOW_YELLOW_DAYS = 4
    earlier = compute(MON_3, 5, "wd", today=MON_3)
    assert earlier.due_on == moved.due_on
    assert earlier.warn_on is not None and moved.warn_on is not None
    assert earlier.warn_on < moved.warn_on
