"""Sharing requests: the statutory clock on the workflow core, the answers, grants and 数据纠错."""

from __future__ import annotations

from datetime import date

import pytest

from egov.domain.exchange import services
from egov.domain.exchange.models import CorrectionStatus, ExtensionStatus, Grant, RequestStatus
from egov.domain.exchange.tests.factories import make_world, submit_request
from egov.kernel.errors import Conflict, Rejected
from egov.kernel.workflow import services as workflow_services

pytestmark = pytest.mark.django_db


def _on(monkeypatch: pytest.MonkeyPatch, day: date) -> None:
    """Both clocks read the same day: the sharing services' and the case core's."""
    monkeypatch.setattr(services, "_today", lambda: day)
    monkeypatch.setattr(workflow_services, "_today", lambda: day)


def test_unconditional_request_is_due_the_next_working_day_across_national_day(monkeypatch: pytest.MonkeyPatch) -> None:
    # given an unconditionally shared entry, a request on the last working day before 国庆 2025
    world = make_world(sharing_type="unconditional")
    _on(monkeypatch, date(2025, 9, 30))
    request = submit_request(world)
    # then the one working day ends on the first working day after the holiday
    assert (request.answer_limit, request.answer_due_on) == (1, date(2025, 10, 9))
    assert request.number.startswith("GX-2025-")


def test_conditional_request_is_due_in_ten_working_days_and_extension_adds_ten(monkeypatch: pytest.MonkeyPatch) -> None:
    world = make_world()
    _on(monkeypatch, date(2025, 9, 26))
    request = submit_request(world)
    # 9-28 (调休上班) 9-29 9-30 10-9 10-10 10-11 (调休上班) 10-13 10-14 10-15 10-16
    assert (request.answer_limit, request.answer_due_on) == (10, date(2025, 10, 16))
    request = services.sharing_request_extension_ask(
        actor=world.provider_admin, request=request, days=10, reason="需征求法制部门意见"
    )
    assert request.answer_due_on == date(2025, 10, 16)  # not before the authority approves
    request = services.sharing_request_extension_decide(actor=world.authority, request=request, approve=True)
    assert (request.extension_status, request.answer_due_on) == (ExtensionStatus.APPROVED, date(2025, 10, 30))
    with pytest.raises(Conflict, match="该申请已申请过延期"):
        services.sharing_request_extension_ask(actor=world.provider_admin, request=request, days=1, reason="再延")


@pytest.mark.parametrize("days", [0, 11])
def test_extension_is_at_most_ten_working_days(days: int) -> None:
    world = make_world()
    request = submit_request(world)
    with pytest.raises(Rejected, match="延长天数应为 1 到 10 个工作日"):
        services.sharing_request_extension_ask(actor=world.provider_admin, request=request, days=days, reason="理由")


def test_unconditional_requests_cannot_be_extended() -> None:
    world = make_world(sharing_type="unconditional")
    request = submit_request(world)
    with pytest.raises(Rejected, match="无条件共享的申请须在 1 个工作日内答复，不能延期"):
        services.sharing_request_extension_ask(actor=world.provider_admin, request=request, days=2, reason="理由")


def test_correction_is_told_once_and_stops_the_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    world = make_world()
    _on(monkeypatch, date(2025, 9, 26))
    request = submit_request(world)
    _on(monkeypatch, date(2025, 9, 29))
    request = services.sharing_request_ask_correction(
        actor=world.provider_admin, request=request, note="请补充使用依据的具体条款和批准文件"
    )
    assert request.status == RequestStatus.CORRECTION
    with pytest.raises(Rejected, match="该申请已发生变化"):
        services.sharing_request_approve(actor=world.provider_admin, request=request, expected_version=0)
    with pytest.raises(Conflict, match="该申请待补正，不能答复"):
        services.sharing_request_approve(actor=world.provider_admin, request=request)
    _on(monkeypatch, date(2025, 10, 9))
    request = services.sharing_request_correct(
        actor=world.requester,
        request=request,
        basis="《社会救助暂行办法》第十一条；盟民政局〔2025〕3号",
        scenario=request.scenario,
        scope=request.scope,
        use_until=date(2029, 12, 31),
        items=request.items,
    )
    # counted: 9-28; suspended 9-29 … 10-9; then 10-10 10-11 10-13 … 10-21 (ten in all)
    assert (request.status, request.answer_due_on) == (RequestStatus.SUBMITTED, date(2025, 10, 21))
    with pytest.raises(Conflict, match="补正只能一次性告知，该申请已告知过补正"):
        services.sharing_request_ask_correction(actor=world.provider_admin, request=request, note="再补")


