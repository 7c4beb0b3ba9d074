from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from egov.kernel.notify import services
from egov.kernel.notify.models import Channel, ChannelPreference, Message, MessageStatus
from egov.kernel.notify.services import notify
from egov.kernel.notify.sms import SmsError, SmsMessage
from egov.kernel.notify.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

CONTEXT = {
    "case_title": "最低生活保障申请",
    "case_number": "152221-2026-000123",
    "task_name": "初审",
    "deadline": "2026年12月3日",
}


def send(
    django_capture_on_commit_callbacks: Callable[..., Any], recipients: list[Any], event: str = "workflow.item_assigned"
) -> list[Message]:
    with django_capture_on_commit_callbacks(execute=True):
        return notify(
            recipients=recipients,
            event=event,
            context=CONTEXT,
            related=("workflow.case", 123),
            url="/office/cases/123/",
        )


def test_notify_creates_in_site_message_and_sends_email_after_commit(django_capture_on_commit_callbacks) -> None:
    # given a person with an e-mail address and no preferences (SMS for this event is off by default)
    user = UserFactory(email="zhang@example.gov.cn")
    # when
    send(django_capture_on_commit_callbacks, [user])
    # then one in-site message (sent at once) and one e-mail (delivered by the task)
    inapp = Message.objects.get(recipient=user, channel=Channel.INAPP)
    assert inapp.status == MessageStatus.SENT
    assert inapp.subject == "新待办：最低生活保障申请"
    assert (
        inapp.body
        == "办件《最低生活保障申请》（152221-2026-000123）的“初审”环节已分派给您，请于 2026年12月3日 前办理。"
    )
    assert (inapp.related_type, inapp.related_id, inapp.url) == ("workflow.case", "123", "/office/cases/123/")
    email = Message.objects.get(recipient=user, channel=Channel.EMAIL)
    assert (email.status, email.attempts, email.last_error) == (MessageStatus.SENT, 1, "")
    assert email.sent_at is not None
    assert not Message.objects.filter(recipient=user, channel=Channel.SMS).exists()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["zhang@example.gov.cn"]
    assert mail.outbox[0].subject == "【兴安盟政务】新待办：最低生活保障申请"


def test_nothing_leaves_before_the_callers_transaction_commits(django_capture_on_commit_callbacks) -> None:
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notify(recipients=[user], event="workflow.item_assigned", context=CONTEXT)
    assert len(callbacks) == 1
    assert mail.outbox == []
    assert Message.objects.get(recipient=user, channel=Channel.EMAIL).status == MessageStatus.QUEUED


def test_sms_goes_through_the_gateway(django_capture_on_commit_callbacks, _sms_outbox: list[SmsMessage]) -> None:
    # given overdue notices go by SMS by default
    user = UserFactory(email="")
    user.phone = "13904821234"
    user.save()
    # when
    send(django_capture_on_commit_callbacks, [user], event="workflow.item_overdue")
    # then
    sms = Message.objects.get(recipient=user, channel=Channel.SMS)
    assert sms.status == MessageStatus.SENT
    assert [(m.phone, m.text) for m in _sms_outbox] == [
        ("13904821234", "红灯超期：最低生活保障申请（152221-2026-000123）已超过办理期限2026年12月3日，请立即办理。")
    ]
    assert not Message.objects.filter(recipient=user, channel=Channel.EMAIL).exists()  # no address, no e-mail


def test_failed_delivery_is_retried_then_marked_failed_with_the_reason(
    django_capture_on_commit_callbacks, monkeypatch
) -> None:
    # given an SMTP server that is down
    calls: list[str] = []

    def broken_send_mail(*args: Any, **kwargs: Any) -> int:
        calls.append(args[0])
        raise ConnectionRefusedError("SMTP 服务器无响应")

    monkeypatch.setattr(services, "send_mail", broken_send_mail)
    user = UserFactory()
    # when
    send(django_capture_on_commit_callbacks, [user])
    # then three attempts, then failed with the reason kept
    email = Message.objects.get(recipient=user, channel=Channel.EMAIL)
    assert len(calls) == 3
    assert (email.status, email.attempts) == (MessageStatus.FAILED, 3)
    assert email.last_error == "邮件发送失败：SMTP 服务器无响应"
    assert email.sent_at is None


