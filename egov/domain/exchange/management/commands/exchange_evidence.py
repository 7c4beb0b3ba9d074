"""Export the evidence of one exchange call as JSON (verify it with ``python -m egov.domain.exchange.verify``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from egov.domain.exchange.evidence import evidence_document
from egov.domain.exchange.models import AccessLogEntry


class Command(BaseCommand):
    help = "导出一次数据交换调用的存证（JSON）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("call_id")
        parser.add_argument("-o", "--output", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        entry = AccessLogEntry.objects.filter(call_id=options["call_id"]).first()
        if entry is None:
            raise CommandError("未找到该调用记录")
        text = json.dumps(evidence_document(entry), ensure_ascii=False, indent=2)
        if options.get("output"):
            options["output"].write_text(text, encoding="utf-8")
            self.stdout.write(f"存证已写入 {options['output']}")
        else:
            self.stdout.write(text)