def test_approval_makes_a_grant_and_delivery_is_due_in_twenty_working_days(monkeypatch: pytest.MonkeyPatch) -> None:
    world = make_world()
    _on(monkeypatch, date(2025, 9, 26))
    request = submit_request(world)
    _on(monkeypatch, date(2025, 10, 9))
    grant = services.sharing_request_approve(
        actor=world.provider_admin,
        request=request,
        columns=["企业名称", "行政区划代码"],
        row_filter={"行政区划代码": "152201"},
        valid_until=date(2027, 12, 31),
    )
    request.refresh_from_db()
    assert (request.status, request.decided_on, request.delivery_due_on) == (
        RequestStatus.APPROVED,
        date(2025, 10, 9),
        date(2025, 11, 5),
    )
    assert (grant.consumer, grant.entry, grant.columns, grant.row_filter) == (
        world.consumer,
        world.entry,
        ["企业名称", "行政区划代码"],
        {"行政区划代码": ["152201"]},
    )
    assert (grant.valid_from, grant.valid_until) == (date(2025, 10, 9), date(2027, 12, 31))
    services.sharing_request_deliver(actor=world.provider_admin, request=request, note="接口已开通")
    request.refresh_from_db()
    assert (request.status, request.delivered_on) == (RequestStatus.DELIVERED, date(2025, 10, 9))


def test_grant_cannot_exceed_what_was_asked() -> None:
    world = make_world()
    request = submit_request(world, items=["企业名称"])
    with pytest.raises(Rejected, match="以下数据项不在可选范围内：法定代表人"):
        services.sharing_request_approve(
            actor=world.provider_admin, request=request, columns=["企业名称", "法定代表人"]
        )
    with pytest.raises(Rejected, match="授权截止日期不能晚于申请的使用时限"):
        services.sharing_request_approve(actor=world.provider_admin, request=request, valid_until=date(2030, 1, 1))
    with pytest.raises(Rejected, match="数据范围限定的数据项“区县”不在该目录中"):
        services.sharing_request_approve(actor=world.provider_admin, request=request, row_filter={"区县": ["x"]})
    assert not Grant.objects.exists()


def test_refusal_needs_reasons() -> None:
    world = make_world()
    request = submit_request(world)
    with pytest.raises(Rejected, match="请填写不予共享的理由"):
        services.sharing_request_refuse(actor=world.provider_admin, request=request, reason="  ")
    request = services.sharing_request_refuse(
        actor=world.provider_admin, request=request, reason="申请用途与目录使用条件不符"
    )
    assert (request.status, request.decision_note) == (RequestStatus.REFUSED, "申请用途与目录使用条件不符")
    assert not Grant.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"basis": ""}, "请填写使用依据"),
        ({"scenario": " "}, "请填写使用场景"),
        ({"scope": ""}, "请填写使用范围"),
        ({"method": "fax"}, "请选择共享方式"),
        ({"use_until": date(2020, 1, 1)}, "使用时限应晚于今天"),
        ({"use_until": None}, "请填写使用时限"),
        ({"items": ["不存在的项"]}, "以下数据项不在可选范围内：不存在的项"),
    ],
)
def test_incomplete_requests_are_refused_with_the_reason(overrides: dict[str, object], message: str) -> None:
    world = make_world()
    with pytest.raises(Rejected, match=message):
        submit_request(world, **overrides)


def test_entries_not_shared_and_own_data() -> None:
    world = make_world(sharing_type="none")
    with pytest.raises(Rejected, match="该信息资源属于不予共享类"):
        submit_request(world)
    own = make_world()
    with pytest.raises(Rejected, match="本单位的数据无需申请共享"):
        services.sharing_request_submit(
            actor=own.provider_admin,
            entry=own.entry,
            consumer=own.provider,
            basis="b",
            scenario="s",
            scope="s",
            method="api",
            use_until=date(2030, 1, 1),
            items=["企业名称"],
        )


def test_withdraw_only_while_open() -> None:
    world = make_world()
    request = submit_request(world)
    request = services.sharing_request_withdraw(actor=world.requester, request=request)
    assert request.status == RequestStatus.WITHDRAWN
    with pytest.raises(Conflict, match="该申请已撤回，不能撤回"):
        services.sharing_request_withdraw(actor=world.requester, request=request)


def test_correction_request_is_due_in_ten_working_days(monkeypatch: pytest.MonkeyPatch) -> None:
    world = make_world()
    with pytest.raises(Rejected, match="本单位未获得该数据的共享授权，不能提出纠错"):
        services.correction_file(actor=world.requester, entry=world.entry, consumer=world.consumer, description="错")
    services.sharing_request_approve(actor=world.provider_admin, request=submit_request(world))
    _on(monkeypatch, date(2025, 9, 30))
    correction = services.correction_file(
        actor=world.requester,
        entry=world.entry,
        consumer=world.consumer,
        description="企业“突泉县绿源农业合作社”已注销，仍显示为存续",
        record_ref="突泉县绿源农业合作社",
    )
    assert correction.due_on == date(2025, 10, 21)  # 10-9 10-10 10-11 (调休) 10-13 … 10-17 10-20 10-21
    correction = services.correction_answer(
        actor=world.provider_admin, correction=correction, answer="已核实并更正", corrected=True
    )
    assert (correction.status, correction.corrected) == (CorrectionStatus.ANSWERED, True)
    with pytest.raises(Conflict, match="该纠错已答复"):
        services.correction_answer(actor=world.provider_admin, correction=correction, answer="x", corrected=False)
