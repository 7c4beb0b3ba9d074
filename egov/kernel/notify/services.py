"""Writes of the notifications app: creating messages, delivering them, reading them, preferences."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from egov.kernel.errors import NotFound
from egov.kernel.notify.models import Channel, ChannelPreference, Message, MessageStatus, MessageTemplate
from egov.kernel.notify.rendering import render_text

if TYPE_CHECKING:
    from egov.kernel.accounts.models import User

logger = logging.getLogger(__name__)

DIGEST_EVENT = "notify.daily_digest"
MAX_ATTEMPTS = 3
#: Wait before the 2nd and the 3rd attempt, when the task backend can defer (the database backend can).
RETRY_DELAYS = (timedelta(minutes=1), timedelta(minutes=10))
#: A message "sending" for longer than this lost its worker.
STALE_AFTER = timedelta(minutes=15)


class DeliveryError(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _audit(**kwargs: Any) -> None:
    from egov.kernel.audit.services import audit_record

    audit_record(**kwargs)


def related_key(related: models.Model | tuple[str, str | int] | None) -> tuple[str, str]:
    """("app_label.model", "pk") of the object a message or file is about."""
    if related is None:
        return "", ""
    if isinstance(related, models.Model):
        return related._meta.label_lower, str(related.pk)
    related_type, related_id = related
    return related_type, str(related_id)


def notify(
    *,
    recipients: Iterable[User],
    event: str,
    context: Mapping[str, Any],
    related: models.Model | tuple[str, str | int] | None = None,
    url: str = "",
) -> list[Message]:
    """Render the event's templates for every channel each recipient wants and queue the deliveries.

    Called inside the caller's transaction: the rows commit with the caller's change, the e-mails and SMS
    leave only after the commit. In-site messages are always created (they are "sent" on creation); e-mail
    and SMS are skipped for people without an address or number.
    """
    return notify_many(event=event, notices=[Notice(list(recipients), context, related, url)])


@dataclass(frozen=True)
class Notice:
    """One occurrence of an event for a group of people (``notify_many`` stores many in one go)."""

    recipients: Sequence[User]
    context: Mapping[str, Any]
    related: models.Model | tuple[str, str | int] | None = None
    url: str = ""


def notify_many(*, event: str, notices: Sequence[Notice]) -> list[Message]:
    """``notify`` for several occurrences of one event at once (e.g. every step a transition opened): the
    templates and the recipients' channel choices are read once and all messages stored in one insert."""
    templates = {t.channel: t for t in MessageTemplate.objects.filter(event=event, is_active=True)}
    if not templates:
        logger.error("notify: no active template for event %s; nothing sent", event)
        return []
    active = [[user for user in notice.recipients if user.is_active] for notice in notices]
    # Choices matter only for the optional e-mail / SMS of people who have an address or number (see _wants).
    user_ids = {user.pk for users in active for user in users if user.email or user.phone}
    choices: dict[tuple[int, str, str], bool] = {}
    if user_ids and any(t.optional and t.channel != Channel.INAPP for t in templates.values()):
        choices = {
            (pref.user_id, pref.event, pref.channel): pref.enabled
            for pref in ChannelPreference.objects.filter(
                user_id__in=user_ids, event__in=[event, ChannelPreference.ALL_EVENTS]
            )
        }
    variables = {name for t in templates.values() for name in t.variables}
    now = timezone.now()
    messages: list[Message] = []
    for notice, users in zip(notices, active, strict=True):
        if not users:
            continue
        missing = variables - notice.context.keys()
        if missing:
            logger.warning("notify: event %s rendered without %s", event, ", ".join(sorted(missing)))
        rendered = {
            channel: (render_text(t.subject, notice.context)[:200], render_text(t.body, notice.context))
            for channel, t in templates.items()
        }
        related_type, related_id = related_key(notice.related)
        for user in {user.pk: user for user in users}.values():
            for channel, template in templates.items():
                if not _wants(user, channel, template, event, choices):
                    continue
                subject, body = rendered[channel]
                in_site = channel == Channel.INAPP
                messages.append(
                    Message(
                        recipient=user,
                        channel=channel,
                        event=event,
                        subject=subject,
                        body=body,
                        status=MessageStatus.SENT if in_site else MessageStatus.QUEUED,
                        sent_at=now if in_site else None,
                        related_type=related_type,
                        related_id=related_id,
                        url=notice.url,
                    )
                )
    if not messages:
        return []
    Message.objects.bulk_create(messages)
    queued = [m.pk for m in messages if m.status == MessageStatus.QUEUED]
    if queued:

        def enqueue_all() -> None:
            for pk in queued:
                enqueue_delivery(message_id=pk)

        transaction.on_commit(enqueue_all)
    return messages


