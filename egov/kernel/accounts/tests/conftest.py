from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.cache import cache

from egov.kernel.notify import sms


@pytest.fixture(autouse=True)
def clean_slate(settings: pytest.FixtureRequest, tmp_path: Path) -> Iterator[None]:
    """Rate-limit counters and SMS codes live in the cache; the demo outbox file goes to a temporary dir."""
    settings.VAR_DIR = tmp_path
    settings.SMS_BACKEND = "console"
    cache.clear()
    sms.outbox.clear()
    yield
    cache.clear()
    sms.outbox.clear()
