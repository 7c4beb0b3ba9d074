from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.test import Client, RequestFactory
from django.urls import reverse

from egov.kernel.audit.models import AuditEntry
from egov.kernel.errors import NotFound
from egov.kernel.notify.context_processors import unread_count
from egov.kernel.notify.models import Channel, ChannelPreference, Message, MessageStatus
from egov.kernel.notify.services import digest_send, message_mark_read
from egov.kernel.notify.tests.factories import InAppMessageFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_recipient_reads_own_message_and_it_is_marked_read(client: Client) -> None:
    message = InAppMessageFactory(subject="新待办：最低生活保障申请", body="请于周五前办理。")
    client.force_login(message.recipient)
    response = client.get(reverse("notify:message", args=[message.pk]))
    assert response.status_code == 200
    assert "请于周五前办理。" in response.content.decode()
    message.refresh_from_db()
    assert message.status == MessageStatus.READ
    assert message.read_at is not None
    assert AuditEntry.objects.filter(action="notify.message_read", actor=message.recipient).count() == 1


def test_another_user_cannot_read_a_message_and_nothing_changes(client: Client) -> None:
    message = InAppMessageFactory()
    stranger = UserFactory()
    client.force_login(stranger)
    for url in (reverse("notify:message", args=[message.pk]), reverse("notify:office_message", args=[message.pk])):
        assert client.get(url).status_code == 404
    message.refresh_from_db()
    assert (message.status, message.read_at) == (MessageStatus.SENT, None)
    assert message.subject not in client.get(reverse("notify:inbox")).content.decode()


def test_mark_read_service_refuses_other_peoples_messages() -> None:
    message = InAppMessageFactory()
    with pytest.raises(NotFound) as caught:
        message_mark_read(actor=UserFactory(), message=message)
    assert caught.value.message == "消息不存在"
    message.refresh_from_db()
    assert message.read_at is None


def test_inbox_lists_only_own_in_site_messages_and_unread_filter(client: Client) -> None:
    user = UserFactory()
    mine_unread = InAppMessageFactory(recipient=user, subject="未读的一条")
    InAppMessageFactory(
        recipient=user, subject="已读的一条", status=MessageStatus.READ, read_at="2026-11-01T08:00:00+08:00"
    )
    InAppMessageFactory(subject="别人的消息")
    Message.objects.create(recipient=user, channel=Channel.EMAIL, event="x", subject="邮件副本", body="b")
    client.force_login(user)
    page = client.get(reverse("notify:inbox")).content.decode()
    assert "未读的一条" in page and "已读的一条" in page
    assert "别人的消息" not in page and "邮件副本" not in page
    unread_page = client.get(reverse("notify:inbox") + "?unread=1").content.decode()
    assert mine_unread.subject in unread_page and "已读的一条" not in unread_page


def test_inbox_requires_sign_in(client: Client) -> None:
    response = client.get(reverse("notify:inbox"))
    assert response.status_code == 302


def test_read_all_marks_only_own_messages(client: Client) -> None:
    user = UserFactory()
    InAppMessageFactory.create_batch(2, recipient=user)
    other = InAppMessageFactory()
    client.force_login(user)
    response = client.post(reverse("notify:read_all"))
    assert response.status_code == 302
    assert not Message.objects.filter(recipient=user, read_at__isnull=True).exists()
    other.refresh_from_db()
    assert other.read_at is None


def test_unread_count_context_processor() -> None:
    user = UserFactory()
    InAppMessageFactory.create_batch(3, recipient=user)
    InAppMessageFactory(recipient=user, status=MessageStatus.READ, read_at="2026-11-01T08:00:00+08:00")
    request = RequestFactory().get("/")
    request.user = user
    count = unread_count(request)["unread_message_count"]
    assert callable(count)
    assert count() == 3
    request.user = AnonymousUser()
    assert unread_count(request) == {"unread_message_count": 0}


def test_preferences_form_saves_choices(client: Client) -> None:
    user = UserFactory()
    client.force_login(user)
    page = client.get(reverse("notify:preferences")).content.decode()
    assert "新待办提醒（电子邮件）" in page
    assert "短信验证码" not in page  # a mandatory template cannot be switched off
    # only the SMS box of 新待办 ticked: every other e-mail/SMS choice off
    response = client.post(reverse("notify:preferences"), {"workflow.item_assigned__sms": "on"})
    assert response.status_code == 302
    stored = {(p.event, p.channel): p.enabled for p in ChannelPreference.objects.filter(user=user)}
    assert stored[("workflow.item_assigned", "sms")] is True
    assert stored[("workflow.item_assigned", "email")] is False
    assert stored[("workflow.supervision", "email")] is False
    assert ("workflow.item_assigned", "inapp") not in stored
    assert AuditEntry.objects.filter(action="notify.preferences_update", actor=user).count() == 1


def test_daily_digest_mails_staff_with_unread_messages_once_a_day(django_capture_on_commit_callbacks) -> None:
    # given a staff member with two unread messages, one with everything read, and a citizen with unread
    busy = StaffFactory(email="li@xam.gov.cn", real_name="李明")
    InAppMessageFactory(recipient=busy, subject="新待办：甲")
    InAppMessageFactory(recipient=busy, subject="督办：乙")
    done = StaffFactory()
    InAppMessageFactory(recipient=done, status=MessageStatus.READ, read_at="2026-11-01T08:00:00+08:00")
    InAppMessageFactory(recipient=UserFactory())
    # when the digest runs twice
    with django_capture_on_commit_callbacks(execute=True):
        first = digest_send()
    with django_capture_on_commit_callbacks(execute=True):
        second = digest_send()
    # then exactly one e-mail, to the busy staff member, listing both
    assert (first, second) == (1, 0)
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == ["li@xam.gov.cn"]
    assert sent.subject == "【兴安盟政务】您有 2 条未读消息"
    assert "李明，您好" in sent.body
    assert "- 新待办：甲（" in sent.body and "- 督办：乙（" in sent.body
    assert "/office/messages/" in sent.body


def test_office_inbox_renders_for_staff_with_the_office_layout(client: Client) -> None:
    staff = StaffFactory()
    message = InAppMessageFactory(recipient=staff, subject="督办：科右前旗低保复核")
    client.force_login(staff)
    response = client.get(reverse("notify:office_inbox"))
    assert response.status_code == 200
    assert [t.name for t in response.templates][:2] == ["notify/inbox.html", "web/office_base.html"]
    assert message.subject in response.content.decode()
    assert reverse("notify:office_message", args=[message.pk]) in response.content.decode()


def test_only_on_site_links_are_rendered() -> None:
    assert InAppMessageFactory(url="/office/cases/7/").safe_url == "/office/cases/7/"
    assert InAppMessageFactory(url="javascript:alert(1)").safe_url == ""
    assert InAppMessageFactory(url="https://evil.example.com/").safe_url == ""
