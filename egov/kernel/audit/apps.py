from __future__ import annotations

import contextvars
from typing import Any

from django.apps import AppConfig
from django.db.backends.signals import connection_created

#: True only while ``manage.py flush`` wipes the whole database (see management/commands/flush.py).
wipe_allowed: contextvars.ContextVar[bool] = contextvars.ContextVar("egov_audit_wipe_allowed", default=False)


def _register_sqlite_functions(sender: Any, connection: Any, **kwargs: Any) -> None:
    """The SQLite delete trigger asks this function; other clients do not have it, so they cannot delete."""
    if connection.vendor == "sqlite":
        connection.connection.create_function("egov_audit_wipe_allowed", 0, lambda: int(wipe_allowed.get()))


class AuditConfig(AppConfig):
    name = "egov.kernel.audit"
    label = "audit"
    verbose_name = "安全审计"

    def ready(self) -> None:
        from egov.kernel.audit import receivers

        connection_created.connect(_register_sqlite_functions, dispatch_uid="egov_audit_sqlite_functions")
        receivers.connect()
