"""``manage.py workflow_publish <file.bpmn>…`` — publish process definitions (a new version only on change)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from egov.kernel.errors import Rejected
from egov.kernel.workflow.services import definition_publish_file


class Command(BaseCommand):
    help = "发布 BPMN 流程定义；内容未变化时不产生新版本"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", help=".bpmn 文件；同名前缀的 .dmn 文件一并发布")
        parser.add_argument("--prefix", default="XA", help="办件编号前缀，默认 XA")

    def handle(self, *args: Any, **options: Any) -> None:
        for raw in options["paths"]:
            path = Path(raw)
            if not path.is_file():
                raise CommandError(f"文件不存在：{path}")
            try:
                definitions = definition_publish_file(path, number_prefix=options["prefix"])
            except Rejected as exc:
                raise CommandError(f"{path}：{exc.message}") from exc
            for definition in definitions:
                self.stdout.write(f"{definition.key} v{definition.version}（{definition.name}）")
