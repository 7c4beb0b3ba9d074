from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from egov.kernel.notify.models import Message, MessageTemplate
from egov.kernel.notify.services import message_template_save


@admin.register(MessageTemplate)
class MessageTemplateAdmin(admin.ModelAdmin):
    list_display = ("event", "channel", "name", "default_enabled", "is_active", "updated_at")
    list_filter = ("channel", "is_active")
    search_fields = ("event", "name")

    def save_model(self, request: HttpRequest, obj: MessageTemplate, form: Any, change: bool) -> None:
        message_template_save(actor=request.user, template=obj)  # type: ignore[arg-type]


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    """Delivery status for operators; messages are written only by the notify service."""

    list_display = ("created_at", "recipient", "channel", "event", "status", "attempts", "last_error")
    list_filter = ("channel", "status", "event")
    readonly_fields = tuple(f.name for f in Message._meta.fields)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Message | None = None) -> bool:
        return False
