"""好差评 rules, rectification with its working-day deadline, and the re-evaluation."""

from __future__ import annotations

from datetime import date

import pytest

from egov.domain.agency import services
from egov.domain.agency.models import Evaluation, FollowUp, Level, Rectification, RectificationStatus
from egov.domain.agency.services import (
    evaluation_submit,
    rectification_complete,
    rectification_follow_up,
)
from egov.domain.agency.tests.conftest import World, complete_case, mark_completed, start_case
from egov.kernel.access.policy import AccessDenied
from egov.kernel.calendar import deadlines
from egov.kernel.calendar.models import CalendarDay, HolidayYear, HolidayYearStatus
from egov.kernel.errors import Conflict, Rejected
from egov.kernel.notify.models import Message

pytestmark = pytest.mark.django_db


def test_applicant_evaluates_a_completed_case_once(world: World) -> None:
    # given a case that went through every department to 办结
    case = complete_case(world, start_case(world))

    # when its applicant evaluates it
    evaluation = evaluation_submit(
        actor=world.citizen, case=case, level=Level.VERY_SATISFIED, comment="代办员很负责", item_code="1152201X"
    )

    # then it is recorded once, against the case's unit; a second attempt is refused
    assert (evaluation.level, evaluation.org_unit, evaluation.item_name) == (5, world.wlht_scj, case.title)
    assert not Rectification.objects.exists()
    with pytest.raises(Conflict, match="该办件已评价，不能重复评价"):
        evaluation_submit(actor=world.citizen, case=case, level=Level.SATISFIED)
    assert Evaluation.objects.count() == 1


def test_not_before_completion(world: World) -> None:
    case = start_case(world)
    with pytest.raises(Rejected, match="办件办结后才能评价"):
        evaluation_submit(actor=world.citizen, case=case, level=Level.SATISFIED)
    assert not Evaluation.objects.exists()


@pytest.mark.parametrize("who", ["other_citizen", "handler", "agent1"])
def test_only_the_applicant(world: World, who: str) -> None:
    case = mark_completed(start_case(world))
    with pytest.raises((AccessDenied, Rejected)):
        evaluation_submit(actor=getattr(world, who), case=case, level=Level.SATISFIED)
    assert not Evaluation.objects.exists()


def test_bad_input(world: World) -> None:
    case = mark_completed(start_case(world))
    with pytest.raises(Rejected, match="请选择评价等级"):
        evaluation_submit(actor=world.citizen, case=case, level=0)
    with pytest.raises(Rejected, match="评价内容不能超过 500 个字"):
        evaluation_submit(actor=world.citizen, case=case, level=4, comment="好" * 501)
    assert not Evaluation.objects.exists()


@pytest.fixture
def october_holidays(world: World) -> None:
    """国庆: 10月1日至7日放假, 10月10日（周六）上班 — written as the holiday table's starting state."""
    HolidayYear.objects.update_or_create(year=2026, defaults={"status": HolidayYearStatus.CONFIRMED})
    CalendarDay.objects.filter(date__gte=date(2026, 9, 1), date__lte=date(2026, 11, 30)).delete()
    for day in range(1, 8):
        CalendarDay.objects.create(date=date(2026, 10, day), year=2026, kind="holiday", name="国庆节")
    CalendarDay.objects.create(date=date(2026, 10, 10), year=2026, kind="workday", name="国庆节调休")
    deadlines.invalidate()


def test_bad_review_opens_rectification_due_in_15_working_days_across_holidays(
    world: World, october_holidays: None, monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks
) -> None:
    # given the applicant gives 不满意 on 2026-09-30, the day before the National Day holidays
    monkeypatch.setattr(services, "beijing_today", lambda: date(2026, 9, 30))
    case = mark_completed(start_case(world))
    with django_capture_on_commit_callbacks(execute=True):
        evaluation = evaluation_submit(actor=world.citizen, case=case, level=Level.DISSATISFIED, comment="来回跑")

    # then: 10月8日 is working day 1, the Saturday 10月10日 counts, so day 15 is 10月27日 (not 10月21日)
    rectification = Rectification.objects.get(evaluation=evaluation)
    assert (rectification.opened_on, rectification.due_on) == (date(2026, 9, 30), date(2026, 10, 27))
    assert rectification.org_unit == world.wlht_scj
    assert rectification.status == RectificationStatus.OPEN
    # the office head of the case's unit (services.rectify) is told
    assert Message.objects.filter(recipient=world.head, event="agency.rectification_opened").exists()


def test_rectification_follow_up_completion_and_re_evaluation(
    world: World, monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks
) -> None:
    case = mark_completed(start_case(world))
    evaluation_submit(actor=world.citizen, case=case, level=Level.VERY_DISSATISFIED, comment="态度差")
    rectification = Rectification.objects.get()

    # nobody may re-evaluate before the rectification is done
    with pytest.raises(Conflict, match="该办件已评价"):
        evaluation_submit(actor=world.citizen, case=case, level=Level.SATISFIED)

    # only services.rectify at the case's unit may work on it
    for outsider in (world.handler, world.agent_head, world.agent1):
        with pytest.raises(AccessDenied):
            rectification_follow_up(actor=outsider, rectification=rectification, note="x")
    with pytest.raises(Rejected, match="请先填写至少一条跟进记录"):
        rectification_complete(actor=world.head, rectification=rectification, result="已整改")

    rectification_follow_up(actor=world.head, rectification=rectification, note="已电话联系申请人，核实属实")
    with django_capture_on_commit_callbacks(execute=True):
        rectification_complete(actor=world.head, rectification=rectification, result="已对窗口人员批评教育")
    rectification.refresh_from_db()
    assert rectification.status == RectificationStatus.COMPLETED
    assert rectification.on_time is True
    assert FollowUp.objects.filter(rectification=rectification).count() == 1
    assert Message.objects.filter(recipient=world.citizen, event="agency.rectified").exists()
    with pytest.raises(Conflict, match="该整改已完成"):
        rectification_complete(actor=world.head, rectification=rectification, result="再次")

    # then the applicant evaluates once more, which closes the rectification
    again = evaluation_submit(actor=world.citizen, case=case, level=Level.SATISFIED)
    assert again.follows == rectification
    assert again.item_name == case.title
    rectification.refresh_from_db()
    assert rectification.status == RectificationStatus.CLOSED
    with pytest.raises(Conflict):
        evaluation_submit(actor=world.citizen, case=case, level=Level.VERY_SATISFIED)
    assert Evaluation.objects.filter(case_id=case.pk).count() == 2


def test_late_rectification_is_not_on_time(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(services, "beijing_today", lambda: date(2026, 11, 2))
    case = mark_completed(start_case(world))
    evaluation_submit(actor=world.citizen, case=case, level=Level.DISSATISFIED)
    rectification = Rectification.objects.get()
    rectification_follow_up(actor=world.head, rectification=rectification, note="核实")
    monkeypatch.setattr(services, "beijing_today", lambda: date(2026, 12, 31))
    rectification_complete(actor=world.head, rectification=rectification, result="已整改")
    rectification.refresh_from_db()
    assert rectification.on_time is False
