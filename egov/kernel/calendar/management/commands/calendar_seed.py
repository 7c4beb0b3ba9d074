"""``manage.py calendar_seed [--years 2025 2026] [--replace]``: load the official schedule from chinesecalendar."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from egov.kernel.calendar import seed
from egov.kernel.calendar.selectors import missing_years
from egov.kernel.calendar.services import holiday_years_seed
from egov.kernel.errors import Rejected


class Command(BaseCommand):
    help = "从 chinesecalendar 包导入节假日安排（已录入的年份默认保留，不覆盖管理员的修改）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--years", nargs="+", type=int, help="要导入的年份；省略则导入包内全部年份")
        parser.add_argument("--replace", action="store_true", help="覆盖已录入的年份（会丢弃管理员的修改）")

    def handle(self, *args: Any, years: list[int] | None, replace: bool, **options: Any) -> None:
        try:
            written = holiday_years_seed(actor=None, years=years, replace=replace)
        except Rejected as exc:
            raise CommandError(exc.message) from exc
        available = seed.package_years()
        if written:
            self.stdout.write(f"已导入：{'、'.join(str(year) for year in written)}年（{seed.package_source()}）")
        else:
            self.stdout.write("没有需要导入的年份：所选年份均已录入（如需覆盖请加 --replace）")
        self.stdout.write(f"{seed.package_source()} 包含 {available[0]}–{available[-1]} 年的安排")
        missing = missing_years()
        if missing:
            self.stderr.write(
                f"注意：{'、'.join(str(year) for year in missing)}年尚未录入，期限将按仅周末休息计算，"
                "请在“工作日历”页面按国务院办公厅通知录入"
            )
