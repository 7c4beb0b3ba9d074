"""Sharing requests on the workflow core: the case, its 审核 and 交付 steps, their clocks and the worklists."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied

from egov.domain.exchange import services
from egov.domain.exchange.models import RequestStatus, SharingRequest
from egov.domain.exchange.tests.factories import make_world, submit_request
from egov.kernel.errors import Conflict, Rejected
from egov.kernel.workflow import services as workflow_services
from egov.kernel.workflow.models import CaseStatus, ClockEvent, Light, WorkItem, WorkItemStatus
from egov.kernel.workflow.selectors import can_view_case, worklist

pytestmark = pytest.mark.django_db


def _on(monkeypatch: pytest.MonkeyPatch, day: date) -> None:
    monkeypatch.setattr(services, "_today", lambda: day)
    monkeypatch.setattr(workflow_services, "_today", lambda: day)


def _items(request: SharingRequest) -> list[tuple[str, str, str, date | None]]:
    rows = WorkItem.objects.filter(case_id=request.case_id).order_by("pk")
    return [(row.step, row.title, row.status, row.due_on) for row in rows]


def test_a_submission_starts_a_case_with_the_answer_step_in_the_providers_queue(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # given an unconditionally shared entry, a request on Monday 3 Nov 2025
    world = make_world(sharing_type="unconditional")
    _on(monkeypatch, date(2025, 11, 3))
    request = submit_request(world)
    # then its case belongs to the provider, the requester is its applicant and the answer is due Tuesday
    case = request.case
    assert case is not None
    assert (case.process_key, case.org_unit, case.applicant, case.status) == (
        "exchange_sharing",
        world.provider,
        world.requester,
        CaseStatus.OPEN,
    )
    assert (case.subject_type, case.subject_id, case.number[:9]) == (
        "exchange.sharing_request",
        str(request.pk),
        "XAGX-2025",
    )
    assert _items(request) == [("review_unconditional", "审核", WorkItemStatus.OPEN, date(2025, 11, 4))]
    assert request.answer_due_on == date(2025, 11, 4)
    # the outer bound of the case: 1 + 20 working days
    assert (case.statutory_limit, case.due_on) == (21, date(2025, 12, 2))
    item = WorkItem.objects.get(case=case)
    assert (item.queue_org_unit, item.queue_role) == (world.provider, "data_admin")
    # the item is on the provider's data administrator's worklist, not on the requester's
    todo, total = worklist(world.provider_admin, "todo")
    assert total == 1 and todo[0].pk == item.pk
    assert worklist(world.requester, "todo")[1] == 0
    assert worklist(world.requester, "started")[0][0].pk == case.pk
    # the data authority and the provider see the case on the workbench; another unit does not
    assert can_view_case(world.authority, case) and can_view_case(world.provider_admin, case)
    assert not can_view_case(world.other_requester, case)


def test_conditional_answer_is_ten_working_days_and_the_approved_extension_adds_ten(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    world = make_world()
    _on(monkeypatch, date(2025, 11, 3))
    request = submit_request(world)
    assert _items(request) == [("review_conditional", "审核", WorkItemStatus.OPEN, date(2025, 11, 17))]
    request = services.sharing_request_extension_ask(
        actor=world.provider_admin, request=request, days=10, reason="需征求法制部门意见"
    )
    assert _items(request)[0][3] == date(2025, 11, 17)  # nothing moves before the authority approves
    _on(monkeypatch, date(2025, 11, 10))
    request = services.sharing_request_extension_decide(actor=world.authority, request=request, approve=True)
    # the step and the request are due ten working days later, the case's outer bound too
    assert _items(request)[0][3] == date(2025, 12, 1)
    assert request.answer_due_on == date(2025, 12, 1)
    assert request.case is not None
    request.case.refresh_from_db()
    assert request.case.due_on == date(2025, 12, 29)  # 10 + 20 + 10 working days from 3 Nov
    extension = ClockEvent.objects.get(case=request.case, kind="extend")
    assert (extension.days, extension.actor, extension.approved_by) == (10, world.provider_admin, world.authority)
    assert extension.work_item is not None and extension.work_item.step == "review_conditional"


def test_a_rejected_extension_changes_no_date(monkeypatch: pytest.MonkeyPatch) -> None:
    world = make_world()
    _on(monkeypatch, date(2025, 11, 3))
    request = submit_request(world)
    services.sharing_request_extension_ask(actor=world.provider_admin, request=request, days=5, reason="理由")
    request = services.sharing_request_extension_decide(actor=world.authority, request=request, approve=False)
    assert (request.answer_due_on, _items(request)[0][3]) == (date(2025, 11, 17), date(2025, 11, 17))
    assert not ClockEvent.objects.filter(case=request.case, kind="extend").exists()


def test_correction_suspends_the_case_and_moves_the_answer_step(monkeypatch: pytest.MonkeyPatch) -> None:
    # given a conditional request of Monday 3 Nov (due Mon 17 Nov)
    world = make_world()
    _on(monkeypatch, date(2025, 11, 3))
    request = submit_request(world)
    # when the provider asks for a correction on Wednesday 5 Nov
    _on(monkeypatch, date(2025, 11, 5))
    request = services.sharing_request_ask_correction(actor=world.provider_admin, request=request, note="请补充依据")
    assert request.case is not None
    request.case.refresh_from_db()
    assert request.case.status == CaseStatus.SUSPENDED
    suspension = ClockEvent.objects.get(case=request.case, kind="suspend")
    assert (suspension.reason_code, suspension.reason, suspension.actor) == (
        "correction",
        "一次性告知补正：请补充依据",
        world.provider_admin,
    )
    # a suspended case refuses work
    with pytest.raises(Conflict, match="该申请待补正，不能答复"):
        services.sharing_request_approve(actor=world.provider_admin, request=request)
    # and the requester corrects on Wednesday 12 Nov: only 4 Nov has counted, the 5th … 12th do not, so the
    # remaining nine working days run from the 13th
    _on(monkeypatch, date(2025, 11, 12))
    request = services.sharing_request_correct(
        actor=world.requester,
        request=request,
        basis="《社会救助暂行办法》第十一条",
        scenario=request.scenario,
        scope=request.scope,
        use_until=date(2029, 12, 31),
        items=request.items,
    )
    request.case.refresh_from_db()
    assert request.case.status == CaseStatus.OPEN
    assert (request.status, request.answer_due_on) == (RequestStatus.SUBMITTED, date(2025, 11, 25))
    assert _items(request)[0][3] == date(2025, 11, 25)
    resume = ClockEvent.objects.get(case=request.case, kind="resume")
    assert resume.actor == world.provider_admin  # the clock is moved under the one who stopped it


def test_approval_opens_delivery_due_twenty_working_days_later_and_delivery_ends_the_case(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    world = make_world()
    _on(monkeypatch, date(2025, 11, 3))
    request = submit_request(world)
    _on(monkeypatch, date(2025, 11, 6))
    services.sharing_request_approve(actor=world.provider_admin, request=request, note="同意，限低保核对使用")
    request.refresh_from_db()
    assert _items(request) == [
        ("review_conditional", "审核", WorkItemStatus.COMPLETED, date(2025, 11, 17)),
        ("deliver", "交付", WorkItemStatus.OPEN, date(2025, 12, 4)),
    ]
    assert (request.status, request.delivery_due_on) == (RequestStatus.APPROVED, date(2025, 12, 4))
    review = WorkItem.objects.get(case=request.case, step="review_conditional")
    assert (review.outcome, review.opinion, review.completed_by) == (
        "approve",
        "同意，限低保核对使用",
        world.provider_admin,
    )
    _on(monkeypatch, date(2025, 11, 20))
    services.sharing_request_deliver(actor=world.provider_admin, request=request, note="接口已开通")
    request.refresh_from_db()
    assert request.case is not None
    assert (request.status, request.case.status) == (RequestStatus.DELIVERED, CaseStatus.COMPLETED)
    assert WorkItem.objects.get(case=request.case, step="deliver").outcome == "deliver"


def test_refusal_ends_the_case_with_the_reasons(monkeypatch: pytest.MonkeyPatch) -> None:
    world = make_world()
    request = submit_request(world)
    services.sharing_request_refuse(actor=world.provider_admin, request=request, reason="用途超出目录使用条件")
    request.refresh_from_db()
    assert request.case is not None
    assert request.case.status == CaseStatus.COMPLETED
    review = WorkItem.objects.get(case=request.case)
    assert (review.outcome, review.opinion) == ("refuse", "用途超出目录使用条件")


def test_withdrawal_terminates_the_case(monkeypatch: pytest.MonkeyPatch) -> None:
    world = make_world()
    request = submit_request(world)
    # another unit's requester may not end it (and nothing changes)
    with pytest.raises(PermissionDenied):
        services.sharing_request_withdraw(actor=world.other_requester, request=request)
    with pytest.raises(PermissionDenied):
        workflow_services.case_terminate(actor=world.other_requester, case=request.case, reason="x")
    services.sharing_request_withdraw(actor=world.requester, request=request)
    request.refresh_from_db()
    assert request.case is not None
    assert (request.status, request.case.status) == (RequestStatus.WITHDRAWN, CaseStatus.TERMINATED)
    assert WorkItem.objects.get(case=request.case).status == WorkItemStatus.CANCELLED


def test_the_supervision_sweep_lights_an_overdue_answer_step(monkeypatch: pytest.MonkeyPatch) -> None:
    world = make_world(sharing_type="unconditional")
    _on(monkeypatch, date(2025, 11, 3))
    request = submit_request(world)
    workflow_services.supervision_sweep(today=date(2025, 11, 5), notify_people=False)
    assert WorkItem.objects.get(case=request.case).light == Light.RED


def test_only_the_providers_queue_may_answer_through_the_core() -> None:
    world = make_world()
    request = submit_request(world)
    item = WorkItem.objects.get(case=request.case)
    # a data administrator of another unit holds data.manage, but not at the provider
    with pytest.raises(PermissionDenied):
        workflow_services.work_item_complete(actor=world.requester, item=item, outcome="approve")
    item.refresh_from_db()
    assert item.status == WorkItemStatus.OPEN


def test_the_provider_answers_on_the_request_page_not_through_the_core() -> None:
    world = make_world()
    request = submit_request(world)
    item = WorkItem.objects.get(case=request.case)
    # an approval through the bare core would leave the request without its grant
    with pytest.raises(Rejected) as excinfo:
        workflow_services.work_item_complete(actor=world.provider_admin, item=item, outcome="approve")
    assert (excinfo.value.code, excinfo.value.message) == ("case_owned", "该办件的这项办理须在共享申请页进行")
    item.refresh_from_db()
    request.refresh_from_db()
    assert (item.status, request.status) == (WorkItemStatus.OPEN, RequestStatus.SUBMITTED)
    grant = services.sharing_request_approve(actor=world.provider_admin, request=request)
    item.refresh_from_db()
    assert (item.status, grant.request_id) == (WorkItemStatus.COMPLETED, request.pk)
