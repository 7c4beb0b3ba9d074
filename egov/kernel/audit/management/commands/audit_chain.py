"""``manage.py audit_chain``: link the audit entries that were stored as pending while the chain head was busy.

They are normally linked right after their own commit; run this from cron (every minute) as the catch-up for
a process that died between its commit and that step, and before an ``audit_verify`` that must cover them."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from egov.kernel.audit.services import CHAIN_BATCH, chain_pending


class Command(BaseCommand):
    help = "将等待入链的审计记录按顺序链接到 SM3 哈希链。"

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--batch-size", type=int, default=CHAIN_BATCH, help="每次锁定链头链接的记录数")

    def handle(self, *args: Any, batch_size: int, **options: Any) -> None:
        if batch_size < 1:
            raise CommandError("--batch-size 必须是正整数")
        linked = chain_pending(batch_size=batch_size)
        self.stdout.write(f"已入链 {linked} 条审计记录")
