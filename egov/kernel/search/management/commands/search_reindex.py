"""``manage.py search_reindex [type …]``: rebuild the index from the registered apps."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from egov.kernel.errors import Rejected
from egov.kernel.search import services, suggest


class Command(BaseCommand):
    help = "重建全文检索索引（默认全部已登记的对象类型）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("types", nargs="*", help="对象类型，如 portal.article")

    def handle(self, *args: Any, **options: Any) -> None:
        types = options["types"] or services.registered_types()
        if not types:
            self.stdout.write("尚无登记的检索对象类型。")
            return
        for object_type in types:
            try:
                indexed, removed = services.reindex_type(object_type=object_type)
            except Rejected as exc:
                raise CommandError(exc.message) from exc
            self.stdout.write(f"{object_type}：已索引 {indexed} 条，移除 {removed} 条")
        suggest.forget()
