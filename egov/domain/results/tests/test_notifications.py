"""Notifications of the results app: every delivery step and a certificate's revocation reach the applicant and
the case's full-process agent (代办员), with the wording seeded by migration 0002."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from egov.domain.agency.models import AgentAssignment
from egov.domain.results.models import Certificate, Delivery
from egov.domain.results.services import certificate_issue, certificate_revoke, delivery_choose, delivery_update
from egov.domain.results.tests.conftest import World
from egov.domain.results.tests.factories import StaffFactory
from egov.kernel.accounts.models import User
from egov.kernel.errors import Conflict, Rejected
from egov.kernel.notify.models import Message, MessageTemplate

Capture = Callable[..., Any]
ADDRESS = "兴安盟科尔沁右翼前旗科尔沁镇幸福路12号"
CASE_TEXT = "办件《个体工商户设立登记》（{number}）"


def _agent(world: World) -> User:
    agent = StaffFactory(username="rs_agent", real_name="代办员赵六")
    AgentAssignment.objects.create(
        case=world.case, agent=agent, agent_unit=world.market, case_started_at=world.case.started_at
    )
    return agent


def _in_site(event: str) -> list[Message]:
    return list(Message.objects.filter(event=event, channel="inapp").select_related("recipient").order_by("pk"))


def _certificate(world: World) -> Certificate:
    return certificate_issue(
        actor=world.handler,
        case=world.case,
        title="食品经营许可证",
        holder_name="科右前旗小明便利店",
        holder_code="",
        fields=[("经营场所", "科尔沁镇幸福路12号")],
    )


def test_the_templates_exist_on_a_fresh_database_and_pass_the_template_check(db: None) -> None:
    templates = MessageTemplate.objects.filter(event__startswith="results.").order_by("event", "channel")
    assert [(t.event, t.channel) for t in templates] == [
        ("results.certificate_revoke", "inapp"),
        ("results.certificate_revoke", "sms"),
        ("results.delivery_update", "inapp"),
        ("results.delivery_update", "sms"),
    ]
    for template in templates:
        template.full_clean()  # only declared variables, only the safe tags


def test_each_postal_step_tells_the_applicant_with_the_tracking_number(
    world: World, django_capture_on_commit_callbacks: Capture
) -> None:
    delivery = delivery_choose(
        actor=world.applicant, case=world.case, method="post", address=ADDRESS, phone="13912345678"
    )
    assert not _in_site("results.delivery_update")  # choosing is the applicant's own act: no message
    for status, tracking_no in (("prepared", ""), ("sent", "EMS1234567890"), ("delivered", "")):
        with django_capture_on_commit_callbacks(execute=True):
            delivery_update(actor=world.handler, delivery=delivery, status=status, tracking_no=tracking_no)

    messages = _in_site("results.delivery_update")
    assert [m.recipient for m in messages] == [world.applicant] * 3
    case_text = CASE_TEXT.format(number=world.case.number)
    assert [(m.subject, m.body) for m in messages] == [
        (
            "结果已备妥：个体工商户设立登记",
            f"{case_text}送达进度：结果已备妥（邮寄送达）。办理结果已备妥，将尽快寄出。",
        ),
        (
            "已寄出：个体工商户设立登记",
            f"{case_text}送达进度：已寄出（邮寄送达）。办理结果已寄出，请注意查收。快递单号：EMS1234567890。",
        ),
        ("已送达：个体工商户设立登记", f"{case_text}送达进度：已送达（邮寄送达）。办理结果已签收送达。"),
    ]
    assert {m.url for m in messages} == {f"/my/cases/{world.case.number}/results/"}
    assert {(m.related_type, m.related_id) for m in messages} == {("results.delivery", str(delivery.pk))}
    sms = Message.objects.filter(event="results.delivery_update", channel="sms", recipient=world.applicant)
    assert sms.count() == 3
    assert "快递单号EMS1234567890" in sms.get(body__contains="已寄出").body


def test_pickup_ready_tells_where_to_collect_and_the_agent_hears_too(
    world: World, django_capture_on_commit_callbacks: Capture
) -> None:
    agent = _agent(world)
    delivery = delivery_choose(actor=world.applicant, case=world.case, method="pickup")
    with django_capture_on_commit_callbacks(execute=True):
        delivery_update(actor=world.handler, delivery=delivery, status="prepared", note="请于工作日领取")

    messages = _in_site("results.delivery_update")
    assert [m.recipient for m in messages] == [world.applicant, agent]
    assert (
        messages[0].body
        == messages[1].body
        == (
            f"{CASE_TEXT.format(number=world.case.number)}送达进度：结果已备妥（窗口自取）。办理结果已备妥，可领取："
            "请携带有效身份证件到科尔沁右翼前旗市场监督管理局窗口领取。说明：请于工作日领取"
        )
    )
    # the agent's link leads to the office page of the case (both zones are mounted in the tests)
    assert messages[1].url == f"/office/results/case/{world.case.number}/"


def test_a_refused_step_sends_nothing(world: World, django_capture_on_commit_callbacks: Capture) -> None:
    delivery = delivery_choose(actor=world.applicant, case=world.case, method="pickup")
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(Conflict):
        delivery_update(actor=world.handler, delivery=delivery, status="sent", tracking_no="SF12345678")
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(Rejected):
        delivery_update(actor=world.handler, delivery=delivery, status="unknown")
    assert not Message.objects.filter(event="results.delivery_update").exists()
    assert Delivery.objects.get(pk=delivery.pk).status == "chosen"


def test_revoking_a_certificate_tells_applicant_and_agent_the_reason(
    world: World, django_capture_on_commit_callbacks: Capture
) -> None:
    agent = _agent(world)
    certificate = _certificate(world)
    with django_capture_on_commit_callbacks(execute=True):
        certificate_revoke(actor=world.handler, certificate=certificate, reason="经营场所已变更，原证照信息有误")

    messages = _in_site("results.certificate_revoke")
    assert [m.recipient for m in messages] == [world.applicant, agent]
    revoked = Certificate.objects.get(pk=certificate.pk)
    assert revoked.revoked_at is not None
    assert messages[0].subject == "证照已撤销：食品经营许可证"
    assert messages[0].body.startswith(
        f"{CASE_TEXT.format(number=world.case.number)}的食品经营许可证（{certificate.number}）已于"
    )
    assert messages[0].body.endswith(
        "由科尔沁右翼前旗市场监督管理局撤销，自撤销之日起不再有效。撤销原因：经营场所已变更，原证照信息有误"
    )
    sms = Message.objects.get(event="results.certificate_revoke", channel="sms", recipient=world.applicant)
    assert "原因：经营场所已变更，原证照信息有误" in sms.body


def test_a_second_revocation_is_refused_and_sends_nothing_more(
    world: World, django_capture_on_commit_callbacks: Capture
) -> None:
    certificate = _certificate(world)
    with django_capture_on_commit_callbacks(execute=True):
        certificate_revoke(actor=world.handler, certificate=certificate, reason="信息有误")
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(Conflict):
        certificate_revoke(actor=world.handler, certificate=certificate, reason="再次撤销")
    assert len(_in_site("results.certificate_revoke")) == 1


def test_the_message_waits_for_the_commit(world: World, django_capture_on_commit_callbacks: Capture) -> None:
    delivery = delivery_choose(actor=world.applicant, case=world.case, method="pickup")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        delivery_update(actor=world.handler, delivery=delivery, status="prepared")
    assert not Message.objects.filter(event="results.delivery_update").exists()  # queued for the commit only
    for callback in callbacks:
        callback()
    assert [m.recipient for m in _in_site("results.delivery_update")] == [world.applicant]
