"""``manage.py audit_verify``: exit 0 when the audit chain is intact, non-zero naming the first broken entry."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from egov.kernel.audit.verify import verify_chain


class Command(BaseCommand):
    help = "校验审计日志的 SM3 哈希链，发现修改、删除或重排时以非零状态退出。"

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--batch-size", type=int, default=5000, help="每批读取的记录数")

    def handle(self, *args: Any, batch_size: int, **options: Any) -> None:
        if batch_size < 1:
            raise CommandError("--batch-size 必须是正整数")
        report = verify_chain(batch_size=batch_size)
        if not report.intact:
            raise CommandError(report.message)
        self.stdout.write(report.message)