def _wants(
    user: User, channel: str, template: MessageTemplate, event: str, choices: Mapping[tuple[int, str, str], bool]
) -> bool:
    if channel == Channel.INAPP:
        return True
    if channel == Channel.EMAIL and not user.email:
        return False
    if channel == Channel.SMS and not user.phone:
        return False
    if not template.optional:
        return template.default_enabled
    for key in ((user.pk, event, channel), (user.pk, ChannelPreference.ALL_EVENTS, channel)):
        if key in choices:
            return choices[key]
    return template.default_enabled


def enqueue_delivery(*, message_id: int, delay: timedelta | None = None) -> None:
    from egov.kernel.notify.tasks import deliver_message

    task = deliver_message
    if delay and task.get_backend().supports_defer:
        task = task.using(run_after=timezone.now() + delay)
    task.enqueue(message_id)


def message_deliver(*, message_id: int) -> str:
    """One delivery attempt. The claim is a conditional update, so two workers never send one message twice.

    Returns what happened ("sent", "retry", "failed", "skipped") for the task result.
    """
    claimed = Message.objects.filter(
        pk=message_id, status=MessageStatus.QUEUED, channel__in=[Channel.EMAIL, Channel.SMS], attempts__lt=MAX_ATTEMPTS
    ).update(status=MessageStatus.SENDING, attempts=F("attempts") + 1, last_attempt_at=timezone.now())
    if not claimed:
        return "skipped"
    message = Message.objects.select_related("recipient").get(pk=message_id)
    try:
        _send(message)
    except DeliveryError as exc:
        reason = exc.reason[:500]
    else:
        Message.objects.filter(pk=message_id).update(status=MessageStatus.SENT, sent_at=timezone.now(), last_error="")
        return "sent"
    if message.attempts < MAX_ATTEMPTS:
        Message.objects.filter(pk=message_id).update(status=MessageStatus.QUEUED, last_error=reason)
        enqueue_delivery(message_id=message_id, delay=RETRY_DELAYS[message.attempts - 1])
        return "retry"
    Message.objects.filter(pk=message_id).update(status=MessageStatus.FAILED, last_error=reason)
    logger.warning("notify: message %s failed after %s attempts: %s", message_id, message.attempts, reason)
    return "failed"


def messages_requeue_stale(*, older_than: timedelta = STALE_AFTER) -> int:
    """Recover messages whose worker died mid-send (left "sending"): queue them again, or fail them when
    their attempts are used up. Run from cron (``manage.py notify_requeue``)."""
    cutoff = timezone.now() - older_than
    stale = Message.objects.filter(status=MessageStatus.SENDING, last_attempt_at__lt=cutoff)
    Message.objects.filter(pk__in=stale.filter(attempts__gte=MAX_ATTEMPTS).values("pk")).update(
        status=MessageStatus.FAILED, last_error=_("发送过程中断，已达最大重试次数")
    )
    retry = list(stale.filter(attempts__lt=MAX_ATTEMPTS).values_list("pk", flat=True))
    requeued = Message.objects.filter(pk__in=retry, status=MessageStatus.SENDING).update(
        status=MessageStatus.QUEUED, last_error=_("发送过程中断，重新排队")
    )
    for message_id in retry:
        enqueue_delivery(message_id=message_id)
    return requeued


