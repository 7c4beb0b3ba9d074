"""``manage.py inspect_sites``: check every site now (or only ``--site <key>``) and print the verdicts;
``--enqueue`` only queues the daily task for the worker (what the systemd timer runs)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from egov.domain.inspection import selectors, services
from egov.domain.inspection.models import SiteReport, Trigger
from egov.kernel.errors import Rejected


class Command(BaseCommand):
    help = "按国家政府网站检查指标检查站群各网站（首页与栏目更新、空白栏目、链接、图片替代文字、网站标识码）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--site", action="append", default=[], help="只检查该站点标识的网站（可重复）")
        parser.add_argument("--no-external", action="store_true", help="不检查外部链接")
        parser.add_argument("--enqueue", action="store_true", help="只把每日检查任务放入任务队列")

    def handle(self, *args: Any, **options: Any) -> None:
        check_external = not options["no_external"]
        if options["enqueue"]:
            from egov.domain.inspection.tasks import daily_inspection

            result = daily_inspection.enqueue(check_external)
            self.stdout.write(f"已加入任务队列：{result.id}")
            return
        homes = selectors.all_homes()
        if options["site"]:
            homes = [home for home in homes if home.site_key in options["site"]]
            if not homes:
                raise CommandError("没有找到指定的网站")
        try:
            run = services.inspection_start(
                actor=None,
                trigger=Trigger.COMMAND,
                home_page_ids=[home.pk for home in homes],
                check_external=check_external,
                queue=False,
            )
        except Rejected as exc:
            raise CommandError(exc.message) from exc
        run = services.inspection_execute(run_id=run.pk, home_page_ids=[home.pk for home in homes])
        for report in SiteReport.objects.filter(run=run).order_by("site_key"):
            self.stdout.write(
                f"{report.site_name}（{report.site_key}）：{report.get_verdict_display()}，"
                f"单项否决 {report.veto_count}，问题 {report.violation_count}，预警 {report.warning_count}，"
                f"检查页面 {report.pages_checked}、链接 {report.links_checked}"
            )
        if run.error:
            self.stderr.write(run.error)
