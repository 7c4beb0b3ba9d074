"""Verify every chain of the exchange access log; exit status 1 when anything was changed or deleted."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from egov.domain.exchange import chain


class Command(BaseCommand):
    help = "校验数据交换访问日志哈希链（修改、删除、插入、调换顺序均可发现）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--chain", action="append", type=int, help="只校验指定链（可重复）")
        parser.add_argument(
            "--workers", type=int, default=1, help="并行校验的进程数（各用一个数据库连接；按 CPU 核数设置）"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        result = chain.verify(options.get("chain"), workers=max(1, options["workers"]))
        elapsed = time.perf_counter() - started
        self.stdout.write(f"已校验 {result.chains} 条链、{result.entries} 条日志，用时 {elapsed:.2f} 秒")
        for problem in result.problems:
            where = f"第 {problem.seq} 条" if problem.seq is not None else "链头"
            self.stdout.write(f"✘ 链 {problem.chain} {where}：{problem.message}")
        if not result.ok:
            raise CommandError("访问日志校验未通过")
        self.stdout.write("✔ 访问日志完整，未发现篡改")