def _send(message: Message) -> None:
    user = message.recipient
    if message.channel == Channel.EMAIL:
        if not user.email:
            raise DeliveryError(_("用户未登记电子邮箱"))
        try:
            send_mail(message.subject, message.body, settings.DEFAULT_FROM_EMAIL, [user.email])
        except Exception as exc:  # SMTP and socket errors alike become a stored failure reason
            raise DeliveryError(_("邮件发送失败：%(error)s") % {"error": exc}) from exc
        return
    from egov.kernel.notify.sms import SmsError, send_sms

    phone = user.phone
    if not phone:
        raise DeliveryError(_("用户未登记手机号码"))
    try:
        send_sms(phone, message.body)
    except SmsError as exc:
        raise DeliveryError(_("短信发送失败：%(error)s") % {"error": exc}) from exc


@transaction.atomic
def message_mark_read(*, actor: User, message: Message) -> Message:
    """Only the recipient can read a message; anyone else gets "not found" so ids reveal nothing."""
    if message.recipient_id != actor.pk or message.channel != Channel.INAPP:
        raise NotFound("message_not_found", _("消息不存在"))
    now = timezone.now()
    changed = Message.objects.filter(pk=message.pk, read_at__isnull=True).update(status=MessageStatus.READ, read_at=now)
    if changed:
        _audit(actor=actor, action="notify.message_read", target=message)
    message.refresh_from_db()
    return message


@transaction.atomic
def message_mark_all_read(*, actor: User) -> int:
    changed = Message.objects.filter(recipient=actor, channel=Channel.INAPP, read_at__isnull=True).update(
        status=MessageStatus.READ, read_at=timezone.now()
    )
    if changed:
        _audit(actor=actor, action="notify.message_read_all", detail={"count": changed})
    return changed


@transaction.atomic
def preferences_update(*, actor: User, choices: Mapping[tuple[str, str], bool]) -> None:
    """Store the user's own choices: (event or "*", channel) → on/off. In-site messages cannot be turned off."""
    for (event, channel), enabled in choices.items():
        if channel == Channel.INAPP:
            continue
        ChannelPreference.objects.update_or_create(
            user=actor, event=event, channel=channel, defaults={"enabled": enabled}
        )
    _audit(
        actor=actor,
        action="notify.preferences_update",
        detail={f"{event}:{channel}": enabled for (event, channel), enabled in choices.items()},
    )


@transaction.atomic
def message_template_save(*, actor: User, template: MessageTemplate) -> MessageTemplate:
    """Administrators edit templates; the variable check runs here too, not only in the admin form."""
    from egov.kernel.access.policy import require

    require(actor, "notify.manage_templates")
    template.full_clean()
    created = template.pk is None
    template.save()
    _audit(
        actor=actor,
        action="notify.template_create" if created else "notify.template_update",
        target=template,
        detail={"event": template.event, "channel": template.channel},
    )
    return template


def digest_send(*, day: date | None = None) -> int:
    """Send each staff member with unread in-site messages one e-mail listing them, at most once a day.

    Returns how many digests were queued. Idempotent per day: a second run finds today's digest message.
    """
    from egov.kernel.accounts.models import User, UserKind

    today = timezone.localdate() if day is None else day
    already = Message.objects.filter(event=DIGEST_EVENT, created_at__date=today).values("recipient_id")
    staff = (
        User.objects.filter(kind=UserKind.STAFF, is_active=True)
        .exclude(email="")
        .exclude(pk__in=already)
        .filter(messages__channel=Channel.INAPP, messages__read_at__isnull=True)
        .distinct()
    )
    sent = 0
    for user in staff:
        unread = list(
            Message.objects.filter(recipient=user, channel=Channel.INAPP, read_at__isnull=True).order_by("-created_at")
        )
        with transaction.atomic():
            created = notify(
                recipients=[user],
                event=DIGEST_EVENT,
                context={
                    "name": user.display_name,
                    "count": len(unread),
                    "messages": [
                        {"subject": m.subject or m.body[:40], "created_at": m.created_at} for m in unread[:20]
                    ],
                    "more": max(len(unread) - 20, 0),
                    "inbox_url": f"{settings.SITE_BASE_URL}/office/messages/",
                },
            )
        sent += sum(1 for m in created if m.channel == Channel.EMAIL)
    return sent