def test_a_retry_that_succeeds_clears_the_error(django_capture_on_commit_callbacks, monkeypatch) -> None:
    outcomes = [SmsError("SMS gateway failed: ConnectTimeout"), None]

    def flaky_send_sms(phone: str, text: str) -> None:
        outcome = outcomes.pop(0)
        if outcome is not None:
            raise outcome

    monkeypatch.setattr("egov.kernel.notify.sms.send_sms", flaky_send_sms)
    user = UserFactory(email="")
    user.phone = "13904821234"
    user.save()
    send(django_capture_on_commit_callbacks, [user], event="workflow.item_overdue")
    sms = Message.objects.get(recipient=user, channel=Channel.SMS)
    assert (sms.status, sms.attempts, sms.last_error) == (MessageStatus.SENT, 2, "")
    assert outcomes == []


def test_a_message_already_sent_is_not_sent_again() -> None:
    user = UserFactory()
    message = Message.objects.create(
        recipient=user, channel=Channel.EMAIL, event="e", subject="s", body="b", status=MessageStatus.SENT, attempts=1
    )
    assert services.message_deliver(message_id=message.pk) == "skipped"
    assert mail.outbox == []
    message.refresh_from_db()
    assert message.attempts == 1


def test_preferences_choose_channels(django_capture_on_commit_callbacks) -> None:
    # given one person who turned e-mail off for this event, one who turned it off for every event but on
    # for this one, one who turned SMS on for this event, and one with no choices
    off = UserFactory()
    ChannelPreference.objects.create(user=off, event="workflow.item_assigned", channel=Channel.EMAIL, enabled=False)
    override = UserFactory()
    ChannelPreference.objects.create(user=override, event="*", channel=Channel.EMAIL, enabled=False)
    ChannelPreference.objects.create(user=override, event="workflow.item_assigned", channel=Channel.EMAIL, enabled=True)
    sms_on = UserFactory()
    sms_on.phone = "13904821234"
    sms_on.save()
    ChannelPreference.objects.create(user=sms_on, event="*", channel=Channel.SMS, enabled=True)
    default = UserFactory()
    # when
    send(django_capture_on_commit_callbacks, [off, override, sms_on, default])
    # then in-site always, the rest as chosen
    channels = {
        user.username: sorted(Message.objects.filter(recipient=user).values_list("channel", flat=True))
        for user in (off, override, sms_on, default)
    }
    assert channels == {
        off.username: ["inapp"],
        override.username: ["email", "inapp"],
        sms_on.username: ["email", "inapp", "sms"],
        default.username: ["email", "inapp"],
    }


def test_mandatory_templates_ignore_preferences(
    django_capture_on_commit_callbacks, _sms_outbox: list[SmsMessage]
) -> None:
    user = UserFactory()
    user.phone = "13904821234"
    user.save()
    ChannelPreference.objects.create(user=user, event="*", channel=Channel.SMS, enabled=False)
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[user], event="accounts.sms_code", context={"code": "482913", "minutes": 5})
    assert [m.text for m in _sms_outbox] == ["您的验证码为482913，5分钟内有效。如非本人操作，请忽略本短信。"]


def test_unknown_event_sends_nothing_and_inactive_users_get_nothing(django_capture_on_commit_callbacks) -> None:
    user = UserFactory()
    assert notify(recipients=[user], event="no.such_event", context={}) == []
    gone = UserFactory(is_active=False)
    send(django_capture_on_commit_callbacks, [gone])
    assert not Message.objects.exists()


def test_messages_left_sending_by_a_dead_worker_are_requeued_or_failed() -> None:
    # given three e-mails "sending": two abandoned an hour ago (one with attempts left), one just now
    user = UserFactory(email="wang@example.gov.cn")
    hour_ago = timezone.now() - timedelta(hours=1)

    def sending(attempts: int, at: Any) -> Message:
        return Message.objects.create(
            recipient=user,
            channel=Channel.EMAIL,
            event="e",
            subject="主题",
            body="正文",
            status=MessageStatus.SENDING,
            attempts=attempts,
            last_attempt_at=at,
        )

    abandoned, exhausted, in_flight = sending(1, hour_ago), sending(3, hour_ago), sending(1, timezone.now())
    # when
    assert services.messages_requeue_stale() == 1
    # then the first is sent on its second attempt, the second failed, the third left alone
    for message in (abandoned, exhausted, in_flight):
        message.refresh_from_db()
    assert (abandoned.status, abandoned.attempts, abandoned.last_error) == (MessageStatus.SENT, 2, "")
    assert (exhausted.status, exhausted.last_error) == (MessageStatus.FAILED, "发送过程中断，已达最大重试次数")
    assert (in_flight.status, in_flight.attempts) == (MessageStatus.SENDING, 1)
    assert len(mail.outbox) == 1
