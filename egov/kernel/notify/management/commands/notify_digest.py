"""Cron entry point for the daily digest: ``manage.py notify_digest`` (safe to run twice a day)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from egov.kernel.notify.services import digest_send


class Command(BaseCommand):
    help = "向有未读站内消息的工作人员发送每日汇总邮件"

    def handle(self, *args: Any, **options: Any) -> None:
        count = digest_send()
        self.stdout.write(f"已生成 {count} 封每日汇总邮件")
