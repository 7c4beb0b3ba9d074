"""``manage.py workflow_supervise [--enqueue] [--date YYYY-MM-DD]`` — run the supervision sweep (电子监察)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from egov.kernel.workflow import services, tasks


class Command(BaseCommand):
    help = "重新计算全部在办办件和待办的红黄绿灯，并对新变黄、变红的发出预警"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--enqueue", action="store_true", help="交给后台任务执行（django-tasks），而不是立即执行")
        parser.add_argument("--date", help="按指定日期计算（YYYY-MM-DD），默认今天")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["enqueue"]:
            queued = tasks.supervision_sweep.enqueue()
            self.stdout.write(f"已加入后台任务队列：{queued.id}")
            return
        today = None
        if options["date"]:
            try:
                today = date.fromisoformat(options["date"])
            except ValueError as exc:
                raise CommandError("日期格式应为 YYYY-MM-DD") from exc
        result = services.supervision_sweep(today=today)
        for label, groups in (("办件", result.cases), ("待办", result.items)):
            counts = "，".join(f"{light} {len(ids)}" for light, ids in groups.items())
            self.stdout.write(f"{label}：{counts}")
        self.stdout.write(self.style.SUCCESS(f"{result.today:%Y-%m-%d} 监察完成，状态变化 {result.changed()} 项"))
