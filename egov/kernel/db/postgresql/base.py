"""Django's PostgreSQL backend with a health-check bypass window (ADR 0022).

With ``CONN_HEALTH_CHECKS`` Django sends ``SELECT 1`` before the first query of every request that reuses a
persistent connection: one extra round trip per request, ~10 % of a busy API worker's time. Like HikariCP's
``aliveBypassWindowMs`` (500 ms), a connection that ran a statement without error less than
``DATABASE_HEALTH_CHECK_BYPASS_SECONDS`` ago (default 0.5 s) is taken as alive. Under load (many requests a second
per worker) the check is skipped; a connection idle for longer is checked as before. The cost: a server restart
inside that half-second fails the requests already holding such a connection once (as a restart during a
request does anyway); Django then closes the connection at the end of the request (``errors_occurred``).
"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.db.backends.postgresql import base


class DatabaseWrapper(base.DatabaseWrapper):
    _last_used = float("-inf")

    def bypass_seconds(self) -> float:
        return float(getattr(settings, "DATABASE_HEALTH_CHECK_BYPASS_SECONDS", 0.5))

    def close_if_health_check_failed(self) -> None:
        if (
            self.connection is not None
            and self.health_check_enabled  # type: ignore[attr-defined]  # stubs lack Django's attributes
            and not self.health_check_done  # type: ignore[has-type]
            and not self.errors_occurred
            and time.monotonic() - self._last_used < self.bypass_seconds()
        ):
            self.health_check_done = True
            return
        super().close_if_health_check_failed()

    def _cursor(self, name: str | None = None) -> Any:
        cursor = super()._cursor(name)  # type: ignore[misc]
        self._last_used = time.monotonic()
        return cursor

    def close(self) -> None:
        super().close()
        self._last_used = float("-inf")
