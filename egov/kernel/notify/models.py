"""Notifications: templates per event and channel, every message with its delivery status, and users'
channel choices."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

from egov.kernel.notify.rendering import TemplateCheckError, check_declared_variables, check_template


class Channel(models.TextChoices):
    INAPP = "inapp", _("站内消息")
    EMAIL = "email", _("电子邮件")
    SMS = "sms", _("短信")


class MessageStatus(models.TextChoices):
    QUEUED = "queued", _("待发送")
    SENDING = "sending", _("发送中")
    SENT = "sent", _("已发送")
    FAILED = "failed", _("发送失败")
    READ = "read", _("已读")


class MessageTemplate(models.Model):
    """The wording of one event on one channel; editable by administrators, checked when saved."""

    event = models.CharField(_("事件代码"), max_length=64, help_text=_("如 workflow.item_assigned"))
    channel = models.CharField(_("渠道"), max_length=8, choices=Channel.choices)
    name = models.CharField(_("名称"), max_length=60, blank=True)
    subject = models.CharField(_("标题"), max_length=200, blank=True, help_text=_("Django 模板语法；短信不使用标题"))
    body = models.TextField(_("正文"), help_text=_("Django 模板语法，如 {{ case_title }}"))
    variables = models.JSONField(
        _("声明的变量"), default=list, blank=True, help_text=_('如 ["case_title", "deadline"]')
    )
    default_enabled = models.BooleanField(_("默认开启"), default=True, help_text=_("用户未设置偏好时是否发送"))
    optional = models.BooleanField(
        _("用户可关闭"), default=True, help_text=_("关闭后忽略用户偏好，如短信验证码必须发送")
    )
    is_active = models.BooleanField(_("启用"), default=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("消息模板")
        verbose_name_plural = _("消息模板")
        ordering = ("event", "channel")
        constraints = (
            models.UniqueConstraint(fields=["event", "channel"], name="notify_template_unique_event_channel"),
        )

    def __str__(self) -> str:
        return f"{self.event} / {self.get_channel_display()}"

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        try:
            declared = check_declared_variables(self.variables)
        except TemplateCheckError as exc:
            raise ValidationError({"variables": exc.message}) from exc
        for field in ("subject", "body"):
            try:
                check_template(getattr(self, field), declared)
            except TemplateCheckError as exc:
                errors[field] = exc.message
        if errors:
            raise ValidationError(errors)


class Message(models.Model):
    """One notice to one person on one channel, with its delivery history (attempts, last error)."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("接收人"), on_delete=models.CASCADE, related_name="messages"
    )
    channel = models.CharField(_("渠道"), max_length=8, choices=Channel.choices)
    event = models.CharField(_("事件代码"), max_length=64)
    subject = models.CharField(_("标题"), max_length=200, blank=True)
    body = models.TextField(_("正文"))
    status = models.CharField(_("状态"), max_length=8, choices=MessageStatus.choices, default=MessageStatus.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("发送次数"), default=0)
    last_error = models.CharField(_("失败原因"), max_length=500, blank=True)
    related_type = models.CharField(_("关联对象类型"), max_length=64, blank=True)
    related_id = models.CharField(_("关联对象编号"), max_length=64, blank=True)
    url = models.CharField(_("链接"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    last_attempt_at = models.DateTimeField(_("最近尝试时间"), null=True, blank=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("消息")
        verbose_name_plural = _("消息")
        ordering = ("-created_at", "-pk")
        indexes = (
            models.Index(fields=["recipient", "channel", "status"], name="notify_msg_inbox_idx"),
            models.Index(fields=["status", "created_at"], name="notify_msg_status_idx"),
        )

    def __str__(self) -> str:
        return f"{self.get_channel_display()} → {self.recipient_id}: {self.subject or self.body[:20]}"

    @property
    def safe_url(self) -> str:
        """The link, unless it points off-site or is not http(s) (a stored javascript: URL must never render)."""
        allowed = url_has_allowed_host_and_scheme(self.url, allowed_hosts=set(settings.ALLOWED_HOSTS))
        return self.url if self.url and allowed else ""

    @property
    def is_unread(self) -> bool:
        return self.channel == Channel.INAPP and self.read_at is None


class ChannelPreference(models.Model):
    """A user's choice for one event (or "*" for every event) on one channel; in-site messages are always on."""

    ALL_EVENTS = "*"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="channel_preferences"
    )
    event = models.CharField(_("事件代码"), max_length=64, help_text=_("* 表示全部事件"))
    channel = models.CharField(_("渠道"), max_length=8, choices=Channel.choices)
    enabled = models.BooleanField(_("开启"), default=True)

    class Meta:
        verbose_name = _("接收渠道偏好")
        verbose_name_plural = _("接收渠道偏好")
        constraints = (
            models.UniqueConstraint(fields=["user", "event", "channel"], name="notify_pref_unique_user_event_channel"),
        )

    def __str__(self) -> str:
        return f"{self.user_id} {self.event} {self.channel}={'on' if self.enabled else 'off'}"
