"""``manage.py load_demo``: the Hinggan demo data, every registered step in one transaction."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from egov.kernel.orgs.demo import discover_demo_steps


class Command(BaseCommand):
    help = "加载兴安盟演示数据（组织机构、职务、演示账号及各应用登记的演示数据）；可重复运行，不会产生重复数据。"

    def handle(self, *args: Any, **options: Any) -> None:
        steps = discover_demo_steps()
        with transaction.atomic():
            for step in steps:
                step.load(self.stdout)
        self.stdout.write(self.style.SUCCESS(f"兴安盟演示数据已就绪（{len(steps)} 个步骤）。演示账号见 README.md。"))
