"""Cron entry point: recover e-mails and SMS whose worker died while sending (``manage.py notify_requeue``)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from egov.kernel.notify.services import messages_requeue_stale


class Command(BaseCommand):
    help = "将发送中断的邮件和短信重新排队"

    def handle(self, *args: Any, **options: Any) -> None:
        count = messages_requeue_stale()
        self.stdout.write(f"已重新排队 {count} 条消息")
