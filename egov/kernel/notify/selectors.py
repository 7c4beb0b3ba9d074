"""Reads of the notifications app: a person's inbox and preferences."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from egov.kernel.errors import NotFound
from egov.kernel.notify.models import Channel, ChannelPreference, Message, MessageTemplate

if TYPE_CHECKING:
    from egov.kernel.accounts.models import User


def inbox(*, user: User, unread_only: bool = False) -> QuerySet[Message]:
    messages = Message.objects.filter(recipient=user, channel=Channel.INAPP)
    if unread_only:
        messages = messages.filter(read_at__isnull=True)
    return messages.order_by("-created_at", "-pk")


def unread_count(*, user: User) -> int:
    return Message.objects.filter(recipient=user, channel=Channel.INAPP, read_at__isnull=True).count()


def inbox_message(*, user: User, message_id: int) -> Message:
    """A message of the user's own inbox; any other id is "not found" (never "forbidden": ids reveal nothing)."""
    message = Message.objects.filter(pk=message_id, recipient=user, channel=Channel.INAPP).first()
    if message is None:
        raise NotFound("message_not_found", _("消息不存在"))
    return message


def preference_rows(*, user: User) -> list[dict[str, object]]:
    """One row per event that has e-mail or SMS templates, with the user's effective choice per channel."""
    templates = (
        MessageTemplate.objects.filter(is_active=True, optional=True).exclude(channel=Channel.INAPP).order_by("event")
    )
    stored = {(p.event, p.channel): p.enabled for p in ChannelPreference.objects.filter(user=user)}
    rows: dict[str, dict[str, object]] = {}
    for template in templates:
        row = rows.setdefault(template.event, {"event": template.event, "label": template.name or template.event})
        key = (template.event, template.channel)
        fallback = stored.get((ChannelPreference.ALL_EVENTS, template.channel), template.default_enabled)
        row[template.channel] = stored.get(key, fallback)
    return list(rows.values())
