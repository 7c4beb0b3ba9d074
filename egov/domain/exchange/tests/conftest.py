from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache

from egov.domain.exchange import chain, signing
from egov.kernel.calendar import deadlines


@pytest.fixture(autouse=True)
def _isolated(settings: Any, tmp_path: Path, db: None) -> Iterator[None]:
    """Files in a temporary directory; no signing key, chain id, calendar or rate counter leaks between tests."""
    settings.MEDIA_ROOT = tmp_path / "media"
    signing.forget()
    chain._chain_ids.clear()
    deadlines.invalidate()
    cache.clear()
    yield
    signing.forget()
    chain._chain_ids.clear()
    deadlines.invalidate()
    cache.clear()
