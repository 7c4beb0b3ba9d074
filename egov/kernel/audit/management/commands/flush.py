"""``flush`` that may also empty the audit table on SQLite.

Flushing wipes every table, so the audit log goes with the rest (on PostgreSQL Django's TRUNCATE already
bypasses row triggers). Test runners flush between transactional tests; without this the SQLite delete
trigger would make every such flush fail once an entry exists.
"""

from __future__ import annotations

from typing import Any

from django.core.management.commands.flush import Command as FlushCommand

from egov.kernel.audit.apps import wipe_allowed


class Command(FlushCommand):
    def handle(self, **options: Any) -> None:
        token = wipe_allowed.set(True)
        try:
            super().handle(**options)
        finally:
            wipe_allowed.reset(token)
